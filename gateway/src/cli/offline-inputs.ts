import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { PROOF_FORMAT, proofBundleShape, type ProofBundle } from '../proof/proof-bundle';
import { noteVerifier } from '../transparency/signed-note';
import { trustFile, type TrustFile } from '../transparency/trust-file';
import { checkBundle } from '../verifier/bundle-checks';
import { report, type VerificationReport } from '../verifier/check-report';
import { InputError } from './cli-errors';

/** The files offline verification reads, each refused with a message saying what is wrong. */

export async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read ${what} ${file}: ${(error as Error).message}`);
  }
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new InputError(`${what} is not JSON`);
  }
}

/** A checkpoint file holds the note itself or the JSON the gateway serves it in. */
export async function readCheckpoint(file: string): Promise<string> {
  const text = await readText(file, 'checkpoint');
  if (!text.trimStart().startsWith('{')) {
    return text;
  }
  const parsed = z.object({ note: z.string() }).safeParse(parseJson(text, `checkpoint ${file}`));
  if (!parsed.success) {
    throw new InputError(`checkpoint ${file} has no "note"`);
  }
  return parsed.data.note;
}

export async function readTrust(file: string | undefined): Promise<TrustFile> {
  if (file === undefined) {
    throw new InputError('--trust <trust.json> is required');
  }
  const parsed = trustFile.safeParse(
    parseJson(await readText(file, 'trust file'), `trust file ${file}`),
  );
  if (!parsed.success) {
    throw new InputError(`trust file ${file} is invalid: ${parsed.error.issues[0]?.message ?? ''}`);
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
      `trust file ${file} holds an unusable key or certificate: ${(error as Error).message}`,
    );
  }
  return trust;
}

export async function readProof(file: string): Promise<Buffer[]> {
  const parsed = z
    .object({ hashes: z.array(z.base64()) })
    .safeParse(parseJson(await readText(file, 'proof'), `proof ${file}`));
  if (!parsed.success) {
    throw new InputError(`proof ${file} must be {"hashes": [base64, …]}`);
  }
  return parsed.data.hashes.map((hash) => Buffer.from(hash, 'base64'));
}

/** Every check of a proof bundle's text against the trust file. */
export function verifyBundleText(text: string, trust: TrustFile): VerificationReport {
  const parsed = proofBundleShape.safeParse(parseJson(text, 'the bundle'));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(
      `the bundle is not ${PROOF_FORMAT}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`,
    );
  }
  try {
    // The shape is checked; the verifier checks every value the shape lets through.
    return report(checkBundle(parsed.data as unknown as ProofBundle, trust));
  } catch (error) {
    throw new InputError(`the bundle is malformed: ${(error as Error).message}`);
  }
}
