import type { EntryRequest, ErrorDetail } from '@audit-ledger/chaincode';
import { LedgerError, type RecordedEntry } from './ledger';

export type ItemOutcome = { ok: true; entry: RecordedEntry } | { ok: false; error: LedgerError };

/** `entries[3].payload.x` → position 3 and `payload.x`. */
function splitBatchPath(path: string): { position: number; rest: string } | undefined {
  const match = /^entries\[(\d+)\]\.?(.*)$/.exec(path);
  return match ? { position: Number(match[1]), rest: match[2] ?? '' } : undefined;
}

/**
 * The entries a refusal names (by `entries[N]` detail paths), each with an error of its own:
 * its details, with paths relative to the entry, and, when the refusal named several entries,
 * a message made from its own first detail.
 */
function refusedEntries<Item>(
  error: LedgerError,
  pending: readonly Item[],
): Map<Item, LedgerError> {
  const detailsOf = new Map<Item, ErrorDetail[]>();
  for (const detail of error.details ?? []) {
    const located = splitBatchPath(detail.path);
    const item = located === undefined ? undefined : pending[located.position];
    if (located !== undefined && item !== undefined) {
      detailsOf.set(item, [
        ...(detailsOf.get(item) ?? []),
        { path: located.rest, message: detail.message },
      ]);
    }
  }
  const several = detailsOf.size > 1;
  return new Map(
    [...detailsOf].map(([item, details]) => {
      const [first] = details;
      const message =
        several && first !== undefined
          ? `${first.path === '' ? 'the entry' : first.path} ${first.message}`
          : error.message;
      return [item, new LedgerError(error.code, message, details, error)];
    }),
  );
}

/**
 * Commits `requests` in transactions of at most `perTransaction` entries. When the contract
 * refuses a transaction because of some of its entries, those are taken out — each with its
 * error, paths relative to the entry — and the rest are sent again, so a bad entry never fails
 * its neighbours. An error not attributable to one entry (the ledger is down) stops there: what
 * was committed keeps its outcome and every entry not yet committed gets that error, so a
 * caller can tell exactly which entries to retry. Every commit has happened by the time this
 * resolves.
 */
export async function commitSplitting(
  requests: readonly EntryRequest[],
  commit: (requests: EntryRequest[]) => Promise<RecordedEntry[]>,
  perTransaction: number,
): Promise<ItemOutcome[]> {
  const outcomes = new Map<number, ItemOutcome>();
  let stopped: LedgerError | undefined;
  for (let start = 0; start < requests.length && stopped === undefined; start += perTransaction) {
    let pending = requests
      .slice(start, start + perTransaction)
      .map((request, offset) => ({ index: start + offset, request }));
    while (pending.length > 0) {
      try {
        const entries = await commit(pending.map((item) => item.request));
        pending.forEach((item, position) => {
          const entry = entries[position];
          outcomes.set(
            item.index,
            entry === undefined
              ? {
                  ok: false,
                  error: new LedgerError('INTERNAL', 'the ledger returned fewer entries than sent'),
                }
              : { ok: true, entry },
          );
        });
        break;
      } catch (error) {
        const refused =
          error instanceof LedgerError ? refusedEntries(error, pending) : new Map<never, never>();
        if (!(error instanceof LedgerError) || refused.size === 0) {
          stopped =
            error instanceof LedgerError
              ? error
              : new LedgerError(
                  'INTERNAL',
                  error instanceof Error ? error.message : String(error),
                  undefined,
                  error,
                );
          break;
        }
        pending = pending.filter((item) => !refused.has(item));
        for (const [item, itemError] of refused) {
          outcomes.set(item.index, { ok: false, error: itemError });
        }
      }
    }
  }
  return requests.map(
    (_request, index): ItemOutcome =>
      outcomes.get(index) ?? {
        ok: false,
        error: stopped ?? new LedgerError('INTERNAL', `entry ${index} has no outcome`),
      },
  );
}
