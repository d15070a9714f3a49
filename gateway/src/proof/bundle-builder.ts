import { LedgerError, type Principal } from '../ledger/ledger';
import type { CheckpointLog } from '../transparency/checkpoint-log';
import type { ProofBundle } from './proof-bundle';
import type { ProofSource } from './proof-source';

/**
 * An entry's proof bundle: the ledger's material and the block's inclusion in a checkpoint
 * that covers it (made anew if the latest one was being made before the block was appended).
 */
export async function buildProofBundle(
  proofs: ProofSource,
  checkpoints: CheckpointLog,
  principal: Principal,
  id: string,
): Promise<ProofBundle> {
  const material = await proofs.proofOf(principal, id);
  const block = material.entry.blockNumber;
  let checkpoint = await checkpoints.latest();
  if (checkpoint.size <= block) {
    checkpoint = await checkpoints.latest();
  }
  if (checkpoint.size <= block) {
    throw new LedgerError(
      'LEDGER_UNAVAILABLE',
      `no checkpoint covers block ${block} yet; ask again in a moment`,
    );
  }
  const { hashes } = await checkpoints.inclusion(block, checkpoint.size);
  return {
    ...material,
    checkpoint: { note: checkpoint.note, size: checkpoint.size, inclusion: hashes },
  };
}
