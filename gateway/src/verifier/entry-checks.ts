import { canonicalJson, entryDigest } from '@audit-ledger/chaincode';
import type { LedgerEntry } from '../ledger/ledger';
import type { CheckpointInclusion } from '../proof/proof-bundle';
import { leafHash, verifyInclusion } from '../transparency/merkle-tree';
import type { TrustFile } from '../transparency/trust-file';
import { fail, pass, type CheckResult } from './check-report';
import { checkCheckpoint } from './checkpoint-checks';

/** The entry shown is the entry committed: its digest and its canonical form. */
export function checkEntry(entry: LedgerEntry, canonicalEntry: string): CheckResult[] {
  const { blockNumber: _position, ...committed } = entry;
  return [
    entryDigest(entry) === entry.digest
      ? pass('entry digest', `${entry.digest} recomputed from the payload`)
      : fail('entry digest', 'the payload does not hash to the committed digest', 'ENTRY_DIGEST'),
    canonicalJson(committed) === canonicalEntry
      ? pass('canonical entry', 'the entry is the one written')
      : fail('canonical entry', 'the entry differs from its canonical form', 'ENTRY_MISMATCH'),
  ];
}

/** The checkpoint is signed and witnessed, and its tree holds the block's header hash. */
export function checkBlockInCheckpoint(
  checkpoint: CheckpointInclusion,
  blockNumber: number,
  headerHash: Buffer,
  trust: TrustFile,
): CheckResult[] {
  const witnessed = checkCheckpoint('checkpoint', checkpoint.note, trust);
  if (witnessed.checkpoint === undefined) {
    return witnessed.checks;
  }
  const included = verifyInclusion(
    leafHash(headerHash),
    blockNumber,
    witnessed.checkpoint.size,
    checkpoint.inclusion.map((hash) => Buffer.from(hash, 'base64')),
    witnessed.checkpoint.rootHash,
  );
  return [
    ...witnessed.checks,
    included
      ? pass(
          'block in checkpoint',
          `block ${blockNumber} is in the tree of ${witnessed.checkpoint.size}`,
        )
      : fail(
          'block in checkpoint',
          'the inclusion proof does not lead to the checkpoint root',
          'INCLUSION_PROOF',
        ),
  ];
}
