import Database from 'better-sqlite3';
import type { AuditEntry } from '@audit-ledger/chaincode';
import { describe, expect, test } from 'vitest';
import { EventLog } from '../../gateway/src/events/event-log.js';
import type { CommittedBlock } from '../../gateway/src/ledger/committed-blocks.js';

/** A block of `count` entries, all committed at `committedAt`. */
function blockOf(number: number, count: number, committedAt: string): CommittedBlock {
  const entries = Array.from({ length: count }, (_, index) => {
    const entry = {
      kind: 'data-access',
      id: `e-${number}-${index}`,
      payload: { n: index },
      stream: 'dataset:d',
      source: 'SandboxOrg/sandbox-platform',
      digest: `sha256:${'0'.repeat(64)}`,
      txId: `tx-${number}`,
      committedAt,
      submitter: { mspId: 'SandboxOrg', role: 'sandbox-writer', name: 'w', subject: 'CN=w' },
    } as unknown as AuditEntry;
    return { entry, stored: JSON.stringify(entry) };
  });
  return { number, entries };
}

const DAY_ONE = '2026-01-01T00:00:00.000000000Z';
const DAY_TWO = '2026-01-02T00:00:00.000000000Z';
const DAY_THREE = '2026-01-03T00:00:00.000000000Z';
const EVERYONE = { everyOrganization: true } as const;

function logOf(days: string[]): EventLog {
  const log = new EventLog(new Database(':memory:'));
  days.forEach((day, number) => log.addBlock(blockOf(number, 3, day)));
  return log;
}

describe('dropping old event bodies', () => {
  test('drops the bodies of blocks before the cutoff, a bounded number of blocks per step', () => {
    const log = logOf([DAY_ONE, DAY_ONE, DAY_ONE, DAY_TWO, DAY_THREE]);
    expect(log.dropBodies(DAY_TWO, 2)).toBe(2);
    expect(log.dropBodies(DAY_TWO, 2)).toBe(1);
    // Every old one is gone: nothing more to do until the cutoff moves.
    expect(log.dropBodies(DAY_TWO, 2)).toBe(0);
    const events = log.after(undefined, {}, EVERYONE, 100);
    expect(events).toHaveLength(15);
    expect(events.filter((event) => event.json === undefined).map((event) => event.id)).toEqual([
      '0.0',
      '0.1',
      '0.2',
      '1.0',
      '1.1',
      '1.2',
      '2.0',
      '2.1',
      '2.2',
    ]);
    expect(events.at(9)?.json).toBe(
      `{"blockNumber":3,${blockOf(3, 3, DAY_TWO).entries[0]?.stored.slice(1) ?? ''}`,
    );
    expect(log.at({ block: 1, index: 2 }, EVERYONE)).toEqual({
      id: '1.2',
      position: { block: 1, index: 2 },
      committedAt: DAY_ONE,
    });
  });

  test('a dropped body keeps its position, filters and reader: only the body is gone', () => {
    const log = logOf([DAY_ONE, DAY_TWO]);
    log.dropBodies(DAY_THREE, 10);
    expect(log.after({ block: 0, index: 1 }, { stream: 'dataset:d' }, EVERYONE, 2)).toEqual([
      { id: '0.2', position: { block: 0, index: 2 }, committedAt: DAY_ONE },
      { id: '1.0', position: { block: 1, index: 0 }, committedAt: DAY_TWO },
    ]);
    expect(log.after(undefined, { stream: 'dataset:other' }, EVERYONE, 10)).toEqual([]);
    expect(log.after(undefined, {}, { organization: 'CreditOrg' }, 10)).toEqual([]);
    expect(log.last()).toBe('1.2');
  });

  test('a cutoff before every entry drops nothing', () => {
    const log = logOf([DAY_TWO, DAY_THREE]);
    expect(log.dropBodies(DAY_ONE, 10)).toBe(0);
    expect(log.after(undefined, {}, EVERYONE, 10).every((event) => event.json !== undefined)).toBe(
      true,
    );
  });
});

describe('a database written before bodies had a table of their own', () => {
  test('serves the bodies its rows hold, and drops them like the others', () => {
    const db = new Database(':memory:');
    // As the gateway logged entries before: the body in the entry's own row, one block logged.
    db.exec(`
      CREATE TABLE entry_events (
        block INTEGER NOT NULL, idx INTEGER NOT NULL, msp_id TEXT NOT NULL, kind TEXT NOT NULL,
        stream TEXT NOT NULL, source TEXT NOT NULL, committed_at TEXT NOT NULL,
        body TEXT NOT NULL, PRIMARY KEY (block, idx)
      ) WITHOUT ROWID;
      CREATE TABLE entry_events_progress (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 0), height INTEGER NOT NULL
      );
      INSERT INTO entry_events_progress (singleton, height) VALUES (0, 1);
    `);
    const { entries } = blockOf(0, 2, DAY_ONE);
    entries.forEach(({ entry, stored }, index) => {
      db.prepare(
        `INSERT INTO entry_events (block, idx, msp_id, kind, stream, source, committed_at, body)
         VALUES (0, ?, 'SandboxOrg', ?, 'dataset:d', ?, ?, ?)`,
      ).run(index, entry.kind, entry.source, entry.committedAt, stored);
    });
    const log = new EventLog(db);
    log.addBlock(blockOf(1, 1, DAY_THREE));

    const whole = log.after(undefined, {}, EVERYONE, 10);
    expect(whole.map((event) => event.json)).toEqual([
      `{"blockNumber":0,${entries[0]?.stored.slice(1) ?? ''}`,
      `{"blockNumber":0,${entries[1]?.stored.slice(1) ?? ''}`,
      `{"blockNumber":1,${blockOf(1, 1, DAY_THREE).entries[0]?.stored.slice(1) ?? ''}`,
    ]);
    expect(log.dropBodies(DAY_TWO, 10)).toBe(1);
    expect(log.after(undefined, {}, EVERYONE, 10).map((event) => event.json === undefined)).toEqual(
      [true, true, false],
    );
  });
});
