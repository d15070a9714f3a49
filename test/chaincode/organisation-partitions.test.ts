/**
 * Index partitions split by the writing organisation: a writer's query and count read its own
 * organisation's keys and nothing else, so neither an empty page's bookmark nor the work a query
 * does says anything about other organisations' entries; a regulator's pages merge every
 * organisation's keys in commit order.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { defineConsortium, standardConsortium, type EntryPage } from '../../chaincode/src/index.js';
import {
  createCertificateAuthority,
  issueClientIdentity,
} from '../../gateway/src/identity/x509-identities.js';
import { ContractHarness } from '../support/contract-harness.js';
import {
  sharedRoleConsortium,
  testIdentities,
  type TestIdentities,
  type TestIdentity,
} from '../support/identities.js';
import { detailPaths, entriesOf, entryOf, errorOf, pageOf, payloadOf } from '../support/results.js';
import { creditChange, dataAccess } from '../support/sample-entries.js';

/** Above the 2,000 keys one call read at most before partitions named the organisation. */
const MANY = 2500;

let ids: TestIdentities;
/** A sandbox writer of a third writing organisation, in `threeWriters`. */
let researchWriter: TestIdentity;

/** Three organisations that write the sandbox's kinds, and the regulator's. */
const threeWriters = defineConsortium({
  ordererOrganization: 'OrdererOrg',
  organizations: [
    { mspId: 'SandboxOrg', roles: ['sandbox-writer'] },
    { mspId: 'CreditOrg', roles: ['credit-writer', 'sandbox-writer'] },
    { mspId: 'ResearchOrg', roles: ['sandbox-writer'] },
    { mspId: 'RegulatorOrg', roles: ['regulator'] },
  ],
  collections: standardConsortium.collections,
});

beforeAll(async () => {
  ids = await testIdentities();
  const validity = {
    notBefore: new Date('2025-01-01T00:00:00Z'),
    notAfter: new Date('2035-01-01T00:00:00Z'),
  };
  const research = await createCertificateAuthority('ResearchOrg', validity);
  researchWriter = await issueClientIdentity(
    research,
    'research-platform',
    { 'audit.role': 'sandbox-writer' },
    validity,
  );
});

function query(harness: ContractHarness, identity: TestIdentity, body: Record<string, unknown>) {
  return harness.evaluate(identity, 'QueryEntries', JSON.stringify(body));
}

async function count(harness: ContractHarness, identity: TestIdentity, body: object) {
  return JSON.parse(
    payloadOf(await harness.evaluate(identity, 'CountEntries', JSON.stringify(body))),
  ) as { count: number; complete: boolean };
}

async function allPages(
  harness: ContractHarness,
  identity: TestIdentity,
  body: Record<string, unknown>,
): Promise<EntryPage[]> {
  const pages: EntryPage[] = [];
  let bookmark = '';
  do {
    const page = pageOf(await query(harness, identity, { ...body, bookmark }));
    pages.push(page);
    bookmark = page.bookmark;
  } while (bookmark !== '');
  return pages;
}

/** Records `total` requests made by `make` in batches as large as a transaction takes. */
async function recordMany(
  harness: ContractHarness,
  identity: TestIdentity,
  total: number,
  make: () => unknown,
): Promise<void> {
  for (let done = 0; done < total; done += 1000) {
    const batch = Array.from({ length: Math.min(1000, total - done) }, make);
    payloadOf(await harness.recordEntries(identity, batch));
  }
}

/** The index keys one evaluation reads. */
async function keysReadBy(harness: ContractHarness, work: () => Promise<unknown>) {
  const before = harness.state.rangeKeysRead;
  await work();
  return harness.state.rangeKeysRead - before;
}

