import { describe, expect, test } from 'vitest';
import { entryDigest } from '../../chaincode/src/index.js';
import {
  LedgerError,
  type Ledger,
  type LedgerEntry,
  type LedgerPage,
  type LedgerQuery,
  type RecordedEntry,
} from '../../gateway/src/ledger/ledger.js';
import type { PeerCopies } from '../../gateway/src/ledger/peer-copies.js';
import {
  TrailChecks,
  checkTrail,
  type TrailProgress,
} from '../../gateway/src/services/trail-check.js';
import { dataAccess } from '../support/sample-entries.js';

/** A ledger that only answers queries, from a fixed list in commit order. */
function ledgerOf(entries: RecordedEntry[]): Ledger {
  const unused = () => Promise.reject(new Error('not used by trail checks'));
  return {
    kind: 'embedded',
    recordEntry: unused,
    recordEntries: unused,
    getEntry: unused,
    countEntries: unused,
    countEntriesPerDay: unused,
    eraseEntry: unused,
    dueErasures: unused,
    pseudonymKey: unused,
    recordPseudonymKey: unused,
    readiness: () => Promise.resolve({ ready: true, parts: [] }),
    close: () => Promise.resolve(),
    queryEntries: (_principal, query: LedgerQuery): Promise<LedgerPage> =>
      Promise.resolve({
        items: entries.filter(
          (entry) => (query.by === 'stream' ? entry.stream : entry.source) === query.value,
        ),
        bookmark: '',
      }),
  };
}

function committed(source: string, sourceSeq: number): RecordedEntry {
  const request = dataAccess({ sourceSeq }, { dataset: { id: 'shared' } });
  const entry = {
    ...request,
    kind: 'data-access' as const,
    payload: request.payload as RecordedEntry['payload'],
  };
  return {
    ...(entry as RecordedEntry),
    stream: 'dataset:shared',
    source,
    digest: entryDigest(entry),
    txId: 'tx',
    committedAt: '2026-03-01T00:00:00.000000000Z',
    submitter: { mspId: 'SandboxOrg', role: 'sandbox-writer', name: source, subject: '' },
    blockNumber: 0,
  };
}

const regulator = { name: 'regulator', role: 'regulator' as const };

describe('trail checks over a stream written by several sources', () => {
  test('each source’s numbering is judged on its own: interleaved writers are in order', async () => {
    const entries = [committed('A', 1), committed('B', 5), committed('A', 2), committed('B', 6)];
    const report = await checkTrail(ledgerOf(entries), regulator, { stream: 'dataset:shared' });

    expect(report).toMatchObject({ complete: true, entries: 4, outOfOrder: [] });
  });

  test('a source going backwards is named, whatever the other sources do', async () => {
    const late = committed('A', 2);
    const entries = [committed('A', 3), committed('B', 9), late];
    const report = await checkTrail(ledgerOf(entries), regulator, { stream: 'dataset:shared' });

    expect(report.outOfOrder).toEqual([{ id: late.id, sourceSeq: 2, after: 3 }]);
  });

  test('an entry whose payload no longer matches its digest is reported', async () => {
    const forged = committed('A', 1);
    (forged.payload as { action: string }).action = 'export';
    const report = await checkTrail(ledgerOf([forged]), regulator, { source: 'A' });

    expect(report).toMatchObject({ complete: false, digestMismatches: [forged.id] });
  });
});

