import { parseCheckpoint, type Checkpoint } from './transparency/checkpoint';
import { verifyConsistency } from './transparency/merkle-tree';
import { NoteError, noteVerifier, openNote } from './transparency/signed-note';
import type { TrustFile } from './transparency/trust-file';
import type { CheckResult } from './check-report';

/**
 * Checks a signed checkpoint against the trust file: the log's signature, then enough witness
 * cosignatures. Returns the checkpoint when the log's signature holds.
 */
export function checkCheckpoint(
  label: string,
  note: string,
  trust: TrustFile,
): { checks: CheckResult[]; checkpoint?: Checkpoint } {
  const { logKey, witnessKeys, witnessQuorum, origin } = trust.checkpoints;
  let opened: { body: string; verifiedBy: string[] };
  try {
    opened = openNote(
      note,
      [logKey, ...witnessKeys].map((key) => noteVerifier(key)),
    );
  } catch (error) {
    const detail = error instanceof NoteError ? error.message : String(error);
    return {
      checks: [{ check: `${label} signatures`, ok: false, detail, reason: 'CHECKPOINT_SIGNATURE' }],
    };
  }
  const logName = noteVerifier(logKey).name;
  if (!opened.verifiedBy.includes(logName)) {
    return {
      checks: [
        {
          check: `${label} signed by the log`,
          ok: false,
          detail: `no valid signature by ${logName}`,
          reason: 'CHECKPOINT_SIGNATURE',
        },
      ],
    };
  }
  let checkpoint: Checkpoint;
  try {
    checkpoint = parseCheckpoint(opened.body);
  } catch (error) {
    return {
      checks: [
        {
          check: `${label} format`,
          ok: false,
          detail: (error as Error).message,
          reason: 'MALFORMED_CHECKPOINT',
        },
      ],
    };
  }
  const witnesses = opened.verifiedBy.filter((name) => name !== logName);
  return {
    checkpoint,
    checks: [
      {
        check: `${label} signed by the log`,
        ok: true,
        detail: `${logName}, tree size ${checkpoint.size}`,
      },
      checkpoint.origin === origin
        ? { check: `${label} origin`, ok: true, detail: origin }
        : {
            check: `${label} origin`,
            ok: false,
            detail: `${checkpoint.origin}, trusted: ${origin}`,
            reason: 'ORIGIN_MISMATCH',
          },
      witnesses.length >= witnessQuorum
        ? {
            check: `${label} witnessed`,
            ok: true,
            detail: `cosigned by ${witnesses.join(', ') || 'no witness'} (${witnesses.length} of ${witnessKeys.length}, ${witnessQuorum} required)`,
          }
        : {
            check: `${label} witnessed`,
            ok: false,
            detail: `${witnesses.length} of ${witnessKeys.length} witnesses cosigned, ${witnessQuorum} required`,
            reason: 'WITNESS_QUORUM',
          },
    ],
  };
}

/** Proves to a regulator that the tree they saw before is a prefix of the tree they see now. */
export function checkConsistency(
  oldNote: string,
  newNote: string,
  proof: readonly Buffer[],
  trust: TrustFile,
): CheckResult[] {
  const older = checkCheckpoint('old checkpoint', oldNote, trust);
  const newer = checkCheckpoint('new checkpoint', newNote, trust);
  const checks = [...older.checks, ...newer.checks];
  if (older.checkpoint === undefined || newer.checkpoint === undefined) {
    return checks;
  }
  const { size: oldSize, rootHash: oldRoot } = older.checkpoint;
  const { size: newSize, rootHash: newRoot } = newer.checkpoint;
  if (older.checkpoint.origin !== newer.checkpoint.origin) {
    return [
      ...checks,
      {
        check: 'same log',
        ok: false,
        detail: 'the checkpoints come from different logs',
        reason: 'ORIGIN_MISMATCH',
      },
    ];
  }
  if (newSize < oldSize) {
    return [
      ...checks,
      { check: 'tree grew', ok: false, detail: `${oldSize} → ${newSize}`, reason: 'TREE_SHRANK' },
    ];
  }
  return [
    ...checks,
    verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof)
      ? {
          check: 'consistency proof',
          ok: true,
          detail: `the tree of ${oldSize} is a prefix of the tree of ${newSize}`,
        }
      : {
          check: 'consistency proof',
          ok: false,
          detail: `the tree of ${newSize} does not extend the tree of ${oldSize}: history was rewritten, or the proof is wrong`,
          reason: 'CONSISTENCY_PROOF',
        },
  ];
}
