/**
 * A gateway's own index of which entries each partition lists, as blocks are posted to it: what
 * a caller may read of it, page by page in commit order, counted, and what an erasure takes out.
 */
import Database from 'better-sqlite3';
import { standardConsortium } from '@audit-ledger/chaincode';
import { describe, expect, test } from 'vitest';
import {
  EntryPostings,
  postingsSql,
  type EntryPosting,
  type PostedTransaction,
} from '../../gateway/src/ledger/entry-postings.js';
import { readerOf } from '../../gateway/src/ledger/entry-day-counts.js';
import { LedgerError } from '../../gateway/src/ledger/ledger.js';

const CHAINCODE = 'audit';
const REGULATOR = readerOf('RegulatorOrg', { name: 'inspector', role: 'regulator' });
const SANDBOX = readerOf('SandboxOrg', { name: 'platform', role: 'sandbox-writer' });
const CREDIT = readerOf('CreditOrg', { name: 'bureau', role: 'credit-writer' });

const KIND = (kind: string): EntryPosting => ({ index: 'kind', partition: kind });
const STREAM = (stream: string, collection?: string): EntryPosting =>
  collection === undefined
    ? { index: 'stream', partition: stream }
    : { index: 'stream', partition: stream, collection };

interface Listed {
  id: string;
  postings: EntryPosting[];
}

function transaction(
  mspId: string,
  second: number,
  entries: Listed[],
  erased: PostedTransaction['erased'] = [],
): PostedTransaction {
  const committedAt = `2026-12-01T00:00:${String(second).padStart(2, '0')}.000000000Z`;
  const txId = `tx-${mspId}-${second}`;
  return {
    chaincode: CHAINCODE,
    entries: entries.map((entry) => ({ ...entry, mspId, committedAt, txId })),
    erased,
  };
}

function accesses(prefix: string, count: number): Listed[] {
  return Array.from({ length: count }, (_, index) => ({
    id: `${prefix}-${index}`,
    postings: [KIND('data-access'), STREAM('dataset:traffic')],
  }));
}

function postingsWith(blocks: PostedTransaction[][]): EntryPostings {
  const postings = new EntryPostings(new Database(':memory:'));
  blocks.forEach((transactions, number) => {
    expect(postings.addBlock(number, () => transactions)).toBe(true);
  });
  return postings;
}

function everyPage(
  postings: EntryPostings,
  reader = REGULATOR,
  query: { by: string; value: string; from?: string; to?: string } = {
    by: 'kind',
    value: 'data-access',
  },
  pageSize = 2,
): { ids: string[]; pages: number } {
  const ids: string[] = [];
  let bookmark = '';
  let pages = 0;
  do {
    const page = postings.page(reader, standardConsortium, CHAINCODE, {
      ...query,
      pageSize,
      bookmark,
    });
    pages += 1;
    ids.push(...page.entries.map(({ mspId, id }) => `${mspId}/${id}`));
    bookmark = page.bookmark;
  } while (bookmark !== '');
  return { ids, pages };
}

