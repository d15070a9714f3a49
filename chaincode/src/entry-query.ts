import { z } from 'zod';
import { toLedgerTime } from './commit-time';
import { ENTRY_KINDS } from './entry-schemas';
import { INDEXES } from './ledger-keys';
import { identifier, timestamp } from './text-schemas';

export const MAX_PAGE_SIZE = 500;
export const DEFAULT_PAGE_SIZE = 100;

function ledgerTimeOrUndefined(value: string | undefined): string | undefined {
  if (value === undefined || !timestamp.safeParse(value).success) {
    return undefined;
  }
  return toLedgerTime(value);
}

/**
 * One page of entries from one index, in commit order. `from` is inclusive and `to` exclusive,
 * both compared with the entries' commit time.
 */
const indexBounds = z.strictObject({
  by: z.enum(INDEXES),
  value: identifier(),
  from: timestamp.optional(),
  to: timestamp.optional(),
});

/** A kind's partition must name a kind; a range must end after it starts. */
function refineBounds(query: z.infer<typeof indexBounds>, context: z.RefinementCtx): void {
  if (query.by === 'kind' && !(ENTRY_KINDS as readonly string[]).includes(query.value)) {
    context.addIssue({
      code: 'custom',
      path: ['value'],
      message: `must be one of ${ENTRY_KINDS.join(', ')} when querying by kind`,
    });
  }
  // zod runs this refinement even when a bound failed its own format check.
  const from = ledgerTimeOrUndefined(query.from);
  const to = ledgerTimeOrUndefined(query.to);
  if (from !== undefined && to !== undefined && from >= to) {
    context.addIssue({ code: 'custom', path: ['to'], message: 'must be later than from' });
  }
}

export const entryQuery = indexBounds
  .extend({
    pageSize: z.int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
    bookmark: z.string().max(4096).default(''),
  })
  .superRefine(refineBounds);

export type EntryQuery = z.infer<typeof entryQuery>;

/** How many entries of one index the caller may read, with the same bounds as a query. */
export const entryCountQuery = indexBounds.superRefine(refineBounds);

export type EntryCountQuery = z.infer<typeof entryCountQuery>;
