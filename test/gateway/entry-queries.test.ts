/**
 * Queries as a gateway answers them, from its postings of the blocks and GetEntries, over the
 * real contract: each index, pages, time bounds, refusals, and entries the caller may not read.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import type { EntryPage } from '../../chaincode/src/index.js';
import { ContractHarness } from '../support/contract-harness.js';
import {
  sharedRoleConsortium,
  testIdentities,
  type TestIdentities,
  type TestIdentity,
} from '../support/identities.js';
import { detailPaths, entryOf, errorOf, pageOf, recordedEntryOf } from '../support/results.js';
import {
  DIGEST_A,
  DIGEST_B,
  algorithmUpload,
  creditChange,
  dataAccess,
} from '../support/sample-entries.js';

let ids: TestIdentities;
beforeAll(async () => {
  ids = await testIdentities();
});

function query(harness: ContractHarness, body: Record<string, unknown>, identity = ids.regulator) {
  return harness.queryEntries(identity, body);
}

function record(
  harness: ContractHarness,
  request: unknown,
  identity: TestIdentity = ids.sandboxWriter,
) {
  return harness.recordEntry(identity, request);
}

async function allPages(
  harness: ContractHarness,
  body: Record<string, unknown>,
  identity?: TestIdentity,
) {
  const pages: EntryPage[] = [];
  let bookmark = '';
  do {
    const page = pageOf(await query(harness, { ...body, bookmark }, identity));
    pages.push(page);
    bookmark = page.bookmark;
  } while (bookmark !== '');
  return pages;
}

describe('finding entries', () => {
  test('by stream: one dataset’s accesses in commit order, and no other dataset’s', async () => {
    const harness = new ContractHarness();
    const first = entryOf(await record(harness, dataAccess({}, { dataset: { id: 'ds-a' } })));
    await record(harness, dataAccess({}, { dataset: { id: 'ds-ab' } }));
    const second = entryOf(await record(harness, dataAccess({}, { dataset: { id: 'ds-a' } })));

    const page = pageOf(await query(harness, { by: 'stream', value: 'dataset:ds-a' }));
    expect(page.items).toEqual([first, second]);
    expect(page.bookmark).toBe('');
  });

  test('by kind', async () => {
    const harness = new ContractHarness();
    await record(harness, dataAccess());
    const upload = entryOf(await record(harness, algorithmUpload()));

    const page = pageOf(await query(harness, { by: 'kind', value: 'algorithm-upload' }));
    expect(page.items).toEqual([upload]);
  });

  test('by source: one writing system’s entries', async () => {
    const harness = new ContractHarness();
    const mine = entryOf(await record(harness, dataAccess()));
    await record(harness, dataAccess(), ids.secondSandboxWriter);

    const page = pageOf(
      await query(harness, { by: 'source', value: 'SandboxOrg/sandbox-platform' }),
    );
    expect(page.items).toEqual([mine]);
  });

  test('by recordId: a credit record’s whole history, in order', async () => {
    const harness = new ContractHarness();
    const record1 = { recordId: 'CR-7' };
    const recordChange = async (payload: Record<string, unknown>) => {
      const request = creditChange({}, { ...record1, ...payload });
      return recordedEntryOf(await record(harness, request, ids.creditWriter), request);
    };
    const created = await recordChange({ change: 'create', after: DIGEST_A });
    await record(harness, creditChange({}, { recordId: 'CR-8' }), ids.creditWriter);
    const updated = await recordChange({ change: 'update', before: DIGEST_A, after: DIGEST_B });
    const revoked = await recordChange({ change: 'revoke', before: DIGEST_B, after: undefined });

    const page = pageOf(await query(harness, { by: 'recordId', value: 'CR-7' }));
    expect(page.items).toEqual([created, updated, revoked]);
  });

  test('by approvalRef: every access made under one approval', async () => {
    const harness = new ContractHarness();
    const under = entryOf(
      await record(
        harness,
        dataAccess({}, { purpose: { scenarioId: 's1', approvalRef: 'APR-1' } }),
      ),
    );
    await record(harness, dataAccess({}, { purpose: { scenarioId: 's1', approvalRef: 'APR-2' } }));

    const page = pageOf(await query(harness, { by: 'approvalRef', value: 'APR-1' }));
    expect(page.items).toEqual([under]);
  });

  test('a value nothing was recorded under gives an empty page', async () => {
    const harness = new ContractHarness();
    await record(harness, dataAccess());

    expect(pageOf(await query(harness, { by: 'stream', value: 'dataset:unknown' }))).toEqual({
      items: [],
      bookmark: '',
    });
  });
});

describe('pagination', () => {
  test('pages follow one another by bookmark: nothing lost, nothing repeated, commit order kept', async () => {
    const harness = new ContractHarness();
    const recorded = [];
    for (let index = 0; index < 25; index += 1) {
      recorded.push(entryOf(await record(harness, dataAccess())));
    }

    const pages = await allPages(harness, { by: 'kind', value: 'data-access', pageSize: 10 });
    expect(pages.map((page) => page.items.length)).toEqual([10, 10, 5]);
    expect(pages.flatMap((page) => page.items)).toEqual(recorded);
  });

  test('entries of one transaction keep their batch order', async () => {
    const harness = new ContractHarness();
    const batch = Array.from({ length: 12 }, () => dataAccess());
    await harness.recordEntries(ids.sandboxWriter, batch);

    const pages = await allPages(harness, { by: 'kind', value: 'data-access', pageSize: 5 });
    expect(pages.flatMap((page) => page.items.map((entry) => entry.id))).toEqual(
      batch.map((entry) => entry.id),
    );
  });

  test('a writer’s pages skip other organisations’ entries but the bookmark still reaches the end', async () => {
    const harness = new ContractHarness(sharedRoleConsortium);
    const own = [];
    for (let index = 0; index < 6; index += 1) {
      own.push(entryOf(await record(harness, dataAccess())));
      await record(harness, dataAccess(), ids.creditOrgSandboxWriter);
    }

    const pages = await allPages(
      harness,
      { by: 'kind', value: 'data-access', pageSize: 4 },
      ids.sandboxWriter,
    );
    expect(pages.flatMap((page) => page.items)).toEqual(own);
  });

  test('a bookmark that is not a position in this query’s range is refused', async () => {
    const harness = new ContractHarness();
    for (let index = 0; index < 3; index += 1) {
      await record(harness, dataAccess());
    }
    const body = { by: 'kind', value: 'data-access', pageSize: 1 };
    const { bookmark } = pageOf(await query(harness, body));
    expect(bookmark).not.toBe('');

    for (const misused of [
      { ...body, bookmark: 'not json' },
      { ...body, bookmark: '[]' },
      { ...body, from: '2030-01-01T00:00:00Z', bookmark },
    ]) {
      expect(detailPaths(errorOf(await query(harness, misused), 'INVALID_ARGUMENT'))).toEqual([
        'bookmark',
      ]);
    }
  });
});

describe('a bookmark inside a transaction', () => {
  test('resumes at the next entry of that transaction', async () => {
    const harness = new ContractHarness();
    const batch = Array.from({ length: 6 }, () => dataAccess());
    await harness.recordEntries(ids.sandboxWriter, batch);
    const after = entryOf(await record(harness, dataAccess()));
    const first = pageOf(await query(harness, { by: 'kind', value: 'data-access', pageSize: 4 }));
    expect(first.items.map((entry) => entry.id)).toEqual(
      batch.slice(0, 4).map((entry) => entry.id),
    );

    const resumed = pageOf(
      await query(harness, { by: 'kind', value: 'data-access', bookmark: first.bookmark }),
    );
    expect(resumed.items.map((entry) => entry.id)).toEqual([
      ...batch.slice(4).map((entry) => entry.id),
      after.id,
    ]);
    expect(resumed.bookmark).toBe('');
  });
});

describe('time ranges', () => {
  test('from is inclusive, to is exclusive, offsets are honoured', async () => {
    const harness = new ContractHarness();
    harness.clock = Date.parse('2026-03-01T08:00:00Z') / 1000;
    const at0800 = entryOf(await record(harness, dataAccess()));
    harness.clock = Date.parse('2026-03-01T09:00:00Z') / 1000;
    const at0900 = entryOf(await record(harness, dataAccess()));
    harness.clock = Date.parse('2026-03-01T10:00:00Z') / 1000;
    await record(harness, dataAccess());

    const byUtc = pageOf(
      await query(harness, {
        by: 'kind',
        value: 'data-access',
        from: '2026-03-01T08:00:00Z',
        to: '2026-03-01T10:00:00Z',
      }),
    );
    expect(byUtc.items).toEqual([at0800, at0900]);

    const byBeijing = pageOf(
      await query(harness, { by: 'kind', value: 'data-access', from: '2026-03-01T16:30:00+08:00' }),
    );
    expect(byBeijing.items.map((entry) => entry.committedAt)).toEqual([
      '2026-03-01T09:00:00.000000000Z',
      '2026-03-01T10:00:00.000000000Z',
    ]);

    const untilNine = pageOf(
      await query(harness, {
        by: 'kind',
        value: 'data-access',
        to: '2026-03-01T09:00:00.000000001Z',
      }),
    );
    expect(untilNine.items).toEqual([at0800, at0900]);
  });
});

describe('invalid queries', () => {
  test.each([
    ['an unknown index', { by: 'actor', value: 'x' }, ['by']],
    ['an unknown kind', { by: 'kind', value: 'login' }, ['value']],
    ['an empty value', { by: 'stream', value: '' }, ['value']],
    ['a page of 0', { by: 'kind', value: 'data-access', pageSize: 0 }, ['pageSize']],
    ['a page of 501', { by: 'kind', value: 'data-access', pageSize: 501 }, ['pageSize']],
    ['a bad time', { by: 'kind', value: 'data-access', from: 'yesterday' }, ['from']],
    [
      'a bad bound beside a good one',
      {
        by: 'kind',
        value: 'data-access',
        from: '2026-13-01T00:00:00Z',
        to: '2026-03-01T00:00:00Z',
      },
      ['from'],
    ],
    [
      'an empty range',
      {
        by: 'kind',
        value: 'data-access',
        from: '2026-03-01T09:00:00Z',
        to: '2026-03-01T17:00:00+08:00',
      },
      ['to'],
    ],
    ['an unknown field', { by: 'kind', value: 'data-access', sort: 'desc' }, ['sort']],
  ])('%s', async (_case, body, paths) => {
    const harness = new ContractHarness();
    expect(detailPaths(errorOf(await query(harness, body), 'INVALID_ARGUMENT'))).toEqual(paths);
  });

  test('an id that could not have been recorded is an invalid argument', async () => {
    const harness = new ContractHarness();
    expect(
      detailPaths(
        errorOf(await harness.evaluate(ids.regulator, 'GetEntry', 'a/b/c'), 'INVALID_ARGUMENT'),
      ),
    ).toEqual(['id']);
  });
});

describe('pages over entries the caller may not read', () => {
  test('skip them: a page fills with readable entries, and a cursor only when more remain', async () => {
    const harness = new ContractHarness();
    // Interleaved in one index: credit changes (hidden from the sandbox writer) and its own entries.
    const own: string[] = [];
    for (let index = 0; index < 4; index += 1) {
      await record(harness, creditChange({}, { recordId: 'CR-mixed' }), ids.creditWriter);
      await record(harness, creditChange({}, { recordId: 'CR-mixed' }), ids.creditWriter);
      own.push(entryOf(await record(harness, dataAccess())).id);
    }
    const page = pageOf(
      await query(harness, { by: 'kind', value: 'credit-change', pageSize: 1 }, ids.sandboxWriter),
    );
    expect(page).toEqual({ items: [], bookmark: '' });

    const pages = await allPages(
      harness,
      { by: 'kind', value: 'data-access', pageSize: 2 },
      ids.sandboxWriter,
    );
    expect(pages.flatMap((candidate) => candidate.items.map((entry) => entry.id))).toEqual(
      expect.arrayContaining(own),
    );
    expect(pages.at(-1)?.bookmark).toBe('');
    for (const candidate of pages.slice(0, -1)) {
      expect(candidate.items).toHaveLength(2);
    }
  });
});
