import type { z } from 'zod';
import { ContractError, type ContractErrorCode, type ErrorDetail } from './contract-error';

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