describe("a writer's query reads its own organisation's index keys only", () => {
  test(`another organisation's ${MANY} entries and none of its own: an empty page, no bookmark`, async () => {
    const harness = new ContractHarness();
    const recordId = 'CR-crowded';
    await recordMany(harness, ids.creditWriter, MANY, () => creditChange({}, { recordId }));

    for (const pageSize of [1, 100, 500]) {
      for (const [by, value] of [
        ['recordId', recordId],
        ['kind', 'credit-change'],
        ['stream', `subject:hmac-sha256:${'ab'.repeat(32)}`],
      ]) {
        expect(pageOf(await query(harness, ids.sandboxWriter, { by, value, pageSize }))).toEqual({
          items: [],
          bookmark: '',
        });
      }
    }
    expect(await count(harness, ids.sandboxWriter, { by: 'recordId', value: recordId })).toEqual({
      count: 0,
      complete: true,
    });
  });

  test(`its one entry after another organisation's ${MANY} comes on the first page`, async () => {
    const harness = new ContractHarness(sharedRoleConsortium);
    const dataset = { dataset: { id: 'ds-crowded' } };
    await recordMany(harness, ids.creditOrgSandboxWriter, MANY, () => dataAccess({}, dataset));
    const own = entryOf(await harness.recordEntry(ids.sandboxWriter, dataAccess({}, dataset)));

    expect(
      pageOf(
        await query(harness, ids.sandboxWriter, { by: 'stream', value: 'dataset:ds-crowded' }),
      ),
    ).toEqual({ items: [own], bookmark: '' });
  });

  test('the keys it reads do not depend on how many entries other organisations have', async () => {
    const stream = { by: 'stream', value: 'dataset:ds-shared' };
    /** A partition with the writer's 5 entries amid `others` of another organisation's. */
    async function partitionWith(others: number) {
      const harness = new ContractHarness(sharedRoleConsortium);
      const dataset = { dataset: { id: 'ds-shared' } };
      await recordMany(harness, ids.creditOrgSandboxWriter, others / 2, () =>
        dataAccess({}, dataset),
      );
      await recordMany(harness, ids.sandboxWriter, 5, () => dataAccess({}, dataset));
      await recordMany(harness, ids.creditOrgSandboxWriter, others / 2, () =>
        dataAccess({}, dataset),
      );
      return harness;
    }
    async function workOf(harness: ContractHarness) {
      return {
        firstPage: await keysReadBy(harness, () =>
          query(harness, ids.sandboxWriter, { ...stream, pageSize: 2 }),
        ),
        everyPage: await keysReadBy(harness, () =>
          allPages(harness, ids.sandboxWriter, { ...stream, pageSize: 2 }),
        ),
        count: await keysReadBy(harness, () => count(harness, ids.sandboxWriter, stream)),
      };
    }

    const alone = await partitionWith(0);
    const crowded = await partitionWith(MANY);
    expect(await workOf(crowded)).toEqual(await workOf(alone));
    expect(
      (await allPages(crowded, ids.sandboxWriter, { ...stream, pageSize: 2 })).map(
        (page) => page.items.length,
      ),
    ).toEqual([2, 2, 1]);
  });
});

describe("a regulator's pages merge the organisations' partitions", () => {
  /**
   * Three organisations' entries interleaved in one stream: single entries, batches, and
   * transactions of different organisations at the same ledger time. Returns the ids in
   * commit order: ledger time, then transaction, then position in the batch.
   */
  async function interleaved(harness: ContractHarness): Promise<string[]> {
    const dataset = { dataset: { id: 'ds-merged' } };
    const writers = [ids.sandboxWriter, ids.creditOrgSandboxWriter, researchWriter];
    const recorded: string[] = [];
    for (let round = 0; round < 6; round += 1) {
      for (const [position, writer] of writers.entries()) {
        const size = (round + position) % 3 === 0 ? 3 : 1;
        const batch = Array.from({ length: size }, () => dataAccess({}, dataset));
        const stored = entriesOf(await harness.recordEntries(writer, batch), batch);
        recorded.push(...stored.map((entry) => entry.id));
        if (round % 2 === 1 && position < writers.length - 1) {
          // The next organisation's transaction at the same ledger time: ordered by its id.
          harness.clock -= 0.001;
        }
      }
    }
    return recorded;
  }

  test.each([1, 2, 7])('pages of %i come in exact commit order', async (pageSize) => {
    const harness = new ContractHarness(threeWriters);
    const recorded = await interleaved(harness);
    const stored = pageOf(
      await query(harness, ids.regulator, {
        by: 'stream',
        value: 'dataset:ds-merged',
        pageSize: 500,
      }),
    ).items;
    expect(new Set(stored.map((entry) => entry.submitter.mspId))).toEqual(
      new Set(['SandboxOrg', 'CreditOrg', 'ResearchOrg']),
    );
    expect(stored.map((entry) => entry.id)).toEqual(recorded);

    const pages = await allPages(harness, ids.regulator, {
      by: 'stream',
      value: 'dataset:ds-merged',
      pageSize,
    });
    expect(pages.flatMap((page) => page.items.map((entry) => entry.id))).toEqual(recorded);
    // Every page but the last is full, and the last is not empty unless nothing was there.
    for (const page of pages.slice(0, -1)) {
      expect(page.items).toHaveLength(pageSize);
    }
    expect(pages.at(-1)?.items.length).toBeGreaterThan(0);
  });

  test('time bounds hold in every organisation’s partition', async () => {
    const harness = new ContractHarness(threeWriters);
    const recorded = await interleaved(harness);
    const all = pageOf(
      await query(harness, ids.regulator, {
        by: 'stream',
        value: 'dataset:ds-merged',
        pageSize: 500,
      }),
    ).items;
    const from = all[5]?.committedAt ?? '';
    const to = all[20]?.committedAt ?? '';
    const expected = all
      .filter((entry) => entry.committedAt >= from && entry.committedAt < to)
      .map((entry) => entry.id);
    expect(expected.length).toBeGreaterThan(3);

    const pages = await allPages(harness, ids.regulator, {
      by: 'stream',
      value: 'dataset:ds-merged',
      from,
      to,
      pageSize: 3,
    });
    expect(pages.flatMap((page) => page.items.map((entry) => entry.id))).toEqual(expected);
    expect(recorded).toEqual(expect.arrayContaining(expected));
  });

  test('reads at most a page of keys from each organisation per call', async () => {
    const harness = new ContractHarness(threeWriters);
    await interleaved(harness);
    const pageSize = 4;
    const organizations = threeWriters.organizations.length;
    let bookmark = '';
    do {
      let page: EntryPage = { items: [], bookmark: '' };
      const read = await keysReadBy(harness, async () => {
        page = pageOf(
          await query(harness, ids.regulator, {
            by: 'stream',
            value: 'dataset:ds-merged',
            pageSize,
            bookmark,
          }),
        );
      });
      // A range read hands over one key more than it returns: where the next one starts.
      expect(read).toBeLessThanOrEqual(organizations * (pageSize + 1));
      bookmark = page.bookmark;
    } while (bookmark !== '');
  });
});

