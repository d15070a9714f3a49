import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { BlockIndex } from '../../gateway/src/fabric/block-index.js';
import { LedgerStore } from '../../gateway/src/embedded/ledger-store.js';
import { OutboxStore } from '../../gateway/src/outbox/outbox-store.js';
import { openDurableDatabase } from '../../gateway/src/sqlite.js';
import { startTestGateway } from '../support/gateway-server.js';
import { dataAccess } from '../support/sample-entries.js';

// What DATA_DIR holds is the ledger, queued requests and keys: nobody but the gateway's own
// user may read it. Only public material (certificates, the trust file, what a witness has
// cosigned) may be readable by others.
const PUBLIC = (name: string) =>
  name === 'trust.json' || name.endsWith('.pem') || name.endsWith('.seen.json');

const folders: string[] = [];
afterEach(async () => {
  for (const folder of folders.splice(0)) {
    await rm(folder, { recursive: true, force: true });
  }
});

async function folder(): Promise<string> {
  const made = await mkdtemp(join(tmpdir(), 'data-modes-'));
  folders.push(made);
  return made;
}

/** Every file under `root`, with its permission bits, by path relative to `root`. */
async function modes(root: string): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const path = join(entry.parentPath, entry.name);
      found[relative(root, path)] = ((await stat(path)).mode & 0o777).toString(8);
    }
  }
  return found;
}

function privateOnes(all: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(all).filter(([path]) => !PUBLIC(basename(path))));
}

test('every store and secret the gateway keeps in DATA_DIR is readable by its user alone', async () => {
  const dataDir = await folder();
  const gateway = await startTestGateway({ DATA_DIR: dataDir });
  try {
    const written = await gateway.request('POST', '/v1/entries', {
      key: gateway.keys['sandbox-writer'],
      body: dataAccess(),
    });
    expect(written.status).toBe(201);
    // An asynchronous write goes through the outbox, so its log and shared memory exist too.
    const queued = await gateway.request('POST', '/v1/entries', {
      key: gateway.keys['sandbox-writer'],
      body: dataAccess(),
      headers: { prefer: 'respond-async' },
    });
    expect(queued.status).toBe(202);

    // Stat while the stores are open: a clean close removes their -wal and -shm files.
    const found = await modes(dataDir);
    for (const name of [
      'ledger.sqlite',
      'ledger.sqlite-wal',
      'ledger.sqlite-shm',
      'outbox.sqlite',
      'outbox.sqlite-wal',
      'outbox.sqlite-shm',
      'dev-keys.json',
      'pseudonym.key',
      'cursor.key',
      'trust.json',
    ]) {
      expect(found, name).toHaveProperty([name]);
    }
    const secrets = privateOnes(found);
    expect(secrets).toEqual(Object.fromEntries(Object.keys(secrets).map((path) => [path, '600'])));
  } finally {
    await gateway.close();
  }
});

test('each SQLite store, its write-ahead log and its shared memory are created 0600', async () => {
  const root = await folder();
  const ledger = new LedgerStore(join(root, 'ledger.sqlite'));
  const outbox = new OutboxStore(join(root, 'outbox.sqlite'));
  await outbox.add(
    'operation-1',
    { name: 'sandbox-platform', role: 'sandbox-writer' },
    { type: 'entry', request: dataAccess() },
    new Date(),
  );
  const blocks = new BlockIndex(join(root, 'fabric-blocks.sqlite'));
  blocks.add({
    number: 0,
    headerHash: randomBytes(32),
    previousHash: Buffer.alloc(0),
    transactions: [{ txId: 'tx-0', validationCode: 0 }],
  });
  try {
    const found = await modes(root);
    expect(Object.keys(found).sort()).toEqual(
      ['ledger', 'outbox', 'fabric-blocks']
        .flatMap((store) => ['', '-shm', '-wal'].map((suffix) => `${store}.sqlite${suffix}`))
        .sort(),
    );
    expect(found).toEqual(Object.fromEntries(Object.keys(found).map((path) => [path, '600'])));
  } finally {
    ledger.close();
    outbox.close();
    blocks.close();
  }
});

test('a store an earlier version left readable to others is closed to them when opened', async () => {
  const root = await folder();
  const file = join(root, 'outbox.sqlite');
  const earlier = openDurableDatabase(file);
  earlier.exec('CREATE TABLE t (x)');
  earlier.close();
  for (const suffix of ['', '-wal', '-shm']) {
    await writeFile(`${file}${suffix}`, '', { flag: 'a' });
    await chmod(`${file}${suffix}`, 0o644);
  }
  const db = openDurableDatabase(file);
  try {
    db.exec('INSERT INTO t VALUES (1)');
    expect(await modes(root)).toEqual({
      'outbox.sqlite': '600',
      'outbox.sqlite-wal': '600',
      'outbox.sqlite-shm': '600',
    });
  } finally {
    db.close();
  }
});

test('secrets an operator left readable to others are closed to them when the gateway starts', async () => {
  const root = await folder();
  const secrets = ['pseudonym.key', 'cursor.key'];
  for (const name of secrets) {
    await writeFile(join(root, name), `${randomBytes(32).toString('hex')}\n`, { mode: 0o644 });
  }
  const gateway = await startTestGateway({ DATA_DIR: root });
  try {
    const all = await modes(root);
    expect(secrets.map((name) => all[name])).toEqual(['600', '600']);
  } finally {
    await gateway.close();
  }
});
