/**
 * The gateway's block index follows the channel from block 0, checking that every block's
 * previous_hash names the header before it: on a real chain, with Fabric's own header hashes.
 * It posts the contract's entries with each block, the partitions naming a subject from the
 * private data the peer delivers to a member of the collection, and an index kept before it
 * posted reads the chain again to post it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { expect, it } from 'vitest';
import type { EntryRequest, Role } from '../../chaincode/src/index.js';
import { devKeyName } from '../../gateway/src/auth/api-keys.js';
import { loadConfig } from '../../gateway/src/config.js';
import { BlockIndex } from '../../gateway/src/fabric/block-index.js';
import type { Ledger, LedgerQuery, Principal } from '../../gateway/src/ledger/ledger.js';
import { openLedger } from '../../gateway/src/open-ledger.js';
import { peerName } from '../../network/topology.js';
import { creditChange, dataAccess } from '../support/sample-entries.js';
import { networkStatus } from './network.js';

function configFor(dataDir: string) {
  return loadConfig({
    LEDGER: 'fabric',
    FABRIC_DEVELOPMENT: 'true',
    FABRIC_CONNECTION: resolve(__dirname, '../../network/.state/connection.json'),
    DATA_DIR: dataDir,
  });
}

const principal = (role: Role): Principal => ({ name: devKeyName(role), role });

/** The ids of every page of `query` read as `reader`, asking again while the index catches up. */
async function everyEntry(ledger: Ledger, reader: Principal, query: LedgerQuery) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const ids: string[] = [];
      let bookmark = '';
      do {
        const page = await ledger.queryEntries(reader, { ...query, bookmark });
        ids.push(...page.items.map((entry) => `${entry.submitter.mspId}/${entry.id}`));
        bookmark = page.bookmark;
      } while (bookmark !== '');
      return ids;
    } catch (error) {
      if (!(error instanceof Error && 'code' in error && error.code === 'LEDGER_UNAVAILABLE')) {
        throw error;
      }
      if (Date.now() > deadline) {
        throw error;
      }
      await new Promise((done) => setTimeout(done, 200));
    }
  }
}

it("indexes the whole chain the peers hold, each block's header chained to the one before", async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'audit-block-index-'));
  const config = configFor(dataDir);
  const { ledger } = await openLedger(config, pino({ level: 'silent' }));
  const reader = new BlockIndex(join(dataDir, 'fabric-blocks.sqlite'));
  try {
    const peerHeight = (await networkStatus()).get(peerName('SandboxOrg'))?.height ?? 0;
    expect(peerHeight).toBeGreaterThan(1);
    const deadline = Date.now() + 60_000;
    while (reader.height() < peerHeight && Date.now() < deadline) {
      await new Promise((done) => setTimeout(done, 200));
    }
    // Every block was accepted, so each previous_hash matched the hash computed for the block
    // before it (a mismatch stops the index at that block).
    expect(reader.height()).toBeGreaterThanOrEqual(peerHeight);
    expect(reader.headerHashes()).toHaveLength(reader.height());
  } finally {
    reader.close();
    await ledger.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});

it('posts entries from the blocks, subjects from private data, and again for an older index', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'audit-block-postings-'));
  const sandbox = principal('sandbox-writer');
  const credit = principal('credit-writer');
  const regulator = principal('regulator');
  try {
    const first = await openLedger(configFor(dataDir), pino({ level: 'silent' }));
    const access = await first.ledger.recordEntry(sandbox, dataAccess());
    const change = creditChange() as EntryRequest & { payload: { subject: { ref: string } } };
    await first.ledger.recordEntry(credit, change);
    const byKind: LedgerQuery = { by: 'kind', value: 'data-access', from: access.committedAt };
    const bySubject: LedgerQuery = {
      by: 'stream',
      value: `subject:${change.payload.subject.ref}`,
    };
    const reads = async (ledger: Ledger) => ({
      byKind: await everyEntry(ledger, regulator, byKind),
      bySubject: await everyEntry(ledger, credit, bySubject),
      bySubjectOfSandbox: await everyEntry(ledger, sandbox, bySubject),
    });
    const answered = await reads(first.ledger);
    expect(answered.byKind[0]).toBe(`SandboxOrg/${access.id}`);
    // The sample changes share their subject: earlier runs' are listed before this one.
    expect(answered.bySubject.at(-1)).toBe(`CreditOrg/${change.id}`);
    expect(answered.bySubjectOfSandbox).toEqual([]);
    await first.ledger.close();

    // What an earlier version of the gateway left: blocks indexed and counted, nothing posted.
    const db = new Database(join(dataDir, 'fabric-blocks.sqlite'));
    db.exec('DROP TABLE entry_postings; DROP TABLE entry_postings_progress;');
    db.close();

    const reopened = await openLedger(configFor(dataDir), pino({ level: 'silent' }));
    try {
      const again = await reads(reopened.ledger);
      expect(again.bySubject).toEqual(answered.bySubject);
      expect(again.bySubjectOfSandbox).toEqual([]);
      // Entries written meanwhile by other suites come after; the first ones are the same.
      expect(again.byKind.slice(0, answered.byKind.length)).toEqual(answered.byKind);
    } finally {
      await reopened.ledger.close();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}, 180_000);
