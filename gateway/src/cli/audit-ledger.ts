#!/usr/bin/env node
import '../fabric-logging';
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { PROOF_FORMAT, proofBundleShape, type ProofBundle } from '../proof/proof-bundle';
import { noteVerifier } from '../transparency/signed-note';
import { trustFile, type TrustFile } from '../transparency/trust-file';
import { checkBundle } from '../verifier/bundle-checks';
import { formatReport, report, type VerificationReport } from '../verifier/check-report';
import { checkCheckpoint, checkConsistency } from '../verifier/checkpoint-checks';

const USAGE = `usage: audit-ledger verify <bundle.json> --trust <trust.json> [--json]
       audit-ledger verify-consistency <old-checkpoint> <new-checkpoint> <proof.json> --trust <trust.json> [--json]
       audit-ledger verify-checkpoint <checkpoint> --trust <trust.json> [--json]
A bundle is the answer of GET /v1/entries/{id}/proof. Checkpoints are the signed notes from GET /v1/checkpoints/latest (the "note" field, or the note
text itself); proof.json is the answer of GET /v1/proofs/consistency. Nothing is fetched: every
check runs offline against trust.json. Exit 0 when everything holds, 1 when a check fails, 2
when the input cannot be read.`;

class InputError extends Error {}

async function readText(file: string, what: string): Promise<string> {
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
async function readCheckpoint(file: string): Promise<string> {
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

async function readTrust(file: string | undefined): Promise<TrustFile> {
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

async function readProof(file: string): Promise<Buffer[]> {
  const parsed = z
    .object({ hashes: z.array(z.base64()) })
    .safeParse(parseJson(await readText(file, 'proof'), `proof ${file}`));
  if (!parsed.success) {
    throw new InputError(`proof ${file} must be {"hashes": [base64, …]}`);
  }
  return parsed.data.hashes.map((hash) => Buffer.from(hash, 'base64'));
}

async function run(argv: string[]): Promise<VerificationReport | 'help'> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      trust: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    return 'help';
  }
  const [command, ...files] = positionals;
  if (command === 'verify-consistency' && files.length === 3) {
    const [oldFile = '', newFile = '', proofFile = ''] = files;
    const trust = await readTrust(values.trust);
    return report(
      checkConsistency(
        await readCheckpoint(oldFile),
        await readCheckpoint(newFile),
        await readProof(proofFile),
        trust,
      ),
    );
  }
  if (command === 'verify' && files.length === 1) {
    const trust = await readTrust(values.trust);
    const parsed = proofBundleShape.safeParse(
      parseJson(await readText(files[0] ?? '', 'bundle'), 'the bundle'),
    );
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
  if (command === 'verify-checkpoint' && files.length === 1) {
    const trust = await readTrust(values.trust);
    return report(
      checkCheckpoint('checkpoint', await readCheckpoint(files[0] ?? ''), trust).checks,
    );
  }
  throw new InputError(USAGE);
}

const json = process.argv.includes('--json');
run(process.argv.slice(2)).then(
  (result) => {
    if (result === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return;
    }
    process.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : formatReport(result));
    process.exitCode = result.verified ? 0 : 1;
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${message}\n`);
    process.exitCode = 2;
  },
);
