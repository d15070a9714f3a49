import {
  entriesFromReceipt,
  type EntriesReceipt,
  type EntryRequest,
  type KindRegistry,
} from '@audit-ledger/chaincode';
import type { RecordedEntry } from './ledger';

/**
 * The entries a recording transaction's receipt confirms, in request order: each rebuilt from the
 * request that was sent and checked against the receipt's digest. An entry the kinds here cannot
 * rebuild (kinds that differ from the contract's) is read back from the ledger instead.
 */
export function entriesConfirmed(
  kinds: KindRegistry,
  requests: readonly EntryRequest[],
  receipt: EntriesReceipt,
  blockNumber: number,
  readBack: (id: string) => Promise<RecordedEntry>,
): Promise<RecordedEntry[]> {
  const rebuilt = entriesFromReceipt(kinds, requests, receipt);
  return Promise.all(
    receipt.entries.map(async ({ id }, index) => {
      const entry = rebuilt[index];
      return entry === undefined ? readBack(id) : { ...entry, blockNumber };
    }),
  );
}
