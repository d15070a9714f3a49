/**
 * An embedded ledger that earlier versions wrote index keys into (layouts 1 and 2 a key per
 * entry, layout 3 a key per transaction) is served by this version as any other: it reads no
 * index keys, and finds entries in the postings it makes from the ledger's blocks.
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
import type { LedgerPage, Principal } from '../../gateway/src/ledger/ledger.js';
import { creditChange, dataAccess } from '../support/sample-entries.js';

const SANDBOX: Principal = { name: 'sandbox-platform', role: 'sandbox-writer' };
const CREDIT: Principal = { name: 'credit-system', role: 'credit-writer' };
const REGULATOR: Principal = { name: 'regulator', role: 'regulator' };

const folders: string[] = [];

afterEach(async () => {
  for (const folder of folders.splice(0)) {
    await rm(folder, { recursive: true, force: true });
  }
});

async function openLedger(folder: string): Promise<EmbeddedLedger> {
  const ledger = new EmbeddedLedger(
    new LedgerStore(join(folder, 'ledger.sqlite')),
    await IdentityDirectory.open(join(folder, 'identities')),
    standardConsortium,
  );
  await ledger.start();
  return ledger;
}

/** Index keys as each earlier layout wrote them for one entry, and what they listed. */
function earlierIndexKeys(entry: { id: string; committedAt: string; txId: string }) {
  const parts = ['kind', 'data-access'];
  const at = [entry.committedAt, entry.txId];
  return [
    [['ix', ...parts, ...at, '0000'], `entry\u0000${entry.id}`],
    [['ix', ...parts, 'SandboxOrg', ...at, '0000'], `entry\u0000${entry.id}\u0000SandboxOrg`],
    [['ixt', ...parts, 'SandboxOrg', ...at], JSON.stringify([entry.id])],
  ].map(([key, value]) => [(key as string[]).join('\u0000'), value as string] as const);
}

test.each([1, 2, 3])(
  'a ledger holding index keys of layout %i is served from its blocks',
  async (layout) => {
    const folder = await mkdtemp(join(tmpdir(), 'index-layout-'));
    folders.push(folder);
    const written = await openLedger(folder);
    const access = await written.recordEntry(SANDBOX, dataAccess());
    const change = await written.recordEntry(CREDIT, creditChange());
    await written.close();

    // What an earlier version left: its index keys in the state, and no postings.
    const db = new Database(join(folder, 'ledger.sqlite'));
    const [key, value] = earlierIndexKeys(access)[layout - 1] ?? [];
    db.prepare('INSERT INTO state (key, value) VALUES (CAST(? AS BLOB), CAST(? AS BLOB))').run(
      key,
      value,
    );
    db.exec('DROP TABLE entry_postings; DROP TABLE entry_postings_progress;');
    db.close();

    const served = await openLedger(folder);
    try {
      let page: LedgerPage | undefined;
      const deadline = Date.now() + 30_000;
      while (page === undefined) {
        try {
          page = await served.queryEntries(REGULATOR, { by: 'source', value: access.source });
        } catch (error) {
          // Refused only while the blocks are being posted.
          expect(error).toMatchObject({ code: 'LEDGER_UNAVAILABLE' });
          expect(Date.now()).toBeLessThan(deadline);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
      expect(page.items.map((entry) => entry.id)).toEqual([access.id]);
      const changes = await served.queryEntries(CREDIT, { by: 'kind', value: 'credit-change' });
      expect(changes.items.map((entry) => entry.id)).toEqual([change.id]);
    } finally {
      await served.close();
    }
  },
);
