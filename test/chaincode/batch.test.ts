import { beforeAll, describe, expect, test } from 'vitest';
import {
  MAX_ENTRIES_PER_TRANSACTION,
  entriesFromReceipt,
  standardKinds,
  type EntriesReceipt,
} from '../../chaincode/src/index.js';
import { ContractHarness } from '../support/contract-harness.js';
import { testIdentities, type TestIdentities } from '../support/identities.js';
import { detailPaths, entriesOf, entryOf, errorOf, payloadOf } from '../support/results.js';
import {
  RESIDENT_ID,
  algorithmUpload,
  creditChange,
  dataAccess,
} from '../support/sample-entries.js';

let ids: TestIdentities;
beforeAll(async () => {
  ids = await testIdentities();
});

function recordBatch(harness: ContractHarness, requests: unknown, identity = ids.sandboxWriter) {
  return Array.isArray(requests)
    ? harness.recordEntries(identity, requests)
    : harness.submit(identity, 'RecordEntries', JSON.stringify(requests));
}

describe('recording many entries in one transaction', () => {
  test('every entry commits in request order, sharing the transaction, each with its own digest', async () => {
    const harness = new ContractHarness();
    const requests = [
      dataAccess({ sourceSeq: 1 }),
      algorithmUpload({ sourceSeq: 2 }),
      dataAccess({ sourceSeq: 3 }),
    ];
    const result = await recordBatch(harness, requests);
    const entries = entriesOf(result, requests);

    expect(entries.map((entry) => entry.id)).toEqual(requests.map((request) => request.id));
    expect(new Set(entries.map((entry) => entry.txId)).size).toBe(1);
    expect(new Set(entries.map((entry) => entry.committedAt)).size).toBe(1);
    expect(new Set(entries.map((entry) => entry.digest)).size).toBe(3);
    for (const entry of entries) {
      expect(entryOf(await harness.evaluate(ids.regulator, 'GetEntry', entry.id))).toEqual(entry);
    }
  });

  test('one event lists every entry of the transaction', async () => {
    const harness = new ContractHarness();
    const requests = [dataAccess(), algorithmUpload()];
    const result = await recordBatch(harness, requests);

    expect(result.ok && JSON.parse(result.event?.payload ?? '')).toEqual({
      entries: requests.map(({ id, kind }) => ({ id, kind })),
    });
  });

  test('the answer is a receipt: no payload travels back, and it confirms only the requests sent', async () => {
    const harness = new ContractHarness();
    const requests = [dataAccess(), algorithmUpload()];
    const result = await recordBatch(harness, requests);
    const receipt = JSON.parse(payloadOf(result)) as EntriesReceipt;

    expect(Object.keys(receipt).sort()).toEqual([
      'committedAt',
      'entries',
      'source',
      'submitter',
      'txId',
    ]);
    expect(receipt.entries.map((confirmed) => Object.keys(confirmed).sort())).toEqual([
      ['digest', 'id', 'stream'],
      ['digest', 'id', 'stream'],
    ]);
    expect(payloadOf(result)).not.toContain('"payload"');

    // A request changed after it was sent is not what the ledger stored: it is not rebuilt.
    const changed = [
      requests[0],
      algorithmUpload({ id: requests[1]?.id }, { team: 'another-team' }),
    ];
    expect(entriesFromReceipt(standardKinds, changed, receipt).map(Boolean)).toEqual([true, false]);
  });

  test(`${MAX_ENTRIES_PER_TRANSACTION} entries fit in one transaction; one more does not`, async () => {
    const harness = new ContractHarness();
    const full = Array.from({ length: MAX_ENTRIES_PER_TRANSACTION }, () => dataAccess());
    expect(entriesOf(await recordBatch(harness, full), full)).toHaveLength(
      MAX_ENTRIES_PER_TRANSACTION,
    );

    const overfull = Array.from({ length: MAX_ENTRIES_PER_TRANSACTION + 1 }, () => dataAccess());
    expect(detailPaths(errorOf(await recordBatch(harness, overfull), 'INVALID_ARGUMENT'))).toEqual([
      'entries',
    ]);
  });

  test.each([
    ['an empty array', []],
    ['an object', { entries: [] }],
  ])('%s is not a batch', async (_case, body) => {
    const harness = new ContractHarness();
    errorOf(await recordBatch(harness, body), 'INVALID_ARGUMENT');
  });
});

