/**
 * The embedded ledger answers queries from the postings its commit thread keeps with each
 * block: a ledger written before postings were kept is posted once opened, off the request path,
 * and meanwhile says so instead of answering short.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, test } from 'vitest';
import { standardConsortium, type EntryRequest, type Role } from '../../chaincode/src/index.js';
import { devKeyName } from '../../gateway/src/auth/api-keys.js';
import { EmbeddedLedger } from '../../gateway/src/embedded/embedded-ledger.js';
import { LedgerStore } from '../../gateway/src/embedded/ledger-store.js';
import { IdentityDirectory } from '../../gateway/src/identity/identity-directory.js';
import { readerOf } from '../../gateway/src/ledger/entry-day-counts.js';
import type { LedgerQuery, Principal } from '../../gateway/src/ledger/ledger.js';
import { creditChange, dataAccess } from '../support/sample-entries.js';

const principal = (role: Role): Principal => ({ name: devKeyName(role), role });
const SANDBOX = principal('sandbox-writer');
const CREDIT = principal('credit-writer');
const REGULATOR = principal('regulator');

let folder = '';
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function openLedger(): Promise<EmbeddedLedger> {
  const ledger = new EmbeddedLedger(
    new LedgerStore(join(folder, 'ledger.sqlite')),
    await IdentityDirectory.open(join(folder, 'identities')),
    standardConsortium,
  );
  await ledger.start();
  return ledger;
}

/** Every page of `query`, 300 entries a page, as `<MSP id>/<id>`. */
async function everyEntry(
  ledger: EmbeddedLedger,
  reader: Principal,
  query: LedgerQuery,
): Promise<string[]> {
  const ids: string[] = [];
  let bookmark = '';
  do {
    const page = await ledger.queryEntries(reader, { ...query, pageSize: 300, bookmark });
    ids.push(...page.items.map((entry) => `${entry.submitter.mspId}/${entry.id}`));
    bookmark = page.bookmark;
  } while (bookmark !== '');
  return ids;
}

test('a ledger written before postings were kept is posted once opened, and answers alike', async () => {
  folder = await mkdtemp(join(tmpdir(), 'audit-embedded-postings-'));
  const old = await openLedger();
  // More entries than one step of the backfill posts.
  for (let batch = 0; batch < 3; batch += 1) {
    await old.recordEntries(
      SANDBOX,
      Array.from({ length: 1000 }, () => dataAccess() as EntryRequest),
    );
  }
  const change = creditChange() as EntryRequest & { payload: { subject: { ref: string } } };
  await old.recordEntry(CREDIT, change);
  const byKind: LedgerQuery = { by: 'kind', value: 'data-access' };
  const bySubject: LedgerQuery = {
    by: 'stream',
    value: `subject:${change.payload.subject.ref}`,
  };
  const expected = await everyEntry(old, REGULATOR, byKind);
  expect(expected).toHaveLength(3000);
  const expectedOfSubject = await everyEntry(old, CREDIT, bySubject);
  expect(expectedOfSubject).toEqual([`CreditOrg/${change.id}`]);
  await old.close();
  // What an earlier version of the gateway left: blocks and state, no postings.
  const db = new Database(join(folder, 'ledger.sqlite'));
  db.exec('DROP TABLE entry_postings; DROP TABLE entry_postings_progress;');
  db.close();
  // Until the commit thread has posted the blocks, a query is refused rather than answered short.
  const store = new LedgerStore(join(folder, 'ledger.sqlite'));
  expect(() =>
    store.postingsPage(readerOf('RegulatorOrg', REGULATOR), standardConsortium, {
      ...byKind,
      pageSize: 10,
      bookmark: '',
    }),
  ).toThrow(expect.objectContaining({ code: 'LEDGER_UNAVAILABLE' }));
  // What readiness reports meanwhile: every block held, none of them read into the index yet.
  expect(store.height()).toBeGreaterThan(0);
  expect(store.indexedHeight()).toBe(0);
  store.close();

  const reopened = await openLedger();
  try {
    const written = (await reopened.recordEntry(SANDBOX, dataAccess())).id;
    let answered: string[] | undefined;
    const deadline = Date.now() + 30_000;
    while (answered === undefined && Date.now() < deadline) {
      try {
        answered = await everyEntry(reopened, REGULATOR, byKind);
      } catch (error) {
        expect(error).toMatchObject({ code: 'LEDGER_UNAVAILABLE' });
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    expect(answered).toEqual([...expected, `SandboxOrg/${written}`]);
    expect(await everyEntry(reopened, CREDIT, bySubject)).toEqual(expectedOfSubject);
    expect(await everyEntry(reopened, SANDBOX, bySubject)).toEqual([]);
    expect(await reopened.countEntries(REGULATOR, byKind)).toEqual({
      count: 3001,
      complete: true,
    });
    const { blocks, indexedBlocks, catchingUp } = await reopened.readiness();
    expect(catchingUp).toBe(false);
    expect(indexedBlocks).toBe(blocks);
  } finally {
    await reopened.close();
  }
}, 60_000);
