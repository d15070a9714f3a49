import {
  MAX_PAGE_SIZE,
  identifier,
  timestamp,
  toLedgerTime,
  type KindRegistry,
} from '@audit-ledger/chaincode';
import { z } from 'zod';

export const DEFAULT_PAGE_SIZE = 100;

function ledgerTimeOrUndefined(value: string | undefined): string | undefined {
  if (value === undefined || !timestamp.safeParse(value).success) {
    return undefined;
  }
  return toLedgerTime(value);
}

/**
 * One page of entries from one index, in commit order. `from` is inclusive and `to` exclusive,
 * both compared with the entries' commit time. A kind's partition must name a kind; a range
 * must end after it starts.
 */
function indexBoundsOf(kinds: KindRegistry) {
  return z
    .strictObject({
      by: z.enum(kinds.indexes as [string, ...string[]]),
      value: identifier(),
      from: timestamp.optional(),
      to: timestamp.optional(),
    })
    .superRefine((query, context) => {
      if (query.by === 'kind' && !kinds.kinds.includes(query.value)) {
        context.addIssue({
          code: 'custom',
          path: ['value'],
          message: `must be one of ${kinds.kinds.join(', ')} when querying by kind`,
        });
      }
      // zod runs this refinement even when a bound failed its own format check.
      const from = ledgerTimeOrUndefined(query.from);
      const to = ledgerTimeOrUndefined(query.to);
      if (from !== undefined && to !== undefined && from >= to) {
        context.addIssue({ code: 'custom', path: ['to'], message: 'must be later than from' });
      }
    });
}

/** A query for one page of entries, and a count of one index range, over these kinds. */
export function entryQueriesOf(kinds: KindRegistry) {
  const bounds = indexBoundsOf(kinds);
  return {
    page: bounds.safeExtend({
      pageSize: z.int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
      bookmark: z.string().max(4096).default(''),
    }),
    count: bounds,
  };
}

export type EntryCountQuery = z.infer<ReturnType<typeof entryQueriesOf>['count']>;
export type EntryQuery = z.infer<ReturnType<typeof entryQueriesOf>['page']>;
