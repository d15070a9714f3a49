import { setTimeout } from 'node:timers/promises';
import { LedgerError, type Principal } from '../ledger/ledger';
import type { CheckpointLog } from '../transparency/checkpoint-log';
import type { BlockProofBundle } from '@audit-ledger/verifier';
import type { ProofSource } from './proof-source';

/**
 * How long a proof waits for a checkpoint to cover the block of an entry just written: on
 * Fabric the gateway follows blocks as peers deliver them, a moment after the commit.
 */
export const COVERAGE_WAIT_MS = 5_000;
const COVERAGE_POLL_MS = 100;

/**
 * An entry's proof bundle: the ledger's material and the block's inclusion in a checkpoint
 * that covers it (made anew as the tree grows, for up to `waitMs`).
 */
export async function buildProofBundle(
  proofs: ProofSource,
  checkpoints: Pick<CheckpointLog, 'latest' | 'inclusion'>,
  principal: Principal,
  id: string,
  waitMs = COVERAGE_WAIT_MS,
): Promise<BlockProofBundle> {
  const material = await proofs.proofOf(principal, id);
  const block = material.entry.blockNumber;
  const deadline = Date.now() + waitMs;
  let checkpoint = await checkpoints.latest();
  while (checkpoint.size <= block && Date.now() < deadline) {
    await setTimeout(COVERAGE_POLL_MS);
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