describe('a batch is all or nothing', () => {
  test.each([
    [
      'an invalid entry',
      () => dataAccess({}, { action: 'delete' }),
      'INVALID_ENTRY',
      'entries[2].payload.action',
    ],
    ['a forbidden kind', () => creditChange(), 'FORBIDDEN', 'entries[2].kind'],
    [
      'personal data',
      () => dataAccess({}, { sessionId: RESIDENT_ID }),
      'PERSONAL_DATA',
      'entries[2].payload.sessionId',
    ],
  ] as const)(
    '%s anywhere refuses the whole batch and writes nothing',
    async (_case, bad, code, path) => {
      const harness = new ContractHarness();
      const batch = [dataAccess(), algorithmUpload(), bad(), dataAccess()];

      const refused = await recordBatch(harness, batch);
      expect(detailPaths(errorOf(refused, code))).toEqual([path]);
      expect(harness.state.keys()).toEqual([]);
    },
  );

  test('an id already on the ledger refuses the batch, naming the entry', async () => {
    const harness = new ContractHarness();
    const existing = entryOf(await harness.recordEntry(ids.sandboxWriter, dataAccess()));
    const before = harness.state.keys().length;

    const refused = await recordBatch(harness, [dataAccess(), dataAccess({ id: existing.id })]);
    expect(detailPaths(errorOf(refused, 'ENTRY_EXISTS'))).toEqual(['entries[1].id']);
    expect(harness.state.keys()).toHaveLength(before);
  });

  test('every id already on the ledger is named at once, so a retried batch is refused once', async () => {
    const harness = new ContractHarness();
    const recorded = [dataAccess(), dataAccess(), dataAccess()];
    await recordBatch(harness, recorded);

    const retried = [recorded[0], dataAccess(), recorded[1], dataAccess(), recorded[2]];
    const error = errorOf(await recordBatch(harness, retried), 'ENTRY_EXISTS');
    expect(detailPaths(error)).toEqual(['entries[0].id', 'entries[2].id', 'entries[4].id']);
    expect(error.message).toBe(`entry ${recorded[0]?.id ?? ''} already exists, and 2 more`);
  });

  test('every repeat inside a batch is named, each pointing at its first use', async () => {
    const harness = new ContractHarness();
    const refused = await recordBatch(harness, [
      dataAccess({ id: 'a', sourceSeq: 1 }),
      dataAccess({ id: 'a', sourceSeq: 2 }),
      dataAccess({ id: 'b', sourceSeq: 3 }),
      dataAccess({ id: 'b', sourceSeq: 4 }),
    ]);

    expect(errorOf(refused, 'ENTRY_EXISTS').details).toEqual([
      { path: 'entries[1].id', message: 'repeats entries[0].id' },
      { path: 'entries[3].id', message: 'repeats entries[2].id' },
    ]);
  });

  test('the same id twice in one batch is refused although neither is on the ledger yet', async () => {
    const harness = new ContractHarness();
    const refused = await recordBatch(harness, [
      dataAccess({ id: 'twice' }),
      algorithmUpload({ id: 'twice' }),
    ]);

    expect(detailPaths(errorOf(refused, 'ENTRY_EXISTS'))).toEqual(['entries[1].id']);
    expect(harness.state.keys()).toEqual([]);
  });

  test('the same sourceSeq twice in one batch is refused', async () => {
    const harness = new ContractHarness();
    const refused = await recordBatch(harness, [
      dataAccess({ sourceSeq: 9 }),
      dataAccess({ sourceSeq: 9 }),
    ]);

    expect(detailPaths(errorOf(refused, 'SEQ_EXISTS'))).toEqual(['entries[1].sourceSeq']);
  });

  test('a sourceSeq already used by the source refuses the batch', async () => {
    const harness = new ContractHarness();
    await recordBatch(harness, [dataAccess({ sourceSeq: 1 })]);

    const refused = await recordBatch(harness, [
      dataAccess({ sourceSeq: 2 }),
      dataAccess({ sourceSeq: 1 }),
    ]);
    expect(detailPaths(errorOf(refused, 'SEQ_EXISTS'))).toEqual(['entries[1].sourceSeq']);
  });

  test('after a refusal, the valid entries go through on their own', async () => {
    const harness = new ContractHarness();
    const good = [dataAccess(), dataAccess()];
    errorOf(await recordBatch(harness, [...good, dataAccess({ kind: 'nope' })]), 'INVALID_ENTRY');

    expect(entriesOf(await recordBatch(harness, good), good)).toHaveLength(2);
  });
});
