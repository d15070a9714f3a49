/**
 * A credit change's details in the contract: held in the collection, not on the channel; made
 * erasable by its own retention or by the entry that ends its record, which lists the record's
 * earlier changes for the contract to check; erased with the keys that name its subject, once,
 * by a role that may, with the erasure recorded beside it.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import type { ErasedEntry } from '../../chaincode/src/index.js';
import { ContractHarness } from '../support/contract-harness.js';
import { testIdentities, type TestIdentities, type TestIdentity } from '../support/identities.js';
import { detailPaths, entryOf, errorOf, payloadOf } from '../support/results.js';
import { creditChange, dataAccess } from '../support/sample-entries.js';

let ids: TestIdentities;

beforeAll(async () => {
  ids = await testIdentities();
});

const COLLECTION = 'credit-details';
/** Before the harness's clock (2026): due at once. */
const PAST = '2021-06-30T00:00:00+08:00';
const FUTURE = '2099-12-31T00:00:00+08:00';
const SUBJECT = { type: 'organization', ref: `hmac-sha256:${'5e'.repeat(32)}` };

function change(recordId: string, fields: Record<string, unknown> = {}, request = {}) {
  const ending = fields.change === 'revoke' || fields.change === 'expire';
  return creditChange(request, {
    recordId,
    subject: SUBJECT,
    ...(ending ? { before: `sha256:${'a1'.repeat(32)}`, after: undefined } : {}),
    ...fields,
  });
}

function erase(harness: ContractHarness, identity: TestIdentity, id: string, erasureId: string) {
  return harness.submit(
    identity,
    'EraseEntry',
    JSON.stringify({
      id: erasureId,
      entry: { mspId: 'CreditOrg', id },
      reason: '保存期限届满',
      legalBasis: '《征信业管理条例》第十六条',
    }),
  );
}

/** Every key and value the collection and the channel hold, as text. */
function everything(harness: ContractHarness): string {
  const channel = harness.state
    .keys()
    .map((key) => `${key}=${Buffer.from(harness.state.get(key) ?? []).toString('utf8')}`);
  const held = harness.state
    .privateKeysInRange(COLLECTION, '', '')
    .map(
      (key) =>
        `${key}=${Buffer.from(harness.state.getPrivate(COLLECTION, key) ?? []).toString('utf8')}`,
    );
  return [...channel, ...held].join('\n');
}

describe('a credit change’s details', () => {
  test('are in the collection, and the channel holds their hash, not them', async () => {
    const harness = new ContractHarness();
    const request = change('CR-held');
    const record = entryOf(await harness.recordEntry(ids.creditWriter, request));
    expect(record).not.toHaveProperty('payload');
    expect(record).not.toHaveProperty('stream');
    expect(record.details).toMatchObject({ collection: COLLECTION });

    const channel = harness.state
      .keys()
      .map((key) => key + Buffer.from(harness.state.get(key) ?? []).toString('utf8'))
      .join('\n');
    expect(channel).toContain(record.id);
    expect(channel).not.toContain('CR-held');
    expect(channel).not.toContain(SUBJECT.ref);
    const key = `entry\u0000${record.id}\u0000CreditOrg`;
    expect(harness.state.privateKeysInRange(COLLECTION, '', '')).toEqual([key]);
    expect(Buffer.from(harness.state.getPrivate(COLLECTION, key) ?? []).toString()).toContain(
      'CR-held',
    );
  });

  test('sent in the arguments are refused, after the role is checked', async () => {
    const harness = new ContractHarness();
    const request = change('CR-args');
    const inArguments = await harness.submit(
      ids.creditWriter,
      'RecordEntry',
      JSON.stringify(request),
    );
    expect(errorOf(inArguments, 'INVALID_ENTRY').details?.[0]?.path).toBe('payload');
    errorOf(
      await harness.submit(ids.sandboxWriter, 'RecordEntry', JSON.stringify(request)),
      'FORBIDDEN',
    );
    expect(harness.state.keys()).toEqual([]);
  });
});

