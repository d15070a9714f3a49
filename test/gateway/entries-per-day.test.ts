/**
 * Entries per district day on the embedded ledger: counted as blocks commit, so the overview's
 * statistic costs a small read whatever the ledger holds and never holds up other requests;
 * right on either side of midnight in Asia/Shanghai, per organisation, across a restart, and
 * for a ledger whose blocks were written before counts were kept.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, test } from 'vitest';
import {
  standardConsortium,
  standardKinds,
  type EntryRequest,
  type Role,
} from '../../chaincode/src/index.js';
import { devKeyName } from '../../gateway/src/auth/api-keys.js';
import { EmbeddedLedger } from '../../gateway/src/embedded/embedded-ledger.js';
import { LedgerStore } from '../../gateway/src/embedded/ledger-store.js';
import { entriesPerDay } from '../../gateway/src/services/entries-per-day.js';
import { IdentityDirectory } from '../../gateway/src/identity/identity-directory.js';
import { readerOf } from '../../gateway/src/ledger/entry-day-counts.js';
import type { LedgerDayCounts, Principal } from '../../gateway/src/ledger/ledger.js';
import { startTestGateway } from '../support/gateway-server.js';
import { algorithmUpload, creditChange, dataAccess } from '../support/sample-entries.js';

const principal = (role: Role): Principal => ({ name: devKeyName(role), role });
const SANDBOX = principal('sandbox-writer');
const CREDIT = principal('credit-writer');
const REGULATOR = principal('regulator');

const folders: string[] = [];
afterAll(async () => {
  for (const folder of folders) {
    await rm(folder, { recursive: true, force: true });
  }
});

async function freshFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'audit-entries-per-day-'));
  folders.push(folder);
  return folder;
}

/** The embedded ledger in `folder`, its commit thread started, on the given clock. */
async function openLedger(folder: string, now?: () => number): Promise<EmbeddedLedger> {
  const ledger = new EmbeddedLedger(
    new LedgerStore(join(folder, 'ledger.sqlite')),
    await IdentityDirectory.open(join(folder, 'identities')),
    standardConsortium,
    now === undefined ? {} : { now },
  );
  await ledger.start();
  return ledger;
}

/** Writes `count` entries of `make` as `writer`, in transactions of up to 1,000. */
async function write(
  ledger: EmbeddedLedger,
  writer: Principal,
  make: () => object,
  count: number,
): Promise<void> {
  for (let done = 0; done < count; done += 1000) {
    const size = Math.min(1000, count - done);
    await ledger.recordEntries(
      writer,
      Array.from({ length: size }, () => make() as EntryRequest),
    );
  }
}

/** Tests that write thousands of entries, on two cores shared with other suites. */
const WRITING_THOUSANDS_MS = 60_000;
const MONTH = { from: '2026-06-01', to: '2026-06-30' };
/** Noon on 1 June 2026 in the district, and a minute's steps from it. */
const JUNE_FIRST = Date.parse('2026-06-01T12:00:00+08:00');

describe('GET /v1/statistics/entries-per-day on a ledger of thousands of entries', () => {
  test(
    'several requests at once leave /healthz answering promptly, and count every entry',
    async () => {
      const gateway = await startTestGateway();
      try {
        for (const [role, make] of [
          ['sandbox-writer', dataAccess],
          ['sandbox-writer', dataAccess],
          ['credit-writer', creditChange],
        ] as const) {
          const entries = Array.from({ length: 1000 }, () => make());
          const written = await gateway.request<{ results: { status: number }[] }>(
            'POST',
            '/v1/entries/batch',
            { key: gateway.keys[role], body: { entries } },
          );
          expect(written.body.results.every((result) => result.status === 201)).toBe(true);
        }

        const statistics = Array.from({ length: 4 }, () =>
          gateway.request<{ days: { counts: Record<string, number> }[]; complete: boolean }>(
            'GET',
            '/v1/statistics/entries-per-day?days=31',
            { key: gateway.keys.regulator },
          ),
        );
        let settled = false;
        const answered = Promise.all(statistics).finally(() => {
          settled = true;
        });
        const answering = () => !settled;
        // /healthz over real HTTP, one probe after another, while the statistics are computed.
        const latencies: number[] = [];
        do {
          const sent = performance.now();
          const health = await fetch(`${gateway.url}/healthz`);
          await health.text();
          latencies.push(performance.now() - sent);
        } while (answering());

        for (const { status, body } of await answered) {
          expect(status).toBe(200);
          expect(body.complete).toBe(true);
          const total = body.days.reduce(
            (sum, day) => sum + Object.values(day.counts).reduce((a, b) => a + b, 0),
            0,
          );
          expect(total).toBe(3000);
        }
        // A generous bound: the statistic must not occupy the thread that answers everything.
        expect(Math.max(...latencies), `/healthz took ${latencies.join(', ')} ms`).toBeLessThan(
          100,
        );
      } finally {
        await gateway.close();
      }
    },
    WRITING_THOUSANDS_MS,
  );
});

