import { describe, expect, test } from 'vitest';
import { entryDigest } from '../../chaincode/src/index.js';
import type {
  Ledger,
  LedgerEntry,
  LedgerPage,
  LedgerQuery,
} from '../../gateway/src/ledger/ledger.js';
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