describe("trail checks comparing each organisation's copy", () => {
  const entries = [committed('A', 1), committed('A', 2), committed('A', 3)];
  const copiesOf = (
    held: Record<string, LedgerEntry[] | Error>,
    holding: string[] = Object.keys(held),
  ): PeerCopies => ({
    organizations: Object.keys(held),
    organizationsHolding: () => holding,
    queryEntriesOn: (mspId) => {
      const copy = held[mspId];
      return copy instanceof Error
        ? Promise.reject(copy)
        : Promise.resolve({ items: copy ?? [], bookmark: '' });
    },
  });

  test('copies that hold the same trail agree', async () => {
    const report = await checkTrail(
      ledgerOf(entries),
      regulator,
      { source: 'A' },
      { copies: copiesOf({ SandboxOrg: entries, CreditOrg: entries }) },
    );
    expect(report.complete).toBe(true);
    expect(report.peers).toEqual({
      checked: true,
      detail: 'the trail is the same on the peers of SandboxOrg, CreditOrg',
      differing: [],
    });
  });

  test('a peer that holds hashes of a trail’s private details only is not compared, and said so', async () => {
    const report = await checkTrail(
      ledgerOf(entries),
      regulator,
      { source: 'A' },
      {
        copies: copiesOf({ SandboxOrg: [], CreditOrg: entries, RegulatorOrg: entries }, [
          'CreditOrg',
          'RegulatorOrg',
        ]),
      },
    );
    expect(report.complete).toBe(true);
    expect(report.peers).toEqual({
      checked: true,
      detail:
        'the trail is the same on the peers of CreditOrg, RegulatorOrg; not compared on the peers of SandboxOrg, which hold hashes of its private details only',
      differing: [],
    });
  });

  test('a copy missing an entry, or holding another digest, makes the trail incomplete', async () => {
    const [first, second, third] = entries as [LedgerEntry, LedgerEntry, LedgerEntry];
    const report = await checkTrail(
      ledgerOf(entries),
      regulator,
      { source: 'A' },
      {
        copies: copiesOf({
          SandboxOrg: entries,
          CreditOrg: [first, third],
          RegulatorOrg: [first, second, { ...third, digest: `sha256:${'0'.repeat(64)}` }],
        }),
      },
    );
    expect(report.complete).toBe(false);
    expect(report.peers).toEqual({
      checked: true,
      detail:
        'the trail is the same on the peers of SandboxOrg; different on the peers of CreditOrg, RegulatorOrg',
      differing: ['CreditOrg', 'RegulatorOrg'],
    });
  });

  test('a copy that cannot be read leaves the comparison unchecked, and says whose', async () => {
    const report = await checkTrail(
      ledgerOf(entries),
      regulator,
      { source: 'A' },
      {
        copies: copiesOf({
          SandboxOrg: entries,
          CreditOrg: new LedgerError('LEDGER_UNAVAILABLE', 'peer0.creditorg is down'),
        }),
      },
    );
    expect(report.complete).toBe(true);
    expect(report.peers).toMatchObject({
      checked: false,
      detail:
        'the trail is the same on the peers of SandboxOrg; not readable from CreditOrg (peer0.creditorg is down)',
    });
  });
});

describe('a long trail check shares the gateway', () => {
  /** A ledger whose trail of `pages` pages answers at once: only the check itself can yield. */
  function pagedLedger(pages: number, onPage: () => void = () => undefined): Ledger {
    const base = ledgerOf([]);
    return {
      ...base,
      queryEntries: (_principal, query) => {
        onPage();
        const page = query.bookmark === '' ? 0 : Number(query.bookmark);
        return Promise.resolve({
          items: [committed('A', page + 1)],
          bookmark: page + 1 < pages ? String(page + 1) : '',
        });
      },
    };
  }

  test('it gives other work a turn between pages', async () => {
    let pagesRead = 0;
    let pagesReadWhenOthersRan: number | undefined;
    setImmediate(() => {
      pagesReadWhenOthersRan = pagesRead;
    });
    await checkTrail(
      pagedLedger(30, () => (pagesRead += 1)),
      regulator,
      { source: 'A' },
    );

    expect(pagesRead).toBe(30);
    expect(pagesReadWhenOthersRan).toBeLessThan(30);
  });

  test('it reports its progress page by page', async () => {
    const seen: TrailProgress[] = [];
    const report = await checkTrail(
      pagedLedger(5),
      regulator,
      { source: 'A' },
      { onProgress: (progress) => seen.push(progress) },
    );

    expect(report).toMatchObject({ complete: true, entries: 5 });
    expect(seen.map((progress) => progress.entries)).toEqual([1, 2, 3, 4, 5]);
    expect(seen.every((progress) => progress.phase === 'reading')).toBe(true);
  });

  test('it stops between pages once its caller has gone', async () => {
    const gone = new AbortController();
    let pagesRead = 0;
    const checked = checkTrail(
      pagedLedger(1000, () => {
        pagesRead += 1;
        if (pagesRead === 3) {
          gone.abort(new Error('caller gone'));
        }
      }),
      regulator,
      { source: 'A' },
      { signal: gone.signal },
    );

    await expect(checked).rejects.toThrow('caller gone');
    expect(pagesRead).toBe(3);
  });

  test('checks beyond the limit are refused as BUSY, and admitted again once one ends', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow: Ledger = {
      ...ledgerOf([]),
      queryEntries: async () => {
        await held;
        return { items: [], bookmark: '' };
      },
    };
    const checks = new TrailChecks(slow, undefined, 2);
    const running = [
      checks.check(regulator, { source: 'A' }),
      checks.check(regulator, { source: 'B' }),
    ];

    await expect(checks.check(regulator, { source: 'C' })).rejects.toMatchObject({
      code: 'BUSY',
    });
    release();
    await Promise.all(running);
    await expect(checks.check(regulator, { source: 'C' })).resolves.toMatchObject({
      complete: true,
    });
  });
});
