import type { z } from 'zod';

/**
 * Adds an issue at `path` unless `later` is after `earlier` (both RFC 3339 date-times that passed
 * their schema; absent ones are not compared).
 */
export function requireLater(
  context: z.RefinementCtx,
  times: { earlier: string | undefined; later: string | undefined },
  path: (string | number)[],
  message: string,
): void {
  if (times.earlier === undefined || times.later === undefined) {
    return;
  }
  if (Date.parse(times.later) <= Date.parse(times.earlier)) {
    context.addIssue({ code: 'custom', path, message });
  }
}

/** Adds an issue at each repeat of a value in `values`, found at `path` + its position. */
export function requireDistinct(
  context: z.RefinementCtx,
  values: readonly string[],
  path: (string | number)[],
  pathOfItem: (index: number) => (string | number)[] = (index) => [index],
): void {
  const seen = new Set<string>();
  values.forEach((value, index) => {
    if (seen.has(value)) {
      context.addIssue({
        code: 'custom',
        path: [...path, ...pathOfItem(index)],
        message: 'repeats an earlier item',
      });
    }
    seen.add(value);
  });
}
