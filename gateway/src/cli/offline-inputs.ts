import { readFile } from 'node:fs/promises';
import { InputError, type TrustFile, trustFromText } from '@audit-ledger/verifier';

/** The files offline verification reads; what each must hold, the verification checks. */

export async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read ${what} ${file}: ${(error as Error).message}`);
  }
}

export async function readTrust(file: string | undefined): Promise<TrustFile> {
  if (file === undefined) {
    throw new InputError('--trust <trust.json> is required');
  }
  return trustFromText(await readText(file, 'trust file'), `trust file ${file}`);
}
