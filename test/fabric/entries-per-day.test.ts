/**
 * Entries per district day on Fabric, as the gateway counts them while it follows the channel's
 * blocks: the same numbers its postings count in the kind index, day by day, for a fresh
 * gateway that follows the chain from block 0 and for a block index made before counts were
 * kept, which follows the chain again to count it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterAll, expect, test } from 'vitest';
import { standardKinds, type EntryRequest, type Role } from '../../chaincode/src/index.js';
import { devKeyName } from '../../gateway/src/auth/api-keys.js';
import { loadConfig } from '../../gateway/src/config.js';
import { districtDate } from '../../gateway/src/ledger/entry-day-counts.js';
import type { Ledger, LedgerDayCounts, Principal } from '../../gateway/src/ledger/ledger.js';
import { openLedger } from '../../gateway/src/open-ledger.js';
import { creditChange, dataAccess } from '../support/sample-entries.js';

const principal = (role: Role): Principal => ({ name: devKeyName(role), role });
const DAY_MS = 86_400_000;
/** The last week, today included: the days counted, kind by kind. */
const DATES = Array.from({ length: 7 }, (_, index) =>
  districtDate(Date.now() - (6 - index) * DAY_MS),
);
const WEEK = { from: DATES[0] ?? '', to: DATES.at(-1) ?? '' };

let dataDir = '';
afterAll(() => rm(dataDir, { recursive: true, force: true }));

async function open(): Promise<Ledger> {
  const config = loadConfig({
    LEDGER: 'fabric',
    FABRIC_DEVELOPMENT: 'true',
    FABRIC_CONNECTION: resolve(__dirname, '../../network/.state/connection.json'),
    DATA_DIR: dataDir,
  });
  return (await openLedger(config, pino({ level: 'silent' }))).ledger;
}

/** The counts once the gateway has followed every block the channel holds. */
async function counted(ledger: Ledger, reader: Principal): Promise<LedgerDayCounts> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const counts = await ledger.countEntriesPerDay(reader, WEEK);
    if (counts.complete || Date.now() > deadline) {
      return counts;
    }
    await new Promise((done) => setTimeout(done, 200));
  }
}

/** What the postings count in the kind index, one day and kind at a time. */
async function postedCounts(ledger: Ledger, reader: Principal) {
  const counts = [];
  for (const date of DATES) {
    const from = new Date(`${date}T00:00:00+08:00`).toISOString();
    const to = new Date(Date.parse(from) + DAY_MS).toISOString();
    for (const kind of [...standardKinds.kinds].sort()) {
      const { count } = await ledger.countEntries(reader, { by: 'kind', value: kind, from, to });
      if (count > 0) {
        counts.push({ date, kind, count });
      }
    }
  }
  return counts;
}

test('a fresh gateway counts per day what its postings count; an index made before counts is counted', async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'audit-entries-per-day-'));
  const readers = [principal('regulator'), principal('sandbox-writer')];

  const first = await open();
  const fromBlockZero = [];
  try {
    // Something to count this week, whatever the network held before.
    await first.recordEntries(principal('sandbox-writer'), [
      dataAccess(),
      dataAccess(),
    ] as EntryRequest[]);
    await first.recordEntry(principal('credit-writer'), creditChange());
    for (const reader of readers) {
      const counts = await counted(first, reader);
      expect(counts.complete).toBe(true);
      expect(counts.counts.length).toBeGreaterThan(0);
      expect(counts.counts).toEqual(await postedCounts(first, reader));
      fromBlockZero.push(counts);
    }
  } finally {
    await first.close();
  }

  // What an earlier version of the gateway left: the block index, without counts.
  const index = new Database(join(dataDir, 'fabric-blocks.sqlite'));
  index.exec('DROP TABLE entries_per_day; DROP TABLE entries_per_day_progress;');
  index.close();

  const second = await open();
  try {
    for (const [position, reader] of readers.entries()) {
      expect(await counted(second, reader)).toEqual(fromBlockZero[position]);
    }
  } finally {
    await second.close();
  }
});
