import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ROLES, type Role } from '@audit-ledger/chaincode';
import { z } from 'zod';
import { readOrCreateSecret } from '../files';
import type { Principal } from '../ledger/ledger';

/** Key names become certificate common names and file names: keep them plain. */
export const keyName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 characters of A-Z a-z 0-9 . _ -');

export const apiKeyRecords = z.array(
  z.strictObject({
    name: keyName,
    role: z.enum(ROLES),
    keyHash: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be sha256: and 64 lowercase hex'),
  }),
);

export type ApiKeyRecord = z.infer<typeof apiKeyRecords>[number];

export function hashApiKey(key: string): string {
  return `sha256:${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}

/** A new secret key: 256 random bits, URL-safe. */
export function mintApiKey(): string {
  return `alk_${randomBytes(32).toString('base64url')}`;
}

/** Keys are held only as SHA-256 hashes and compared in constant time. */
export class ApiKeyRegistry {
  private readonly entries: { principal: Principal; hash: Buffer }[];

  constructor(records: readonly ApiKeyRecord[]) {
    const names = new Set<string>();
    for (const record of records) {
      if (names.has(record.name)) {
        throw new Error(`API key name ${record.name} is used twice`);
      }
      names.add(record.name);
    }
    this.entries = records.map((record) => ({
      principal: { name: record.name, role: record.role },
      hash: Buffer.from(record.keyHash.slice('sha256:'.length), 'hex'),
    }));
  }

  /** The principal of the key named `name`: whom the gateway's own scheduled work acts as. */
  principalNamed(name: string): Principal | undefined {
    return this.entries.find((entry) => entry.principal.name === name)?.principal;
  }

  authenticate(presentedKey: string): Principal | undefined {
    const presented = createHash('sha256').update(presentedKey, 'utf8').digest();
    let match: Principal | undefined;
    // Every stored hash is compared, so timing says nothing about which key (if any) matched.
    for (const entry of this.entries) {
      if (timingSafeEqual(presented, entry.hash)) {
        match = entry.principal;
      }
    }
    return match;
  }
}

export async function readApiKeysFile(file: string): Promise<ApiKeyRecord[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read API_KEYS_FILE ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`API_KEYS_FILE ${file} is not valid JSON`, { cause: error });
  }
  const parsed = apiKeyRecords.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.')}: ${issue.message}`,
    );
    throw new Error(`API_KEYS_FILE ${file} is invalid: ${problems.join('; ')}`);
  }
  return parsed.data;
}

export type DevKeys = Record<Role, string>;

/**
 * The development keys in `file` (`{"sandbox-writer": "…", …}`), created with mode 0600 when
 * missing. `created` tells the caller to show them, once.
 */
export async function loadOrCreateDevKeys(
  file: string,
): Promise<{ keys: DevKeys; created: boolean }> {
  const { text, created } = await readOrCreateSecret(file, () =>
    JSON.stringify(Object.fromEntries(ROLES.map((role) => [role, mintApiKey()])), null, 2),
  );
  try {
    const keys = z.record(z.enum(ROLES), z.string().min(1)).parse(JSON.parse(text));
    return { keys, created };
  } catch (error) {
    throw new Error(`cannot use development keys in ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** The name of the development key of a role: the principal that key authenticates as. */
export function devKeyName(role: Role): string {
  return `dev-${role}`;
}

export function devKeyRecords(keys: DevKeys): ApiKeyRecord[] {
  return ROLES.map((role) => ({ name: devKeyName(role), role, keyHash: hashApiKey(keys[role]) }));
}
