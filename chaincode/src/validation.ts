import { z } from 'zod';
import { ContractError, type ContractErrorCode, type ErrorDetail } from './contract-error';

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a JSON object',
  array: 'an array',
};

type SizeIssue = { origin: string; inclusive?: boolean } & (
  { code: 'too_small'; minimum: number | bigint } | { code: 'too_big'; maximum: number | bigint }
);

function sizeMessage(issue: SizeIssue): string | undefined {
  const small = issue.code === 'too_small';
  const limit = Number(small ? issue.minimum : issue.maximum);
  switch (issue.origin) {
    case 'number':
    case 'int':
      if (issue.inclusive === false) {
        return `must be ${small ? 'greater' : 'less'} than ${limit}`;
      }
      return `must be ${small ? 'at least' : 'at most'} ${limit}`;
    case 'string':
      return small && limit === 1
        ? 'must not be empty'
        : `must be ${small ? 'at least' : 'at most'} ${limit} characters long`;
    case 'array':
      return `must hold ${small ? 'at least' : 'at most'} ${limit} item${limit === 1 ? '' : 's'}`;
    default:
      return undefined;
  }
}

/**
 * Zod's own messages say what failed in zod's terms ("Invalid input: expected string, received
 * undefined"); these say what to send instead. A schema's own message still wins.
 */
z.config({
  customError: (issue) => {
    switch (issue.code) {
      case 'invalid_type':
        return issue.input === undefined
          ? 'is required'
          : `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
      case 'too_small':
      case 'too_big':
        return sizeMessage(issue);
      case 'invalid_value':
        return `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
      default:
        return undefined;
    }
  },
});

type PathSegment = PropertyKey;

/** `entries[2].payload.actor` from a prefix and zod's path segments. */
export function formatPath(prefix: string, segments: readonly PathSegment[]): string {
  return segments.reduce<string>((path, segment) => {
    if (typeof segment === 'number') {
      return `${path}[${segment}]`;
    }
    const name = String(segment);
    return path === '' ? name : `${path}.${name}`;
  }, prefix);
}

/** One detail per failing field; an unknown key is reported at its own path. */
export function issueDetails(error: z.ZodError, prefix = ''): ErrorDetail[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({
          path: formatPath(prefix, [...issue.path, key]),
          message: 'is not an allowed field',
        }))
      : [{ path: formatPath(prefix, issue.path), message: issue.message }],
  );
}

export function parseWith<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  failure: { code: ContractErrorCode; message: string; pathPrefix?: string },
): z.output<Schema> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new ContractError(
      failure.code,
      failure.message,
      issueDetails(result.error, failure.pathPrefix),
    );
  }
  return result.data;
}

/** A transaction argument that must be JSON. */
export function parseJsonArgument(name: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ContractError(
      'INVALID_ARGUMENT',
      `${name} is not valid JSON`,
      [{ path: name, message: 'is not valid JSON' }],
      error,
    );
  }
}