describe('retention and erasure', () => {
  test('the end of a record makes the changes it lists erasable; one it leaves out is not', async () => {
    const harness = new ContractHarness();
    const created = change('CR-1', { change: 'create' });
    const updated = change('CR-1', { change: 'update', before: `sha256:${'b2'.repeat(32)}` });
    const forgotten = change('CR-1', { change: 'update', before: `sha256:${'c3'.repeat(32)}` });
    for (const request of [created, updated, forgotten]) {
      payloadOf(await harness.recordEntry(ids.creditWriter, request));
    }
    const ended = change('CR-1', { change: 'revoke' }, { erasableAfter: PAST });
    payloadOf(
      await harness.recordEntries(
        ids.creditWriter,
        [ended],
        new Map([[0, [created.id, updated.id]]]),
      ),
    );

    const due = JSON.parse(
      payloadOf(await harness.evaluate(ids.regulator, 'ListDueErasures', '{}')),
    ) as { items: { id: string }[] };
    expect(due.items.map((item) => item.id).sort()).toEqual(
      [created.id, updated.id, ended.id].sort(),
    );
    errorOf(await erase(harness, ids.creditWriter, forgotten.id, 'erasure-0'), 'ERASURE_NOT_DUE');
  });

  test('a retention past the year 9999 in UTC is refused, and leaves what was due, due', async () => {
    const harness = new ContractHarness();
    // Year 10000 in UTC: as ledger time it was written `+010000-…`, which sorted before every
    // real time, so the entry was due at once and an end carrying it replaced any due date.
    const yearTenThousand = '9999-12-31T23:30:00-01:00';
    const created = change('CR-far', { change: 'create' }, { erasableAfter: PAST });
    payloadOf(await harness.recordEntry(ids.creditWriter, created));
    const update = change(
      'CR-far',
      { change: 'update', before: `sha256:${'e5'.repeat(32)}` },
      { erasableAfter: yearTenThousand },
    );
    const revoke = change('CR-far', { change: 'revoke' }, { erasableAfter: yearTenThousand });
    for (const [request, groups] of [
      [update, new Map<number, string[]>()],
      [revoke, new Map([[0, [created.id]]])],
    ] as const) {
      const refused = await harness.recordEntries(ids.creditWriter, [request], groups);
      expect(detailPaths(errorOf(refused, 'INVALID_ENTRY'))).toEqual(['entries[0].erasableAfter']);
    }
    const due = JSON.parse(
      payloadOf(await harness.evaluate(ids.regulator, 'ListDueErasures', '{}')),
    ) as { items: { id: string; erasableAfter: string }[] };
    expect(due.items).toEqual([expect.objectContaining({ id: created.id })]);
    payloadOf(await erase(harness, ids.creditWriter, created.id, 'erasure-far'));
  });

  test('an end may list only earlier changes of its own record, and only an end lists', async () => {
    const harness = new ContractHarness();
    const other = change('CR-other', { change: 'create' });
    payloadOf(await harness.recordEntry(ids.creditWriter, other));
    const access = dataAccess();
    payloadOf(await harness.recordEntry(ids.sandboxWriter, access));

    const ended = change('CR-2', { change: 'expire' }, { erasableAfter: PAST });
    for (const listed of [[other.id], ['no-such-entry'], [access.id]]) {
      const refused = await harness.recordEntries(
        ids.creditWriter,
        [ended],
        new Map([[0, listed]]),
      );
      expect(errorOf(refused, 'INVALID_ARGUMENT').details?.[0]?.path).toBe(
        'transient.retentionGroups.0[0]',
      );
    }
    const notAnEnd = change('CR-other', { change: 'update', before: `sha256:${'d4'.repeat(32)}` });
    const refused = await harness.recordEntries(
      ids.creditWriter,
      [notAnEnd],
      new Map([[0, [other.id]]]),
    );
    expect(errorOf(refused, 'INVALID_ARGUMENT').details?.[0]?.path).toBe(
      'transient.retentionGroups.0',
    );
  });

  test('erasure purges the details and the keys naming the subject, once, and records itself', async () => {
    const harness = new ContractHarness();
    const created = change('CR-3', { change: 'create' });
    payloadOf(await harness.recordEntry(ids.creditWriter, created));
    const ended = change('CR-3', { change: 'revoke' }, { erasableAfter: PAST });
    payloadOf(await harness.recordEntries(ids.creditWriter, [ended], new Map([[0, [created.id]]])));
    const kept = change('CR-4', { change: 'create' }, { erasableAfter: FUTURE });
    payloadOf(await harness.recordEntry(ids.creditWriter, kept));

    errorOf(await erase(harness, ids.sandboxWriter, created.id, 'erasure-1'), 'FORBIDDEN');
    errorOf(await erase(harness, ids.creditWriter, kept.id, 'erasure-1'), 'ERASURE_NOT_DUE');
    const erasure = entryOf(await erase(harness, ids.creditWriter, created.id, 'erasure-1'));
    expect(erasure).toMatchObject({ kind: 'entry-erasure', id: 'erasure-1' });
    entryOf(await erase(harness, ids.regulator, ended.id, 'erasure-2'));
    errorOf(await erase(harness, ids.regulator, created.id, 'erasure-3'), 'ALREADY_ERASED');

    const read = entryOf(
      await harness.evaluate(ids.regulator, 'GetEntry', `CreditOrg/${created.id}`),
    ) as unknown as ErasedEntry;
    expect(read.erased).toMatchObject({ erasureId: 'erasure-1', erasedBy: { mspId: 'CreditOrg' } });
    expect(read).not.toHaveProperty('payload');

    const remaining = everything(harness);
    expect(remaining).not.toContain('CR-3');
    expect(remaining).toContain('CR-4');
    expect(remaining).toContain(SUBJECT.ref);
    const due = JSON.parse(
      payloadOf(await harness.evaluate(ids.regulator, 'ListDueErasures', '{}')),
    ) as { items: unknown[] };
    expect(due.items).toEqual([]);
  });
});
