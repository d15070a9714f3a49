import { expect, test } from 'vitest';
import { LedgerError } from '../../gateway/src/ledger/ledger.js';
import { buildProofBundle } from '../../gateway/src/proof/bundle-builder.js';
import type { ProofMaterial } from '../../verifier/src/proof-bundle.js';
import type { SignedCheckpoint } from '../../gateway/src/transparency/checkpoint-log.js';

const writer = { name: 'sandbox-platform', role: 'sandbox-writer' as const };
const proofs = {
  proofOf: () => Promise.resolve({ entry: { blockNumber: 5 } } as unknown as ProofMaterial),
};

/** A checkpoint log whose tree reaches `sizes` one call after another, then stays. */
function growingLog(sizes: number[]) {
  let calls = 0;
  return {
    latest: (): Promise<SignedCheckpoint> => {
      const size = sizes[Math.min(calls, sizes.length - 1)] ?? 0;
      calls += 1;
      return Promise.resolve({
        origin: 'o',
        size,
        rootHash: '',
        note: `size ${size}`,
        cosignedBy: [],
      });
    },
    inclusion: () => Promise.resolve({ leafHash: '', hashes: ['h'] }),
    calls: () => calls,
  };
}

test('a proof of an entry just written waits for the checkpoint that covers its block', async () => {
  // The block is followed into the tree a moment after the commit, as on Fabric.
  const log = growingLog([5, 5, 5, 6]);
  const bundle = await buildProofBundle(proofs, log, writer, 'id-1', 2_000);
  expect(bundle.checkpoint).toEqual({ note: 'size 6', size: 6, inclusion: ['h'] });
  expect(log.calls()).toBe(4);
});

test('a block no checkpoint covers in time is LEDGER_UNAVAILABLE, to ask again', async () => {
  const refusal = buildProofBundle(proofs, growingLog([5]), writer, 'id-1', 300);
  await expect(refusal).rejects.toBeInstanceOf(LedgerError);
  await expect(refusal).rejects.toMatchObject({ code: 'LEDGER_UNAVAILABLE' });
});
