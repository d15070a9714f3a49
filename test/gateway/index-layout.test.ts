/**
 * An embedded ledger written before index partitions named the writing organisation (index
 * layout 1) is refused when the gateway opens it, with what to do, rather than served as if it
 * held no entries; the offline integrity check still opens it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, test } from 'vitest';
import { standardConsortium } from '../../chaincode/src/index.js';
import { EmbeddedLedger } from '../../gateway/src/embedded/embedded-ledger.js';
import { LedgerStore } from '../../gateway/src/embedded/ledger-store.js';
import { IdentityDirectory } from '../../gateway/src/identity/identity-directory.js';
import type { Principal } from '../../gateway/src/ledger/ledger.js';
import { creditChange, dataAccess } from '../support/sample-entries.js';

const SANDBOX: Principal = { name: 'sandbox-platform', role: 'sandbox-writer' };
const CREDIT: Principal = { name: 'credit-system', role: 'credit-writer' };

const folders: string[] = [];

afterEach(async () => {
  for (const folder of folders.splice(0)) {
    await rm(folder, { recursive: true, force: true });
  }
});

/** A ledger file holding a few entries of two organisations, written by this version. */
async function writtenLedger(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'index-layout-'));
  folders.push(folder);
  const file = join(folder, 'ledger.sqlite');
  const ledger = new EmbeddedLedger(
    new LedgerStore(file),
    await IdentityDirectory.open(join(folder, 'identities')),
    standardConsortium,
  );
  try {
    await ledger.recordEntry(SANDBOX, dataAccess());
    await ledger.recordEntry(CREDIT, creditChange());
  } finally {
    await ledger.close();
  }
  return file;
}

/** Rewrites every index key as layout 1 wrote it: without the organisation's part. */
function toLayoutOne(file: string): void {
  const db = new Database(file);
  try {
    const keys = db
      .prepare<[], { key: Buffer }>("SELECT key FROM state WHERE key >= CAST('ix' AS BLOB)")
      .all()
      .map((row) => row.key.toString('utf8'))
      .filter((key) => key.startsWith('ix\u0000'));
    expect(keys.length).toBeGreaterThan(0);
    const rename = db.prepare<[string, string]>(
      'UPDATE state SET key = CAST(? AS BLOB) WHERE key = CAST(? AS BLOB)',
    );
    for (const key of keys) {
      const parts = key.split('\u0000');
      parts.splice(3, 1);
      rename.run(parts.join('\u0000'), key);
    }
  } finally {
    db.close();
  }
}

test('a ledger this version wrote opens again', async () => {
  const file = await writtenLedger();
  new LedgerStore(file).close();
});

test('a ledger in index layout 1 is refused at open, saying why and what to do', async () => {
  const file = await writtenLedger();
  toLayoutOne(file);

  expect(() => new LedgerStore(file)).toThrow(
    `${file} holds index keys in index layout 1, without the writing organisation`,
  );
  expect(() => new LedgerStore(file)).toThrow(
    /Serve this ledger with the version that wrote it, or start this version on an empty DATA_DIR/,
  );
  // Read-only, as the offline integrity check opens it, the old ledger still opens.
  const readOnly = new LedgerStore(file, { readOnly: true });
  expect(readOnly.height()).toBeGreaterThan(0);
  readOnly.close();
});
