import { leafHash, PackedHashes, rootHash } from '@audit-ledger/verifier';
import { WitnessBehind, type OwnView } from '../transparency/witness';
import type { OwnBlocks } from '../transparency/witness-server';
import type { BlockIndex } from './block-index';

/** How long a witness waits for its own peer to reach a checkpoint's tree size, or a block. */
const CATCH_UP_MS = 5_000;
const POLL_MS = 100;

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The tree over the first `size` blocks a witness's own peer served it (`source`). */
export function ownView(index: BlockIndex, source: string, catchUpMs = CATCH_UP_MS): OwnView {
  return {
    source,
    async rootAt(size) {
      const deadline = Date.now() + catchUpMs;
      while (index.height() < size) {
        if (Date.now() > deadline) {
          throw new WitnessBehind(`${source} holds ${index.height()} blocks, not yet ${size}`);
        }
        await delay(POLL_MS);
      }
      const leaves = new PackedHashes();
      for (const hash of index.headerHashes().slice(0, size)) {
        leaves.push(leafHash(hash));
      }
      return rootHash(leaves);
    },
  };
}

/**
 * The blocks a witness's own peer served it (`source`), each envelope's hash recomputed from the
 * whole block and checked against the block's data hash as it was indexed.
 */
export function ownBlocks(index: BlockIndex, source: string, catchUpMs = CATCH_UP_MS): OwnBlocks {
  return {
    async transactionsOf(number) {
      const deadline = Date.now() + catchUpMs;
      for (;;) {
        const transactions = index.blockTransactions(number);
        if (transactions !== undefined) {
          return transactions;
        }
        if (Date.now() > deadline) {
          throw new WitnessBehind(
            index.height() > number
              ? `block ${number} is indexed without its envelope hashes; it is being read again from ${source}`
              : `${source} holds ${index.height()} blocks, not yet block ${number}`,
          );
        }
        await delay(POLL_MS);
      }
    },
  };
}