describe('bookmarks', () => {
  test("a regulator's bookmark is refused for another query, and by a writer", async () => {
    const harness = new ContractHarness(threeWriters);
    for (const writer of [ids.sandboxWriter, ids.creditOrgSandboxWriter, researchWriter]) {
      await harness.recordEntry(writer, dataAccess({}, { dataset: { id: 'ds-b' } }));
    }
    const { bookmark } = pageOf(
      await query(harness, ids.regulator, { by: 'stream', value: 'dataset:ds-b', pageSize: 1 }),
    );
    expect(bookmark).not.toBe('');

    for (const [identity, body] of [
      [ids.regulator, { by: 'stream', value: 'dataset:ds-c' }],
      [ids.regulator, { by: 'kind', value: 'data-access' }],
      [ids.regulator, { by: 'stream', value: 'dataset:ds-b', from: '2030-01-01T00:00:00Z' }],
      [ids.sandboxWriter, { by: 'stream', value: 'dataset:ds-b' }],
    ] as const) {
      const refused = await query(harness, identity, { ...body, bookmark });
      expect(detailPaths(errorOf(refused, 'INVALID_ARGUMENT'))).toEqual(['bookmark']);
    }
  });

  test.each([
    ['not JSON', 'ix'],
    ['an empty list', '[]'],
    ['not a list of keys', '{"SandboxOrg":"x"}'],
    ['one organisation twice', 'twice'],
  ])('%s is refused', async (_case, forged) => {
    const harness = new ContractHarness(threeWriters);
    for (let index = 0; index < 3; index += 1) {
      await harness.recordEntry(ids.sandboxWriter, dataAccess({}, { dataset: { id: 'ds-f' } }));
    }
    const body = { by: 'stream', value: 'dataset:ds-f', pageSize: 1 };
    const { bookmark } = pageOf(await query(harness, ids.regulator, body));
    const [position] = JSON.parse(bookmark) as string[];
    const refused = await query(harness, ids.regulator, {
      ...body,
      bookmark: forged === 'twice' ? JSON.stringify([position, position]) : forged,
    });
    expect(detailPaths(errorOf(refused, 'INVALID_ARGUMENT'))).toEqual(['bookmark']);
  });
});

describe('counts per role', () => {
  test("a writer counts its organisation's entries; a regulator sums every organisation's", async () => {
    const harness = new ContractHarness(threeWriters);
    const dataset = { dataset: { id: 'ds-count' } };
    // 7 of CreditOrg's entries, 4 of SandboxOrg's between them, none of ResearchOrg's.
    for (let index = 0; index < 7; index += 1) {
      const writers =
        index % 2 === 0
          ? [ids.creditOrgSandboxWriter, ids.sandboxWriter]
          : [ids.creditOrgSandboxWriter];
      for (const writer of writers) {
        payloadOf(await harness.recordEntry(writer, dataAccess({}, dataset)));
      }
    }
    const stream = { by: 'stream', value: 'dataset:ds-count' };

    expect(await count(harness, ids.sandboxWriter, stream)).toEqual({ count: 4, complete: true });
    expect(await count(harness, ids.creditOrgSandboxWriter, stream)).toEqual({
      count: 7,
      complete: true,
    });
    expect(await count(harness, researchWriter, stream)).toEqual({ count: 0, complete: true });
    expect(await count(harness, ids.regulator, stream)).toEqual({ count: 11, complete: true });
  });
});
