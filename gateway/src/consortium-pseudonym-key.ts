import { createHash } from 'node:crypto';
import {
  grantsRole,
  pseudonymKeyHolders,
  standardConsortium,
  type KindRegistry,
  type PseudonymKeyRecord,
} from '@audit-ledger/chaincode';
import type { Logger } from 'pino';
import { devKeyName } from './auth/api-keys';
import { readIfPresent } from './files';
import type { Ledger, Principal } from './ledger/ledger';

/** The gateway cannot start with the pseudonym key it has (or lacks). */
export class PseudonymKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = PseudonymKeyError.name;
  }
}

const KEY_HEX = /^(?:[0-9a-fA-F]{2}){32,}$/;

/**
 * What the ledger records of the key: a hash under a name of its own, so the fingerprint is
 * never an HMAC this key could also produce.
 */
export function pseudonymKeyFingerprint(key: Buffer): string {
  const hash = createHash('sha256').update('audit-ledger pseudonym key\n').update(key);
  return `sha256:${hash.digest('hex')}`;
}

/** Reads a key file the consortium distributed: at least 32 bytes as hex, one line. */
export async function readPseudonymKeyFile(file: string): Promise<Buffer> {
  const text = (await readIfPresent(file))?.trim();
  if (text === undefined) {
    throw new PseudonymKeyError(`the pseudonym key file ${file} does not exist`);
  }
  if (!KEY_HEX.test(text)) {
    throw new PseudonymKeyError(
      `the pseudonym key file ${file} must hold at least 64 hex characters (32 bytes)`,
    );
  }
  return Buffer.from(text, 'hex');
}

/**
 * Holds the gateway to the consortium's one pseudonym key. A gateway of an organisation that
 * pseudonymises or looks subjects up must hold the key whose fingerprint the ledger recorded:
 * with another one, the same person would get another reference and trails would split
 * silently. The first such gateway to start records the fingerprint (setup); every later start,
 * at any organisation, compares. Organisations that hold no credit subjects get no key.
 */
export async function settlePseudonymKey(options: {
  ledger: Ledger;
  kinds: KindRegistry;
  /** The organisations this gateway acts for. */
  organizations: readonly string[];
  key: Buffer | undefined;
  logger: Logger;
}): Promise<Buffer | undefined> {
  const { ledger, kinds, organizations, key, logger } = options;
  const holder = pseudonymKeyHolders(kinds).find((role) =>
    organizations.some((mspId) => grantsRole(standardConsortium, mspId, role)),
  );
  const actsFor = organizations.join(', ');
  if (holder === undefined) {
    if (key !== undefined) {
      throw new PseudonymKeyError(
        `${actsFor} holds no credit subjects and must not hold the consortium pseudonym key: remove PSEUDONYM_KEY / PSEUDONYM_KEY_FILE`,
      );
    }
    return undefined;
  }
  if (key === undefined) {
    throw new PseudonymKeyError(
      `${actsFor} pseudonymises credit subjects: set PSEUDONYM_KEY_FILE to the consortium pseudonym key file`,
    );
  }
  const principal: Principal = { name: devKeyName(holder), role: holder };
  const fingerprint = pseudonymKeyFingerprint(key);
  let recorded: PseudonymKeyRecord | undefined = await ledger.pseudonymKey(principal);
  if (recorded === undefined) {
    recorded = await ledger.recordPseudonymKey(principal, fingerprint);
    logger.info({ fingerprint }, 'recorded the consortium pseudonym key fingerprint on the ledger');
  }
  if (recorded.fingerprint !== fingerprint) {
    throw new PseudonymKeyError(
      `this gateway's pseudonym key (${fingerprint}) is not the consortium's: the ledger recorded ${recorded.fingerprint} (by ${recorded.recordedBy.mspId}/${recorded.recordedBy.name} at ${recorded.recordedAt}). Every gateway must use the key file the consortium distributed, or subjects' trails split`,
    );
  }
  logger.info({ fingerprint }, "pseudonym key matches the consortium's");
  return key;
}
