import type { PackedHashes } from '@audit-ledger/verifier';

/**
 * A ledger's blocks as checkpoints see them: each block's header hash, in block order. The
 * checkpoint log's leaves, whichever ledger holds the blocks.
 */
export interface BlockHeaderSource {
  blockHeaderHashes(): Promise<PackedHashes>;
}
