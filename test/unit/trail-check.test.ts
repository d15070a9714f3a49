import { describe, expect, test } from 'vitest';
import { entryDigest } from '../../chaincode/src/index.js';
import {
  LedgerError,
  type Ledger,
  type LedgerEntry,
  type LedgerPage,
  type LedgerQuery,
} from '../../gateway/src/ledger/ledger.js';
import type { PeerCopies } from '../../gateway/src/ledger/peer-copies.js';
import { checkTrail } from '../../gateway/src/trail-check.js';
import { dataAccess } from '../support/sample-entries.js';

/** A ledger that only answers queries, from a fixed list in commit order. */
function ledgerOf(entries: LedgerEntry[]): Ledger {
  const unused = () => Promise.reject(new Error('not used by trail checks'));
  return {
    kind: 'embedded',
    recordEntry: unused,
    recordEntries: unused,
    getEntry: unused,
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

function committed(source: string, sourceSeq: number): LedgerEntry {
  const request = dataAccess({ sourceSeq }, { dataset: { id: 'shared' } });
  const entry = {
    ...request,
    kind: 'data-access' as const,
    payload: request.payload as LedgerEntry['payload'],
  };
  return {
    ...(entry as LedgerEntry),
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
  const copiesOf = (held: Record<string, LedgerEntry[] | Error>): PeerCopies => ({
    organizations: Object.keys(held),
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
      copiesOf({ SandboxOrg: entries, CreditOrg: entries }),
    );
    expect(report.complete).toBe(true);
    expect(report.peers).toEqual({
      checked: true,
      detail: 'the trail is the same on the peers of SandboxOrg, CreditOrg',
      differing: [],
    });
  });

  test('a copy missing an entry, or holding another digest, makes the trail incomplete', async () => {
    const [first, second, third] = entries as [LedgerEntry, LedgerEntry, LedgerEntry];
    const report = await checkTrail(
      ledgerOf(entries),
      regulator,
      { source: 'A' },
      copiesOf({
        SandboxOrg: entries,
        CreditOrg: [first, third],
        RegulatorOrg: [first, second, { ...third, digest: `sha256:${'0'.repeat(64)}` }],
      }),
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
      copiesOf({
        SandboxOrg: entries,
        CreditOrg: new LedgerError('LEDGER_UNAVAILABLE', 'peer0.creditorg is down'),
      }),
    );
    expect(report.complete).toBe(true);
    expect(report.peers).toMatchObject({
      checked: false,
      detail:
        'the trail is the same on the peers of SandboxOrg; not readable from CreditOrg (peer0.creditorg is down)',
    });
  });
});
