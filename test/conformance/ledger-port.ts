/**
 * The Ledger port's behaviour, written once and run on every implementation: what the gateway
 * relies on whichever ledger is underneath.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { EntryRequest, Role } from '../../chaincode/src/index.js';
import { devKeyName } from '../../gateway/src/auth/api-keys.js';
import { loadConfig } from '../../gateway/src/config.js';
import { districtDateOf } from '../../gateway/src/ledger/entry-day-counts.js';
import { LedgerError, type Ledger, type Principal } from '../../gateway/src/ledger/ledger.js';
import { openLedger } from '../../gateway/src/open-ledger.js';
import { algorithmUpload, creditChange, dataAccess, unique } from '../support/sample-entries.js';

const principal = (role: Role): Principal => ({ name: devKeyName(role), role });
const SANDBOX = principal('sandbox-writer');
const CREDIT = principal('credit-writer');
const REGULATOR = principal('regulator');

async function ledgerError(work: Promise<unknown>): Promise<LedgerError> {
  try {
    await work;
  } catch (error) {
    expect(error).toBeInstanceOf(LedgerError);
    return error as LedgerError;
  }
  throw new Error('the ledger accepted it');
}

/** Runs the port's suite on the ledger that `env` configures (LEDGER and its settings). */
export function describeLedgerPort(env: Record<string, string>): void {
  let ledger: Ledger;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'audit-ledger-port-'));
    const config = loadConfig({ ...env, DATA_DIR: dataDir });
    ({ ledger } = await openLedger(config, pino({ level: 'silent' })));
  });

  afterAll(async () => {
    await ledger.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  describe(`the Ledger port on ${env.LEDGER ?? 'embedded'}`, () => {
    test('is ready once open', async () => {
      expect(await ledger.readiness()).toMatchObject({ ready: true });
    });

    test('records an entry with its block, and reads it back the same', async () => {
      const request = dataAccess() as EntryRequest;
      const recorded = await ledger.recordEntry(SANDBOX, request);
      expect(recorded).toMatchObject({
        id: request.id,
        kind: request.kind,
        payload: request.payload,
      });
      expect(recorded.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(Number.isInteger(recorded.blockNumber) && recorded.blockNumber >= 0).toBe(true);
      expect(await ledger.getEntry(REGULATOR, request.id)).toEqual(recorded);
      expect(await ledger.getEntry(SANDBOX, request.id)).toEqual(recorded);
    });

    test('records a batch in one transaction and one block, in order', async () => {
      const requests = [dataAccess(), dataAccess(), dataAccess()] as EntryRequest[];
      const recorded = await ledger.recordEntries(SANDBOX, requests);
      expect(recorded.map((entry) => entry.id)).toEqual(requests.map((request) => request.id));
      expect(new Set(recorded.map((entry) => entry.txId)).size).toBe(1);
      expect(new Set(recorded.map((entry) => entry.blockNumber)).size).toBe(1);
    });

    test('a batch is all or nothing: one claimed id refuses the whole of it', async () => {
      const existing = dataAccess() as EntryRequest;
      await ledger.recordEntry(SANDBOX, existing);
      const fresh = dataAccess() as EntryRequest;
      const error = await ledgerError(ledger.recordEntries(SANDBOX, [fresh, existing]));
      expect(error.code).toBe('ENTRY_EXISTS');
      expect((await ledgerError(ledger.getEntry(REGULATOR, fresh.id))).code).toBe('NOT_FOUND');
    });

    test('the ledger itself refuses a role the kind it may not write', async () => {
      const error = await ledgerError(ledger.recordEntry(CREDIT, dataAccess()));
      expect(error.code).toBe('FORBIDDEN');
      expect(error.details).toEqual([{ path: 'kind', message: expect.any(String) as unknown }]);
    });

    test("a writer reads its own organisation's entries; another's are NOT_FOUND", async () => {
      const change = creditChange() as EntryRequest;
      await ledger.recordEntry(CREDIT, change);
      expect((await ledgerError(ledger.getEntry(SANDBOX, change.id))).code).toBe('NOT_FOUND');
      expect((await ledger.getEntry(CREDIT, change.id)).id).toBe(change.id);
    });

    test('queries a stream in commit order, page by page', async () => {
      const dataset = unique('port-dataset');
      const written = [];
      for (let index = 0; index < 5; index += 1) {
        written.push(
          await ledger.recordEntry(SANDBOX, dataAccess({}, { dataset: { id: dataset } })),
        );
      }
      const seen = [];
      let bookmark = '';
      do {
        const page = await ledger.queryEntries(REGULATOR, {
          by: 'stream',
          value: `dataset:${dataset}`,
          pageSize: 2,
          bookmark,
        });
        seen.push(...page.items);
        bookmark = page.bookmark;
      } while (bookmark !== '');
      expect(seen).toEqual(written);
    });

    test('counts what each caller may read, within time bounds, without reading entries', async () => {
      const dataset = unique('port-counted');
      const stream = `dataset:${dataset}`;
      const first = await ledger.recordEntry(SANDBOX, dataAccess({}, { dataset: { id: dataset } }));
      await ledger.recordEntries(SANDBOX, [
        dataAccess({}, { dataset: { id: dataset } }),
        dataAccess({}, { dataset: { id: dataset } }),
      ]);
      const all = { by: 'stream', value: stream } as const;
      expect(await ledger.countEntries(REGULATOR, all)).toEqual({ count: 3, complete: true });
      expect(await ledger.countEntries(SANDBOX, all)).toEqual({ count: 3, complete: true });
      // Another organisation's writer counts as it reads: nothing of these.
      expect(await ledger.countEntries(CREDIT, all)).toEqual({ count: 0, complete: true });
      const afterFirst = await ledger.countEntries(REGULATOR, {
        ...all,
        from: new Date(Date.parse(first.committedAt) + 1).toISOString(),
      });
      expect(afterFirst.count).toBeLessThanOrEqual(2);
      const untilFirst = await ledger.countEntries(REGULATOR, {
        ...all,
        to: new Date(Date.parse(first.committedAt) + 1).toISOString(),
      });
      expect(untilFirst.count + afterFirst.count).toBe(3);
      expect(untilFirst.count).toBeGreaterThanOrEqual(1);
      const refused = await ledgerError(
        ledger.countEntries(REGULATOR, { by: 'kind', value: 'no-such-kind' }),
      );
      expect(refused.code).toBe('INVALID_ARGUMENT');
    });

    test('counts entries per district day by kind, of what each caller may read, at once', async () => {
      // Today and tomorrow: entries written just before midnight may land on the next day.
      const today = districtDateOf(new Date().toISOString());
      const tomorrow = districtDateOf(new Date(Date.now() + 86_400_000).toISOString());
      const days = { from: today, to: tomorrow };
      const callers = [REGULATOR, SANDBOX, CREDIT];
      /** Each caller's counts over the two days, by kind. */
      const counted = async () =>
        Promise.all(
          callers.map(async (caller) => {
            const { counts, complete } = await ledger.countEntriesPerDay(caller, days);
            expect(complete).toBe(true);
            const byKind: Record<string, number> = {};
            for (const { date, kind, count } of counts) {
              expect([today, tomorrow]).toContain(date);
              byKind[kind] = (byKind[kind] ?? 0) + count;
            }
            return byKind;
          }),
        );
      // A gateway that has just opened may still be following blocks the ledger already holds.
      const deadline = Date.now() + 120_000;
      while (!(await ledger.countEntriesPerDay(REGULATOR, days)).complete) {
        expect(Date.now()).toBeLessThan(deadline);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const before = await counted();
      await ledger.recordEntries(SANDBOX, [
        dataAccess(),
        dataAccess(),
        algorithmUpload(),
      ] as EntryRequest[]);
      await ledger.recordEntry(CREDIT, creditChange());
      // Read right after the writes were answered: they are counted already.
      const after = await counted();
      const added = (caller: number) =>
        ['data-access', 'algorithm-upload', 'credit-change'].map(
          (kind) => (after[caller]?.[kind] ?? 0) - (before[caller]?.[kind] ?? 0),
        );
      // A regulator counts every organisation's entries, a writer only its own organisation's.
      expect(added(0)).toEqual([2, 1, 1]);
      expect(added(1)).toEqual([2, 1, 0]);
      expect(added(2)).toEqual([0, 0, 1]);
      expect(
        await ledger.countEntriesPerDay(REGULATOR, { from: '2001-01-01', to: '2001-01-31' }),
      ).toEqual({ counts: [], complete: true });
    });
  });
}
