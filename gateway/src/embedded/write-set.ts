import { sha256Hex, type CollectionWritesRecord, type WriteRecord } from '@audit-ledger/verifier';

/** What a transaction did to one key of public state, as Fabric's write set holds it. */
export type StateWrite = { kind: 'put'; value: Uint8Array } | { kind: 'delete' };

/** What a transaction did to one key of a private collection; a purge also erases past values. */
export type PrivateWrite = StateWrite | { kind: 'purge' };

/** A transaction's private writes: collection, then key, in the order first written. */
export type PrivateWrites = Map<string, Map<string, PrivateWrite>>;

export function writeRecords(writes: ReadonlyMap<string, StateWrite>): WriteRecord[] {
  return [...writes].map(([key, write]) =>
    write.kind === 'put' ? { key, valueSha256: sha256Hex(write.value) } : { key, isDelete: true },
  );
}

/**
 * Private writes as Fabric's hashed read-write set records them: the SHA-256 of each key and
 * value, never either in clear, so the block proves what a member held after it is purged.
 */
export function privateWriteRecords(privateWrites: PrivateWrites): CollectionWritesRecord[] {
  return [...privateWrites].map(([collection, writes]) => ({
    collection,
    writes: [...writes].map(([key, write]) => {
      const keySha256 = sha256Hex(key);
      switch (write.kind) {
        case 'put':
          return { keySha256, valueSha256: sha256Hex(write.value) };
        case 'delete':
          return { keySha256, isDelete: true as const };
        case 'purge':
          return { keySha256, isDelete: true as const, isPurge: true as const };
      }
    }),
  }));
}
