import { z } from 'zod';
import type { Caller } from './access-policy';
import type { KindRegistry } from './kinds/registry';
import type { Role } from './roles';
import { prefixedSha256 } from './text-schemas';

/**
 * The consortium has one pseudonym key: every gateway that turns identity numbers into subject
 * references must derive the same reference for the same person, or trails split by gateway.
 * The key itself never reaches the ledger; its fingerprint is recorded once, at setup, so that a
 * gateway holding another key notices before it writes a single entry.
 */
export const PSEUDONYM_KEY_SETTING = 'pseudonym-key';

export const pseudonymKeyFingerprint = prefixedSha256;

/** The recorded setting, as stored and returned. */
export interface PseudonymKeyRecord {
  fingerprint: string;
  /** Who recorded it, and when (ledger time) in which transaction. */
  recordedBy: { mspId: string; name: string };
  recordedAt: string;
  txId: string;
}

export const pseudonymKeyRecord: z.ZodType<PseudonymKeyRecord> = z.strictObject({
  fingerprint: pseudonymKeyFingerprint,
  recordedBy: z.strictObject({ mspId: z.string(), name: z.string() }),
  recordedAt: z.string(),
  txId: z.string(),
});

/**
 * Who holds the key: the roles that write kinds naming credit subjects (they pseudonymise on
 * write) and regulators (they look subjects up). Only they may record its fingerprint.
 */
export function pseudonymKeyHolders(kinds: KindRegistry): Role[] {
  const writers = kinds.versions
    .filter((version) => version.subjectFields.length > 0)
    .flatMap((version) => version.writers);
  return [...new Set<Role>([...writers, 'regulator'])];
}

export function holdsPseudonymKey(kinds: KindRegistry, caller: Pick<Caller, 'role'>): boolean {
  return pseudonymKeyHolders(kinds).includes(caller.role);
}
