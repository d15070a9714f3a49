import type { EntryRequest } from '@audit-ledger/chaincode';
import { LedgerError, type LedgerEntry } from './ledger';

export type ItemOutcome = { ok: true; entry: LedgerEntry } | { ok: false; error: LedgerError };

/** `entries[3].payload.x` → position 3 and `payload.x`. */
function splitBatchPath(path: string): { position: number; rest: string } | undefined {
  const match = /^entries\[(\d+)\]\.?(.*)$/.exec(path);
  return match ? { position: Number(match[1]), rest: match[2] ?? '' } : undefined;
}

/**
 * Commits `requests` in transactions of at most `perTransaction` entries. When the contract
 * refuses a transaction because of one entry, that entry is taken out — its error kept, with
 * paths relative to the entry — and the rest are sent again, so one bad entry never fails its
 * neighbours. An error not attributable to one entry (the ledger is down) stops there: what
 * was committed keeps its outcome and every entry not yet committed gets that error, so a
 * caller can tell exactly which entries to retry. Every commit has happened by the time this
 * resolves.
 */
export async function commitSplitting(
  requests: readonly EntryRequest[],
  commit: (requests: EntryRequest[]) => Promise<LedgerEntry[]>,
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
        const located =
          error instanceof LedgerError ? splitBatchPath(error.details?.[0]?.path ?? '') : undefined;
        const failed = located === undefined ? undefined : pending[located.position];
        if (!(error instanceof LedgerError) || failed === undefined) {
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
        pending = pending.filter((item) => item !== failed);
        const details = (error.details ?? []).map((detail) => ({
          path: splitBatchPath(detail.path)?.rest ?? detail.path,
          message: detail.message,
        }));
        outcomes.set(failed.index, {
          ok: false,
          error: new LedgerError(error.code, error.message, details, error),
        });
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
