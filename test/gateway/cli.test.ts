import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, test } from 'vitest';
import { ApiKeyRegistry, readApiKeysFile } from '../../gateway/src/auth/api-keys.js';
import { startTestGateway } from '../support/gateway-server.js';
import { runGatewayProgram } from '../support/processes.js';
import { dataAccess } from '../support/sample-entries.js';

const cli = runGatewayProgram;

const folders: string[] = [];
async function freshFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'audit-cli-'));
  folders.push(folder);
  return folder;
}
afterEach(async () => {
  await Promise.all(
    folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })),
  );
});

describe('npm run keys', { timeout: 30_000 }, () => {
  test('add mints a key, prints it once and stores only its hash', async () => {
    const file = join(await freshFolder(), 'api-keys.json');
    const added = await cli('keys-cli.js', [
      'add',
      '--name',
      'sandbox-platform',
      '--role',
      'sandbox-writer',
      '--file',
      file,
    ]);

    expect(added.code).toBe(0);
    const key = added.stdout.trim().split('\n').at(-1) ?? '';
    expect(key).toMatch(/^alk_[A-Za-z0-9_-]{43}$/);
    const stored = await readFile(file, 'utf8');
    expect(stored).not.toContain(key);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(new ApiKeyRegistry(await readApiKeysFile(file)).authenticate(key)).toEqual({
      name: 'sandbox-platform',
      role: 'sandbox-writer',
    });
  });

  test('a second key of the same name, an unknown role or a missing file setting is refused', async () => {
    const file = join(await freshFolder(), 'api-keys.json');
    await cli('keys-cli.js', ['add', '--name', 'a', '--role', 'regulator', '--file', file]);

    const duplicate = await cli('keys-cli.js', [
      'add',
      '--name',
      'a',
      '--role',
      'regulator',
      '--file',
      file,
    ]);
    expect([duplicate.code, duplicate.stderr]).toEqual([
      2,
      expect.stringContaining('already exists') as unknown,
    ]);
    const badRole = await cli('keys-cli.js', [
      'add',
      '--name',
      'b',
      '--role',
      'auditor',
      '--file',
      file,
    ]);
    expect([badRole.code, badRole.stderr]).toEqual([
      2,
      expect.stringContaining('--role') as unknown,
    ]);
    const noFile = await cli('keys-cli.js', ['remove', '--name', 'a']);
    expect([noFile.code, noFile.stderr]).toEqual([
      2,
      expect.stringContaining('API_KEYS_FILE') as unknown,
    ]);
  });

  test('list names the keys, remove takes one out', async () => {
    const file = join(await freshFolder(), 'api-keys.json');
    await cli('keys-cli.js', ['add', '--name', 'a', '--role', 'regulator', '--file', file]);
    await cli('keys-cli.js', ['add', '--name', 'b', '--role', 'credit-writer'], {
      API_KEYS_FILE: file,
    });

    expect((await cli('keys-cli.js', ['list', '--file', file])).stdout).toBe(
      'a\tregulator\nb\tcredit-writer\n',
    );
    expect((await cli('keys-cli.js', ['remove', '--name', 'a', '--file', file])).code).toBe(0);
    expect((await cli('keys-cli.js', ['list', '--file', file])).stdout).toBe('b\tcredit-writer\n');
  });
});

describe('npm run integrity', { timeout: 30_000 }, () => {
  test('passes on an untouched ledger and fails, naming the key, once a stored entry is edited', async () => {
    const gateway = await startTestGateway();
    const dataDir = await freshFolder();
    try {
      const written = await gateway.request<{ id: string }>('POST', '/v1/entries', {
        key: gateway.keys['sandbox-writer'],
        body: dataAccess({ id: 'integrity-1' }),
      });
      expect(written.status).toBe(201);
      await gateway.ledger.close();

      const clean = await cli('integrity-cli.js', [], { DATA_DIR: gateway.dataDir });
      expect([clean.code, clean.stdout]).toEqual([
        0,
        expect.stringContaining('integrity: ok') as unknown,
      ]);

      const db = new Database(join(gateway.dataDir, 'ledger.sqlite'));
      const key = Buffer.from('entry\u0000integrity-1\u0000SandboxOrg');
      const { value } = db
        .prepare<[Buffer], { value: Buffer }>('SELECT value FROM state WHERE key = ?')
        .get(key) ?? {
        value: Buffer.alloc(0),
      };
      db.prepare('UPDATE state SET value = ? WHERE key = ?').run(
        Buffer.from(value.toString('utf8').replace('"train"', '"query"')),
        key,
      );
      db.close();

      const tampered = await cli('integrity-cli.js', [], { DATA_DIR: gateway.dataDir });
      expect(tampered.code).toBe(1);
      expect(tampered.stdout).toContain('entry\\u0000integrity-1');
      expect(tampered.stdout).toContain('value differs from what its block recorded');

      const missing = await cli('integrity-cli.js', [], { DATA_DIR: dataDir });
      expect(missing.code).toBe(2);

      // An empty file is not a ledger, and checking it must not turn it into one.
      await writeFile(join(dataDir, 'ledger.sqlite'), '');
      const empty = await cli('integrity-cli.js', [], { DATA_DIR: dataDir });
      expect([empty.code, (await stat(join(dataDir, 'ledger.sqlite'))).size]).toEqual([2, 0]);
    } finally {
      await gateway.close().catch(() => undefined);
    }
  });
});

describe('--help', { timeout: 30_000 }, () => {
  test.each([
    [
      'cli/audit-ledger.js',
      ['verify-consistency', '-h'],
      /^usage: audit-ledger verify-consistency /,
    ],
    ['keys-cli.js', ['--help'], /^usage: npm run keys -- add /],
    ['keys-cli.js', ['add', '--help'], /^usage: npm run keys -- add /],
    ['integrity-cli.js', ['--help'], /^usage: npm run integrity/],
  ])('%s %j prints its usage and exits 0', async (program, args, usage) => {
    const result = await cli(program, args);
    expect([result.code, result.stderr]).toEqual([0, '']);
    expect(result.stdout).toMatch(usage);
  });
});

describe('npm run keys -- list, on development keys', { timeout: 30_000 }, () => {
  test('names the development keys and their roles, never their secrets', async () => {
    const dataDir = await freshFolder();
    const listed = await cli('keys-cli.js', ['list'], { DATA_DIR: dataDir });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('dev-sandbox-writer\tsandbox-writer\n');
    expect(listed.stdout).toContain('dev-regulator\tregulator\n');
    expect(listed.stdout).toContain(join(dataDir, 'dev-keys.json'));
    expect(listed.stdout).not.toMatch(/[A-Za-z0-9_-]{40,}/);
  });
});