describe('a gateway’s postings', () => {
  test('pages go through every listed entry once, in commit order, across transactions', () => {
    const postings = postingsWith([
      [transaction('SandboxOrg', 1, accesses('a', 3))],
      [
        transaction('SandboxOrg', 2, accesses('b', 1)),
        transaction('SandboxOrg', 3, accesses('c', 2)),
      ],
    ]);

    const { ids, pages } = everyPage(postings);

    expect(ids).toEqual(['a-0', 'a-1', 'a-2', 'b-0', 'c-0', 'c-1'].map((id) => `SandboxOrg/${id}`));
    // Six entries, two a page: a full last page ends without a further empty one.
    expect(pages).toBe(3);
  });

  test('a writer reads its own organisation’s entries, a regulator everyone’s, interleaved', () => {
    const both = (mspId: string, second: number, id: string) =>
      transaction(mspId, second, [{ id, postings: [KIND('entry-erasure')] }]);
    const postings = postingsWith([
      [both('CreditOrg', 1, 'c1'), both('RegulatorOrg', 2, 'r1'), both('CreditOrg', 3, 'c2')],
    ]);
    const query = { by: 'kind', value: 'entry-erasure' };

    expect(everyPage(postings, REGULATOR, query).ids).toEqual([
      'CreditOrg/c1',
      'RegulatorOrg/r1',
      'CreditOrg/c2',
    ]);
    expect(everyPage(postings, CREDIT, query).ids).toEqual(['CreditOrg/c1', 'CreditOrg/c2']);
    expect(everyPage(postings, SANDBOX, query).ids).toEqual([]);
  });

  test('time bounds include the start and leave out the end', () => {
    const postings = postingsWith([
      [1, 2, 3].map((second) => transaction('SandboxOrg', second, accesses(`s${second}`, 1))),
    ]);

    const { ids } = everyPage(postings, REGULATOR, {
      by: 'kind',
      value: 'data-access',
      from: '2026-12-01T08:00:02+08:00',
      to: '2026-12-01T00:00:03Z',
    });

    expect(ids).toEqual(['SandboxOrg/s2-0']);
  });

  test('a partition naming the subject is read only by the collection’s members, until erased', () => {
    const change = (id: string): Listed => ({
      id,
      postings: [KIND('credit-change'), STREAM('subject:s1', 'credit-details')],
    });
    const postings = postingsWith([[transaction('CreditOrg', 1, [change('x'), change('y')])]]);
    const stream = { by: 'stream', value: 'subject:s1' };
    const sandboxView = readerOf('CreditOrg', { name: 'odd', role: 'sandbox-writer' });

    expect(everyPage(postings, CREDIT, stream).ids).toEqual(['CreditOrg/x', 'CreditOrg/y']);
    expect(everyPage(postings, sandboxView, stream).ids).toEqual(['CreditOrg/x', 'CreditOrg/y']);
    expect(everyPage(postings, SANDBOX, stream).ids).toEqual([]);

    postings.addBlock(1, () => [
      transaction('CreditOrg', 5, [], [{ mspId: 'CreditOrg', id: 'x' }]),
    ]);

    expect(everyPage(postings, REGULATOR, stream).ids).toEqual(['CreditOrg/y']);
    // The kind does not name the subject: the erased entry stays listed there.
    expect(everyPage(postings, REGULATOR, { by: 'kind', value: 'credit-change' }).ids).toEqual([
      'CreditOrg/x',
      'CreditOrg/y',
    ]);
  });

  test('counts add up a partition’s entries without reading them', () => {
    const postings = postingsWith([
      [
        transaction('SandboxOrg', 1, accesses('a', 500)),
        transaction('SandboxOrg', 2, accesses('b', 3)),
      ],
    ]);

    expect(
      postings.count(REGULATOR, standardConsortium, CHAINCODE, {
        by: 'kind',
        value: 'data-access',
      }),
    ).toEqual({ count: 503, complete: true });
    expect(
      postings.count(CREDIT, standardConsortium, CHAINCODE, { by: 'kind', value: 'data-access' }),
    ).toEqual({ count: 0, complete: true });
  });

  test('a block is posted once, and only as the next one', () => {
    const postings = postingsWith([[transaction('SandboxOrg', 1, accesses('a', 1))]]);

    expect(postings.addBlock(0, () => [transaction('SandboxOrg', 1, accesses('a', 1))])).toBe(
      false,
    );
    expect(postings.addBlock(2, () => [])).toBe(false);
    expect(postings.postedHeight()).toBe(1);
    expect(everyPage(postings).ids).toEqual(['SandboxOrg/a-0']);
  });

  test('a bookmark this query did not return is refused', () => {
    const postings = postingsWith([[transaction('SandboxOrg', 1, accesses('a', 1))]]);
    const read = (bookmark: string) => () =>
      postings.page(REGULATOR, standardConsortium, CHAINCODE, {
        by: 'kind',
        value: 'data-access',
        from: '2026-12-01T00:00:00Z',
        pageSize: 10,
        bookmark,
      });

    for (const bookmark of ['not json', '[]', '["2025-01-01T00:00:00Z","tx",0,0]', '{"a":1}']) {
      expect(read(bookmark)).toThrow(LedgerError);
    }
  });

  /** How SQLite reads `sql` with every parameter bound to a value of its type. */
  function planOf(db: Database.Database, sql: string): string {
    const statement = db.prepare(`EXPLAIN QUERY PLAN ${sql}`);
    const parameters = sql
      .split('?')
      .slice(1)
      .map(() => '');
    return (statement.all(...parameters) as { detail: string }[])
      .map(({ detail }) => detail)
      .join('\n');
  }

  test('a page across organisations is a range read of the partition’s rows, with no sort', () => {
    const db = new Database(':memory:');
    new EntryPostings(db);
    const plan = planOf(db, postingsSql('several').page);
    expect(plan).toContain('USING PRIMARY KEY (chaincode=? AND by_index=? AND partition=?');
    expect(plan).not.toContain('TEMP B-TREE');
  });

  test('a writer’s page and count step over no other organisation’s rows', () => {
    const db = new Database(':memory:');
    new EntryPostings(db);
    for (const sql of Object.values(postingsSql('one'))) {
      const plan = planOf(db, sql);
      expect(plan).toContain(
        'USING INDEX entry_postings_by_writer (chaincode=? AND by_index=? AND partition=? AND msp_id=?',
      );
      expect(plan).not.toContain('TEMP B-TREE');
    }
  });
});
