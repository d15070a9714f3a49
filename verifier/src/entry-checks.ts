import {
  canonicalJson,
  channelForm,
  detailsSha256,
  entryDigest,
  isErased,
} from '@audit-ledger/chaincode/dist/entry-format';
import type { CheckpointInclusion, ProvenEntry } from './proof-bundle';
import { leafHash, verifyInclusion } from './transparency/merkle-tree';
import type { TrustFile } from './transparency/trust-file';
import { fail, pass, type CheckResult } from './check-report';
import { checkCheckpoint } from './checkpoint-checks';

/**
 * The entry shown is the entry committed: its digest, the hash of its details when they are held
 * privately, and the form the channel stores of it. An erased entry has neither payload nor
 * details left to hash: what it still proves is that an entry with that digest and details hash
 * was committed; its erasure is an entry of its own, with a bundle of its own.
 */
export function checkEntry(entry: ProvenEntry, canonicalEntry: string): CheckResult[] {
  const { blockNumber: _position, ...read } = entry;
  const stored =
    canonicalJson(channelForm(read)) === canonicalEntry
      ? pass('canonical entry', 'the entry is the one written')
      : fail('canonical entry', 'the entry differs from its canonical form', 'ENTRY_MISMATCH');
  if (isErased(read)) {
    const { erased } = read;
    return [
      pass(
        'erased details',
        `erased ${erased.erasedAt} by ${erased.erasedBy.mspId}/${erased.erasedBy.name} (${erased.erasureId}); committed with digest ${read.digest}, details ${read.details.sha256}`,
      ),
      stored,
    ];
  }
  const details =
    read.details === undefined
      ? []
      : [
          detailsSha256({ payload: read.payload, stream: read.stream }) === read.details.sha256
            ? pass('details hash', `${read.details.sha256}, held in ${read.details.collection}`)
            : fail(
                'details hash',
                'the payload and stream do not hash to the committed details hash',
                'DETAILS_HASH',
              ),
        ];
  return [
    entryDigest(read) === read.digest
      ? pass('entry digest', `${read.digest} recomputed from the payload`)
      : fail('entry digest', 'the payload does not hash to the committed digest', 'ENTRY_DIGEST'),
    ...details,
    stored,
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
