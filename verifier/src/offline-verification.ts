import { X509Certificate } from 'node:crypto';
import { z } from 'zod';
import { PROOF_FORMAT, proofBundleShape, type ProofBundle } from './proof-bundle';
import { noteVerifier } from './transparency/signed-note';
import { trustFile, type TrustFile } from './transparency/trust-file';
import { checkBundle } from './bundle-checks';
import { report, type VerificationReport } from './check-report';
import { checkCheckpoint, checkConsistency } from './checkpoint-checks';

/**
 * Offline verification from texts: a trust file, a proof bundle, checkpoints and a consistency
 * proof in, a checklist out. Each input is refused with a message saying what is wrong. No file
 * system and no network: the command line reads files, the console what the user picked and
 * what it fetched — the same module in both.
 */

/** An input is wrong; the message says what to change. */
export class InputError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = InputError.name;
  }
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new InputError(`${what} is not JSON`);
  }
}

/** A trust file whose every key and certificate is usable. */
export function trustFromText(text: string, what = 'the trust file'): TrustFile {
  const parsed = trustFile.safeParse(parseJson(text, what));
  if (!parsed.success) {
    throw new InputError(`${what} is invalid: ${parsed.error.issues[0]?.message ?? ''}`);
  }
  const trust = parsed.data;
  try {
    for (const key of [trust.checkpoints.logKey, ...trust.checkpoints.witnessKeys]) {
      noteVerifier(key);
    }
    for (const org of [...trust.organizations, ...trust.orderers]) {
      org.rootCertificates.forEach((pem) => new X509Certificate(pem));
    }
  } catch (error) {
    throw new InputError(
      `${what} holds an unusable key or certificate: ${(error as Error).message}`,
    );
  }
  return trust;
}

/** A checkpoint's note, from the note itself or the JSON the gateway serves it in. */
export function checkpointFromText(text: string, what = 'the checkpoint'): string {
  if (!text.trimStart().startsWith('{')) {
    return text;
  }
  const parsed = z.object({ note: z.string() }).safeParse(parseJson(text, what));
  if (!parsed.success) {
    throw new InputError(`${what} has no "note"`);
  }
  return parsed.data.note;
}

/** A consistency proof as GET /v1/proofs/consistency answers it. */
export function proofFromText(text: string, what = 'the proof'): Buffer[] {
  const parsed = z.object({ hashes: z.array(z.base64()) }).safeParse(parseJson(text, what));
  if (!parsed.success) {
    throw new InputError(`${what} must be {"hashes": [base64, …]}`);
  }
  return parsed.data.hashes.map((hash) => Buffer.from(hash, 'base64'));
}

/** Every check of a proof bundle's text against the trust file. */
export function verifyBundleText(text: string, trust: TrustFile): VerificationReport {
  return verifyBundle(parseJson(text, 'the bundle'), trust);
}

/** A value that is not of its format, refused naming the first field that is wrong. */
function notOfFormat(what: string, format: string, error: z.ZodError): InputError {
  const issue = error.issues[0];
  return new InputError(
    `${what} is not ${format}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`,
  );
}

function verifyBundle(value: unknown, trust: TrustFile, what = 'the bundle'): VerificationReport {
  const parsed = proofBundleShape.safeParse(value);
  if (!parsed.success) {
    throw notOfFormat(what, PROOF_FORMAT, parsed.error);
  }
  try {
    // The shape is checked; the verifier checks every value the shape lets through.
    return report(checkBundle(parsed.data as unknown as ProofBundle, trust));
  } catch (error) {
    throw new InputError(`${what} is malformed: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * An evidence package: the entries a search found, each with its proof bundle, and the latest
 * checkpoint when it was made. Everything in it is checked offline like a single bundle.
 */
export const EVIDENCE_FORMAT = 'audit-ledger-evidence/1';

const evidencePackage = z.object({
  format: z.literal(EVIDENCE_FORMAT),
  createdAt: z.string(),
  query: z.record(z.string(), z.string()),
  checkpoint: z.object({ note: z.string() }),
  // Each bundle passes whole to the bundle's own checks.
  bundles: z.array(z.looseObject({ entry: z.looseObject({ id: z.string() }) })).min(1),
});

export interface EvidenceReport {
  verified: boolean;
  checkpoint: VerificationReport;
  entries: ({ id: string } & VerificationReport)[];
}

/**
 * A proof bundle or an evidence package, told apart by its format, each checked whole; the text
 * is parsed once, however large the package.
 */
export function verifyProofText(
  text: string,
  trust: TrustFile,
): VerificationReport | EvidenceReport {
  const value = parseJson(text, 'the bundle');
  const isEvidence =
    typeof value === 'object' && value !== null && 'format' in value
      ? value.format === EVIDENCE_FORMAT
      : false;
  return isEvidence ? verifyEvidence(value, trust) : verifyBundle(value, trust);
}

/** The package's checkpoint and every entry's bundle, each against the trust file. */
function verifyEvidence(value: unknown, trust: TrustFile): EvidenceReport {
  const parsed = evidencePackage.safeParse(value);
  if (!parsed.success) {
    throw notOfFormat('the evidence package', EVIDENCE_FORMAT, parsed.error);
  }
  const checkpoint = report(
    checkCheckpoint('checkpoint', parsed.data.checkpoint.note, trust).checks,
  );
  const entries = parsed.data.bundles.map((bundle, index) => ({
    id: bundle.entry.id,
    ...verifyBundle(bundle, trust, `bundle ${String(index + 1)} (${bundle.entry.id})`),
  }));
  return {
    verified: checkpoint.verified && entries.every((entry) => entry.verified),
    checkpoint,
    entries,
  };
}

/** A checkpoint's log signature and each witness's cosignature. */
export function verifyCheckpointText(
  text: string,
  trust: TrustFile,
  what = 'the checkpoint',
): VerificationReport {
  return report(checkCheckpoint('checkpoint', checkpointFromText(text, what), trust).checks);
}

type ConsistencyInputs = Record<'older' | 'newer' | 'proof', string>;

/** Both checkpoints, and that the newer one's tree extends the older one's. */
export function verifyConsistencyText(
  texts: ConsistencyInputs,
  trust: TrustFile,
  names: ConsistencyInputs = {
    older: 'the old checkpoint',
    newer: 'the new checkpoint',
    proof: 'the proof',
  },
): VerificationReport {
  return report(
    checkConsistency(
      checkpointFromText(texts.older, names.older),
      checkpointFromText(texts.newer, names.newer),
      proofFromText(texts.proof, names.proof),
      trust,
    ),
  );
}