describe('entries per day on the embedded ledger', () => {
  test('an entry at 23:59:59+08:00 and one at 00:00:00+08:00 are counted on different days', async () => {
    let clock = Date.parse('2026-06-01T23:59:59+08:00');
    const ledger = await openLedger(await freshFolder(), () => clock);
    try {
      const late = await ledger.recordEntry(SANDBOX, dataAccess());
      clock = Date.parse('2026-06-02T00:00:00+08:00');
      const early = await ledger.recordEntry(SANDBOX, dataAccess());
      expect([late.committedAt, early.committedAt]).toEqual([
        '2026-06-01T15:59:59.000000000Z',
        '2026-06-01T16:00:00.000000000Z',
      ]);

      expect(await ledger.countEntriesPerDay(REGULATOR, MONTH)).toEqual({
        counts: [
          { date: '2026-06-01', kind: 'data-access', count: 1 },
          { date: '2026-06-02', kind: 'data-access', count: 1 },
        ],
        complete: true,
      });
      // As the API answers it on the afternoon of 2 June: every kind of both days.
      const zero = Object.fromEntries(standardKinds.kinds.map((kind) => [kind, 0]));
      expect(
        await entriesPerDay(
          ledger,
          standardKinds.kinds,
          REGULATOR,
          { days: '2' },
          new Date('2026-06-02T15:00:00+08:00'),
        ),
      ).toEqual({
        timeZone: 'Asia/Shanghai',
        days: [
          { date: '2026-06-01', counts: { ...zero, 'data-access': 1 } },
          { date: '2026-06-02', counts: { ...zero, 'data-access': 1 } },
        ],
        complete: true,
      });
    } finally {
      await ledger.close();
    }
  });

  test("a regulator counts every organisation's entries, a writer its own organisation's", async () => {
    const ledger = await openLedger(await freshFolder(), () => JUNE_FIRST);
    try {
      await write(ledger, SANDBOX, dataAccess, 3);
      await write(ledger, SANDBOX, algorithmUpload, 1);
      await write(ledger, CREDIT, creditChange, 2);
      const on = (date: string, counts: Record<string, number>) =>
        Object.entries(counts).map(([kind, count]) => ({ date, kind, count }));
      const counted = async (reader: Principal) =>
        (await ledger.countEntriesPerDay(reader, MONTH)).counts;

      expect(await counted(REGULATOR)).toEqual(
        on('2026-06-01', { 'algorithm-upload': 1, 'credit-change': 2, 'data-access': 3 }),
      );
      expect(await counted(SANDBOX)).toEqual(
        on('2026-06-01', { 'algorithm-upload': 1, 'data-access': 3 }),
      );
      expect(await counted(CREDIT)).toEqual(on('2026-06-01', { 'credit-change': 2 }));
      // Another writer of the same organisation reads, and counts, the same entries.
      expect(await counted({ name: 'another-sandbox-system', role: 'sandbox-writer' })).toEqual(
        await counted(SANDBOX),
      );
    } finally {
      await ledger.close();
    }
  });

  test(
    'counts are kept across a restart, and go on from there',
    async () => {
      const folder = await freshFolder();
      const first = await openLedger(folder, () => JUNE_FIRST);
      await write(first, SANDBOX, dataAccess, 1200);
      await write(first, CREDIT, creditChange, 5);
      const before = await first.countEntriesPerDay(REGULATOR, MONTH);
      await first.close();
      expect(before.counts).toEqual([
        { date: '2026-06-01', kind: 'credit-change', count: 5 },
        { date: '2026-06-01', kind: 'data-access', count: 1200 },
      ]);

      const second = await openLedger(folder, () => JUNE_FIRST + 86_400_000);
      try {
        expect(await second.countEntriesPerDay(REGULATOR, MONTH)).toEqual(before);
        await write(second, SANDBOX, dataAccess, 1);
        expect((await second.countEntriesPerDay(REGULATOR, MONTH)).counts).toEqual([
          ...before.counts,
          { date: '2026-06-02', kind: 'data-access', count: 1 },
        ]);
      } finally {
        await second.close();
      }
    },
    WRITING_THOUSANDS_MS,
  );

  test(
    'a ledger written before counts were kept is counted once opened, off the request path',
    async () => {
      const folder = await freshFolder();
      const file = join(folder, 'ledger.sqlite');
      let clock = JUNE_FIRST;
      const old = await openLedger(folder, () => clock);
      // Several blocks, more entries than one step of the count counts, over two days.
      await write(old, SANDBOX, dataAccess, 2500);
      await write(old, CREDIT, creditChange, 3);
      clock += 86_400_000;
      await write(old, SANDBOX, algorithmUpload, 1200);
      const expected = await old.countEntriesPerDay(REGULATOR, MONTH);
      const expectedOfSandbox = await old.countEntriesPerDay(SANDBOX, MONTH);
      await old.close();
      // What an earlier version of the gateway left: blocks and state, no counts.
      const db = new Database(file);
      db.exec('DROP TABLE entries_per_day; DROP TABLE entries_per_day_progress;');
      db.close();

      // Until the commit thread has counted the blocks, a read says its counts are incomplete.
      const store = new LedgerStore(file);
      expect(store.entriesPerDay(readerOf('RegulatorOrg', REGULATOR), MONTH)).toEqual({
        counts: [],
        complete: false,
      });
      store.close();

      const reopened = await openLedger(folder, () => clock);
      try {
        // A write while the backfill runs is counted too, exactly once.
        await write(reopened, CREDIT, creditChange, 1);
        let counted: LedgerDayCounts;
        const deadline = Date.now() + 30_000;
        do {
          counted = await reopened.countEntriesPerDay(REGULATOR, MONTH);
          await new Promise((resolve) => setTimeout(resolve, 20));
        } while (!counted.complete && Date.now() < deadline);
        expect(counted).toEqual({
          counts: [...expected.counts, { date: '2026-06-02', kind: 'credit-change', count: 1 }],
          complete: true,
        });
        expect(await reopened.countEntriesPerDay(SANDBOX, MONTH)).toEqual(expectedOfSandbox);
      } finally {
        await reopened.close();
      }
    },
    WRITING_THOUSANDS_MS,
  );
});
