import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  ApiKeyRegistry,
  devKeyRecords,
  hashApiKey,
  loadOrCreateDevKeys,
  mintApiKey,
  readApiKeysFile,
  type ApiKeyRecord,
} from '../../gateway/src/auth/api-keys.js';

const ROLE_NAMES = ['credit-writer', 'regulator', 'sandbox-writer'];

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'audit-api-keys-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeKeysFile(content: unknown): Promise<string> {
  const file = join(dir, 'api-keys.json');
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('hashApiKey', () => {
  test('is sha256: and 64 lowercase hex of the UTF-8 key', () => {
    expect(hashApiKey('abc')).toBe(
      'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    const key = mintApiKey();
    expect(hashApiKey(key)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(hashApiKey(key)).toBe(
      `sha256:${createHash('sha256').update(Buffer.from(key, 'utf8')).digest('hex')}`,
    );
  });

  test('is deterministic and tells keys apart', () => {
    expect(hashApiKey('k1')).toBe(hashApiKey('k1'));
    expect(hashApiKey('k1')).not.toBe(hashApiKey('k2'));
    expect(hashApiKey('钥匙')).toBe(
      `sha256:${createHash('sha256').update(Buffer.from('钥匙', 'utf8')).digest('hex')}`,
    );
  });
});

describe('mintApiKey', () => {
  test('is alk_ and 43 base64url characters (256 bits)', () => {
    const key = mintApiKey();
    expect(key).toMatch(/^alk_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key.slice('alk_'.length), 'base64url')).toHaveLength(32);
  });

  test('never repeats', () => {
    const keys = Array.from({ length: 2000 }, () => mintApiKey());
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('ApiKeyRegistry', () => {
  const writerKey = mintApiKey();
  const regulatorKey = mintApiKey();
  const records: ApiKeyRecord[] = [
    { name: 'sandbox-platform', role: 'sandbox-writer', keyHash: hashApiKey(writerKey) },
    { name: 'regulator-01', role: 'regulator', keyHash: hashApiKey(regulatorKey) },
  ];

  test('authenticate returns the principal of the matching key', () => {
    const registry = new ApiKeyRegistry(records);
    expect(registry.authenticate(writerKey)).toEqual({
      name: 'sandbox-platform',
      role: 'sandbox-writer',
    });
    expect(registry.authenticate(regulatorKey)).toEqual({
      name: 'regulator-01',
      role: 'regulator',
    });
  });

  test('authenticate returns undefined for wrong, empty and near-miss keys', () => {
    const registry = new ApiKeyRegistry(records);
    const lastChar = writerKey.at(-1) ?? '';
    const nearMisses = [
      mintApiKey(),
      '',
      ' ',
      writerKey.slice(0, -1),
      `${writerKey.slice(0, -1)}${lastChar === 'A' ? 'B' : 'A'}`,
      `${writerKey} `,
      ` ${writerKey}`,
      `${writerKey}\n`,
      `${writerKey}${writerKey}`,
      writerKey.toUpperCase(),
      `Bearer ${writerKey}`,
      hashApiKey(writerKey),
      hashApiKey(writerKey).slice('sha256:'.length),
    ];
    for (const key of nearMisses) {
      expect(registry.authenticate(key), JSON.stringify(key)).toBeUndefined();
    }
  });

  test('an empty registry authenticates nobody', () => {
    const registry = new ApiKeyRegistry([]);
    expect(registry.authenticate(writerKey)).toBeUndefined();
    expect(registry.authenticate('')).toBeUndefined();
  });

  test('a name used twice is refused', () => {
    expect(
      () =>
        new ApiKeyRegistry([
          ...records,
          { name: 'sandbox-platform', role: 'credit-writer', keyHash: hashApiKey(mintApiKey()) },
        ]),
    ).toThrow(/sandbox-platform.*twice/);
  });

  test('devKeyRecords map each role to a dev-<role> principal', () => {
    const keys = { 'sandbox-writer': 'a1', 'credit-writer': 'b2', regulator: 'c3' };
    const registry = new ApiKeyRegistry(devKeyRecords(keys));
    expect(registry.authenticate('a1')).toEqual({
      name: 'dev-sandbox-writer',
      role: 'sandbox-writer',
    });
    expect(registry.authenticate('b2')).toEqual({
      name: 'dev-credit-writer',
      role: 'credit-writer',
    });
    expect(registry.authenticate('c3')).toEqual({ name: 'dev-regulator', role: 'regulator' });
    expect(devKeyRecords(keys).map((record) => record.keyHash)).toEqual([
      hashApiKey('a1'),
      hashApiKey('b2'),
      hashApiKey('c3'),
    ]);
  });
});

describe('readApiKeysFile', () => {
  const valid = [
    { name: 'sandbox-platform', role: 'sandbox-writer', keyHash: hashApiKey('k1') },
    { name: 'credit.system_2', role: 'credit-writer', keyHash: hashApiKey('k2') },
    { name: 'regulator-01', role: 'regulator', keyHash: hashApiKey('k3') },
  ];

  test('returns the records of a valid file', async () => {
    const file = await writeKeysFile(valid);
    await expect(readApiKeysFile(file)).resolves.toEqual(valid);
  });

  test('an empty list is valid', async () => {
    const file = await writeKeysFile([]);
    await expect(readApiKeysFile(file)).resolves.toEqual([]);
  });

  test('a missing file is refused, naming API_KEYS_FILE and the path', async () => {
    const file = join(dir, 'missing.json');
    const error = await readApiKeysFile(file).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('API_KEYS_FILE');
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toContain('cannot read');
  });

  test('invalid JSON is refused', async () => {
    const file = await writeKeysFile('[{"name": "x",');
    await expect(readApiKeysFile(file)).rejects.toThrow(/API_KEYS_FILE .* is not valid JSON/);
  });

  test('JSON that is not a list is refused', async () => {
    const file = await writeKeysFile({ name: 'x', role: 'regulator', keyHash: hashApiKey('k') });
    await expect(readApiKeysFile(file)).rejects.toThrow(/API_KEYS_FILE .* is invalid/);
  });

  test.each([
    ['an unknown role', { ...valid[0], role: 'admin' }, /1\.role/],
    [
      'a keyHash without the sha256: prefix',
      { ...valid[0], keyHash: 'ab'.repeat(32) },
      /1\.keyHash/,
    ],
    [
      'a keyHash in upper case',
      { ...valid[0], keyHash: hashApiKey('k').toUpperCase() },
      /1\.keyHash/,
    ],
    ['a short keyHash', { ...valid[0], keyHash: `sha256:${'ab'.repeat(31)}` }, /1\.keyHash/],
    [
      'a raw key instead of a hash',
      { name: 'x', role: 'regulator', keyHash: 'alk_secret' },
      /1\.keyHash/,
    ],
    ['an unknown field', { ...valid[0], name: 'y', key: 'alk_plain' }, /1: .*"key"/],
    ['a name with a slash', { ...valid[0], name: 'a/b' }, /1\.name/],
    ['a missing role', { name: 'y', keyHash: hashApiKey('k') }, /1\.role/],
  ])('a record with %s is refused', async (_what, record, problem) => {
    const file = await writeKeysFile([valid[1], record]);
    const error = await readApiKeysFile(file).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^API_KEYS_FILE .* is invalid: /);
    expect((error as Error).message).toMatch(problem);
  });

  test('the problem with an unknown field names the field', async () => {
    const file = await writeKeysFile([{ ...valid[0], secretKey: 'alk_plain' }]);
    await expect(readApiKeysFile(file)).rejects.toThrow(/0: .*"secretKey"/);
  });
});

describe('loadOrCreateDevKeys', () => {
  test('creates a 0600 file with one new key per role, once', async () => {
    const file = join(dir, 'dev-keys.json');
    const first = await loadOrCreateDevKeys(file);
    expect(first.created).toBe(true);
    expect(Object.keys(first.keys).sort()).toEqual(ROLE_NAMES);
    for (const key of Object.values(first.keys)) {
      expect(key).toMatch(/^alk_[A-Za-z0-9_-]{43}$/);
    }
    expect(new Set(Object.values(first.keys)).size).toBe(3);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(first.keys);

    const second = await loadOrCreateDevKeys(file);
    expect(second.created).toBe(false);
    expect(second.keys).toEqual(first.keys);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  test('a corrupt file is refused, not replaced', async () => {
    const file = join(dir, 'dev-keys.json');
    await writeFile(file, 'not json');
    await expect(loadOrCreateDevKeys(file)).rejects.toThrow(/cannot use development keys/);
    expect(await readFile(file, 'utf8')).toBe('not json');
  });

  test('a file missing a role is refused', async () => {
    const file = join(dir, 'dev-keys.json');
    await writeFile(file, JSON.stringify({ 'sandbox-writer': 'a', regulator: 'b' }));
    await expect(loadOrCreateDevKeys(file)).rejects.toThrow(/cannot use development keys/);
  });
});
