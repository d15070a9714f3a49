/**
 * Queries across organisations, as a gateway answers them from its postings: a writer's pages
 * and counts hold its own organisation's entries and nothing of others', so an empty page has no
 * bookmark however many others' entries the partition lists; a regulator's pages merge every
 * organisation's entries in commit order. (That a writer's reads step over no other
 * organisation's rows at all is the query plan's, test/unit/entry-postings.test.ts.)
 */
import { beforeAll, describe, expect, test } from 'vitest';
import type { EntryPage } from '../../chaincode/src/index.js';
import { ContractHarness } from '../support/contract-harness.js';
import {
  researchWriter,
  sharedRoleConsortium,
  testIdentities,
  threeWriterConsortium,
  type TestIdentities,
  type TestIdentity,
} from '../support/identities.js';
import { entriesOf, entryOf, pageOf, payloadOf } from '../support/results.js';
import { creditChange, dataAccess } from '../support/sample-entries.js';

/** More entries than any page takes, or the page reading of rows grows to. */
const MANY = 2500;

let ids: TestIdentities;
/** A sandbox writer of a third writing organisation, in threeWriterConsortium. */
let research: TestIdentity;

beforeAll(async () => {
  ids = await testIdentities();
  research = await researchWriter();
});

function query(harness: ContractHarness, identity: TestIdentity, body: Record<string, unknown>) {
  return harness.queryEntries(identity, body);
}

async function count(harness: ContractHarness, identity: TestIdentity, body: object) {
  return JSON.parse(payloadOf(await harness.countEntries(identity, body))) as {
    count: number;
    complete: boolean;
  };
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

describe("a writer's query finds its own organisation's entries only", () => {
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
});

describe("a regulator's pages merge the organisations' partitions", () => {
  /**
   * Three organisations' entries interleaved in one stream: single entries, batches, and
   * transactions of different organisations at the same ledger time. Returns the ids in
   * commit order: ledger time, then transaction, then position in the batch.
   */
  async function interleaved(harness: ContractHarness): Promise<string[]> {
    const dataset = { dataset: { id: 'ds-merged' } };
    const writers = [ids.sandboxWriter, ids.creditOrgSandboxWriter, research];
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

  /** The regulator's one page of the whole interleaved stream. */
  async function wholeStream(harness: ContractHarness) {
    const body = { by: 'stream', value: 'dataset:ds-merged', pageSize: 500 };
    return pageOf(await query(harness, ids.regulator, body)).items;
  }

  test.each([1, 2, 7])('pages of %i come in exact commit order', async (pageSize) => {
    const harness = new ContractHarness(threeWriterConsortium);
    const recorded = await interleaved(harness);
    const stored = await wholeStream(harness);
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
    const harness = new ContractHarness(threeWriterConsortium);
    const recorded = await interleaved(harness);
    const all = await wholeStream(harness);
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
});

describe('counts per role', () => {
  test("a writer counts its organisation's entries; a regulator sums every organisation's", async () => {
    const harness = new ContractHarness(threeWriterConsortium);
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
    expect(await count(harness, research, stream)).toEqual({ count: 0, complete: true });
    expect(await count(harness, ids.regulator, stream)).toEqual({ count: 11, complete: true });
  });
});
