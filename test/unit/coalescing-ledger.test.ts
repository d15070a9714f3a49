import { expect, test } from 'vitest';
import type { EntryRequest } from '../../chaincode/src/index.js';
import { CoalescingLedger } from '../../gateway/src/ledger/coalescing-ledger.js';
import type { Ledger, Principal, RecordedEntry } from '../../gateway/src/ledger/ledger.js';
import { dataAccess } from '../support/sample-entries.js';

const WRITER: Principal = { name: 'sandbox-platform', role: 'sandbox-writer' };

/** A ledger whose transactions commit only when the test says so. */
class ManualLedger implements Pick<Ledger, 'recordEntries' | 'close'> {
  readonly sent: { size: number; commit: () => void }[] = [];

  recordEntries(_principal: Principal, requests: EntryRequest[]): Promise<RecordedEntry[]> {
    return new Promise((resolve) => {
      this.sent.push({
        size: requests.length,
        commit: () => {
          resolve(requests.map((request) => ({ ...request }) as unknown as RecordedEntry));
        },
      });
    });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

test('gathers the next transaction while one commits, and holds a third until one is done', async () => {
  const inner = new ManualLedger();
  const ledger = new CoalescingLedger(inner as unknown as Ledger, { windowMs: 1, maxEntries: 100 });
  const write = () => ledger.recordEntry(WRITER, dataAccess());

  const first = Array.from({ length: 3 }, write);
  await settle();
  expect(inner.sent.map(({ size }) => size)).toEqual([3]);

  const second = Array.from({ length: 2 }, write);
  await settle();
  expect(inner.sent.map(({ size }) => size)).toEqual([3, 2]);

  const third = Array.from({ length: 4 }, write);
  await settle();
  expect(inner.sent.map(({ size }) => size)).toEqual([3, 2]);

  inner.sent[1]?.commit();
  expect(await Promise.all(second)).toHaveLength(2);
  await settle();
  expect(inner.sent.map(({ size }) => size)).toEqual([3, 2, 4]);

  inner.sent[0]?.commit();
  inner.sent[2]?.commit();
  expect(await Promise.all([...first, ...third])).toHaveLength(7);
  await ledger.close();
});

test('close sends the writes still waiting out their window, and waits for them', async () => {
  const inner = new ManualLedger();
  const ledger = new CoalescingLedger(inner as unknown as Ledger, {
    windowMs: 60_000,
    maxEntries: 100,
  });
  const waiting = Array.from({ length: 3 }, () =>
    ledger.recordEntry(WRITER, dataAccess() as EntryRequest),
  );
  let closed = false;
  const closing = ledger.close().then(() => {
    closed = true;
  });
  await settle();
  expect(inner.sent.map(({ size }) => size)).toEqual([3]);
  expect(closed).toBe(false);

  inner.sent[0]?.commit();
  await closing;
  expect(await Promise.all(waiting)).toHaveLength(3);
});
