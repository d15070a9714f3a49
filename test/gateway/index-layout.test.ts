/**
 * An embedded ledger written with a key per entry in its indexes (index layouts 1 and 2) is
 * refused when the gateway opens it, with what to do, rather than served as if it held no
 * entries; the offline integrity check still opens it.
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

/**
 * Rewrites the ledger's index keys as an earlier layout wrote them, a key per entry: layout 2
 * with the writing organisation, layout 1 without.
 */
function toPerEntryLayout(file: string, layout: 1 | 2): void {
  const db = new Database(file);
  try {
    const rows = db
      .prepare<[], { key: Buffer; value: Buffer }>(
        "SELECT key, value FROM state WHERE key >= CAST('ixt' AS BLOB) AND key < CAST('ixu' AS BLOB)",
      )
      .all();
    expect(rows.length).toBeGreaterThan(0);
    const remove = db.prepare<[Buffer]>('DELETE FROM state WHERE key = ?');
    const insert = db.prepare<[string, string]>(
      'INSERT INTO state (key, value) VALUES (CAST(? AS BLOB), CAST(? AS BLOB))',
    );
    for (const { key, value } of rows) {
      const [, index = '', partition = '', mspId = '', committedAt = '', txId = ''] = key
        .toString('utf8')
        .split('\u0000');
      remove.run(key);
      (JSON.parse(value.toString('utf8')) as string[]).forEach((id, position) => {
        const organisation = layout === 2 ? [mspId] : [];
        const perEntry = ['ix', index, partition, ...organisation, committedAt, txId];
        perEntry.push(String(position).padStart(4, '0'));
        insert.run(perEntry.join('\u0000'), `entry\u0000${id}\u0000${mspId}`);
      });
    }
  } finally {
    db.close();
  }
}

test('a ledger this version wrote opens again', async () => {
  const file = await writtenLedger();
  new LedgerStore(file).close();
});

test.each([1, 2] as const)(
  'a ledger in index layout %i is refused at open, saying why and what to do',
  async (layout) => {
    const file = await writtenLedger();
    toPerEntryLayout(file, layout);

    expect(() => new LedgerStore(file)).toThrow(
      `${file} holds index keys in an earlier index layout (1 or 2, a key per entry)`,
    );
    expect(() => new LedgerStore(file)).toThrow(
      /Serve this ledger with the version that wrote it, or start this version on an empty DATA_DIR/,
    );
    // Read-only, as the offline integrity check opens it, the old ledger still opens.
    const readOnly = new LedgerStore(file, { readOnly: true });
    expect(readOnly.height()).toBeGreaterThan(0);
    readOnly.close();
  },
);
