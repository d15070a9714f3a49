import { createHash } from 'node:crypto';
import { expect, test } from 'vitest';
import { standardConsortium } from '../../chaincode/src/index.js';
import {
  TransactionStub,
  type TransientData,
} from '../../gateway/src/embedded/transaction-stub.js';
import type { PrivateWrites, StateWrite } from '../../gateway/src/embedded/write-set.js';
import { MemoryWorldState } from '../support/memory-state.js';

const COLLECTION = 'credit-details';
const utf8 = new TextEncoder();
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

function stubFor(state: MemoryWorldState, mspId: string, transient?: TransientData) {
  return new TransactionStub(
    state,
    {
      channel: 'audit',
      fcn: 'Test',
      args: [],
      txId: 'tx1',
      timestamp: { seconds: 0, nanos: 0 },
      creator: { mspid: mspId, idBytes: Buffer.from('') },
      transient,
    },
    standardConsortium,
  );
}

/** Committed state holding `values` in the credit-details collection. */
function committed(values: Record<string, string>): MemoryWorldState {
  const state = new MemoryWorldState();
  const writes: PrivateWrites = new Map([
    [
      COLLECTION,
      new Map(
        Object.entries(values).map(([key, value]) => [
          key,
          { kind: 'put', value: utf8.encode(value) } as const,
        ]),
      ),
    ],
  ]);
  state.apply(new Map<string, StateWrite>(), writes);
  return state;
}

test('a member creator reads committed private data; a non-member is refused as a Fabric peer refuses', async () => {
  const state = committed({ 'entry-1': 'salary 4200' });

  const member = stubFor(state, 'CreditOrg');
  expect(text(await member.getPrivateData(COLLECTION, 'entry-1'))).toBe('salary 4200');
  expect(await member.getPrivateData(COLLECTION, 'absent')).toEqual(new Uint8Array());

  const stranger = stubFor(state, 'SandboxOrg');
  await expect(stranger.getPrivateData(COLLECTION, 'entry-1')).rejects.toThrow(
    'GET_STATE failed: transaction ID: tx1: tx creator does not have read access permission on privatedata in chaincodeName:audit collectionName: credit-details',
  );
  await expect(stranger.putPrivateData(COLLECTION, 'k', utf8.encode('v'))).rejects.toThrow(
    'PUT_STATE failed: transaction ID: tx1: tx creator does not have write access permission on privatedata in chaincodeName:audit collectionName: credit-details',
  );
  await expect(stranger.deletePrivateData(COLLECTION, 'entry-1')).rejects.toThrow(
    /DEL_STATE failed: .*write access permission/,
  );
  await expect(stranger.purgePrivateData(COLLECTION, 'entry-1')).rejects.toThrow(
    /PURGE_PRIVATE_DATA failed: .*write access permission/,
  );
  await expect(stranger.getPrivateDataByRange(COLLECTION, '', '')).rejects.toThrow(
    /GET_STATE_BY_RANGE failed: .*read access permission/,
  );
  expect(stranger.privateWrites.size).toBe(0);

  // The hash is on every peer of the channel: anyone may compare against it.
  expect(Buffer.from(await stranger.getPrivateDataHash(COLLECTION, 'entry-1'))).toEqual(
    createHash('sha256').update('salary 4200').digest(),
  );
  expect(await stranger.getPrivateDataHash(COLLECTION, 'absent')).toEqual(new Uint8Array());
});

test('an unknown collection is an error for every private data call', async () => {
  const stub = stubFor(new MemoryWorldState(), 'CreditOrg');
  await expect(stub.getPrivateData('credit-detail', 'k')).rejects.toThrow(
    'GET_STATE failed: transaction ID: tx1: collection audit/audit/credit-detail could not be found',
  );
  await expect(stub.putPrivateData('credit-detail', 'k', utf8.encode('v'))).rejects.toThrow(
    /collection audit\/audit\/credit-detail could not be found/,
  );
  await expect(stub.getPrivateDataHash('credit-detail', 'k')).rejects.toThrow(
    /collection \[credit-detail\] not defined/,
  );
  await expect(stub.getPrivateData('', 'k')).rejects.toThrow('collection must be a valid string');
  await expect(stub.putPrivateData(COLLECTION, '', utf8.encode('v'))).rejects.toThrow(
    'key must be a valid string',
  );
});

test("reads see committed state only, never the transaction's own writes", async () => {
  const state = committed({ 'entry-1': 'before' });
  state.apply(new Map([['public', { kind: 'put', value: utf8.encode('before') }]]), new Map());
  const stub = stubFor(state, 'RegulatorOrg');

  await stub.putPrivateData(COLLECTION, 'entry-1', utf8.encode('after'));
  await stub.putPrivateData(COLLECTION, 'entry-2', utf8.encode('new'));
  await stub.putState('public', utf8.encode('after'));

  expect(text(await stub.getPrivateData(COLLECTION, 'entry-1'))).toBe('before');
  expect(await stub.getPrivateData(COLLECTION, 'entry-2')).toEqual(new Uint8Array());
  expect(Buffer.from(await stub.getPrivateDataHash(COLLECTION, 'entry-1'))).toEqual(
    createHash('sha256').update('before').digest(),
  );
  expect(text(await stub.getState('public'))).toBe('before');
});

test('writes record puts, deletes and purges, the last write to a key winning; an empty put deletes', async () => {
  const stub = stubFor(committed({ a: '1', b: '2', c: '3' }), 'CreditOrg');
  await stub.putPrivateData(COLLECTION, 'a', utf8.encode('one'));
  await stub.deletePrivateData(COLLECTION, 'b');
  await stub.purgePrivateData(COLLECTION, 'c');
  await stub.putPrivateData(COLLECTION, 'd', new Uint8Array());
  await stub.putPrivateData(COLLECTION, 'e', utf8.encode('first'));
  await stub.purgePrivateData(COLLECTION, 'e');
  await stub.putState('kept', utf8.encode('x'));
  await stub.deleteState('gone');

  expect(stub.privateWrites).toEqual(
    new Map([
      [
        COLLECTION,
        new Map<string, unknown>([
          ['a', { kind: 'put', value: utf8.encode('one') }],
          ['b', { kind: 'delete' }],
          ['c', { kind: 'purge' }],
          ['d', { kind: 'delete' }],
          ['e', { kind: 'purge' }],
        ]),
      ],
    ]),
  );
  expect(stub.writes).toEqual(
    new Map<string, unknown>([
      ['kept', { kind: 'put', value: utf8.encode('x') }],
      ['gone', { kind: 'delete' }],
    ]),
  );
});

test('a private range reads keys in UTF-8 byte order, awaited as fabric-shim resolves it or iterated with for await', async () => {
  // UTF-16 puts U+1F600 (a surrogate pair) before U+FF5E; UTF-8, and so Fabric, after it.
  const keys = ['b', 'a\u{1F600}', 'a\uFF5E', 'aZ', 'c', '\u0000composite'];
  const state = committed(Object.fromEntries(keys.map((key) => [key, `value of ${key}`])));
  const expected = ['aZ', 'a\uFF5E', 'a\u{1F600}', 'b'];

  const stub = stubFor(state, 'CreditOrg');
  const response = await stub.getPrivateDataByRange(COLLECTION, 'a', 'c');
  const read: string[] = [];
  for (
    let next = await response.iterator.next();
    !next.done;
    next = await response.iterator.next()
  ) {
    read.push(next.value.key);
    expect(text(next.value.value)).toBe(`value of ${next.value.key}`);
  }
  await response.iterator.close();
  expect(read).toEqual(expected);

  const iterated: string[] = [];
  for await (const { key } of stubFor(state, 'CreditOrg').getPrivateDataByRange(
    COLLECTION,
    'a',
    'c',
  )) {
    iterated.push(key);
  }
  expect(iterated).toEqual(expected);

  // Open ends: from the first simple key (composite keys stay out, as fabric-shim starts at
  // U+0001) to the last.
  const all: string[] = [];
  for await (const { key } of stubFor(state, 'CreditOrg').getPrivateDataByRange(
    COLLECTION,
    '',
    '',
  )) {
    all.push(key);
  }
  expect(all).toEqual([...expected, 'c']);
});

test('a transaction that range-reads private data may not write, nor range-read it after writing', async () => {
  const state = committed({ a: '1' });
  const reader = stubFor(state, 'CreditOrg');
  await reader.getPrivateDataByRange(COLLECTION, '', '');
  await expect(reader.purgePrivateData(COLLECTION, 'a')).rejects.toThrow(
    'PURGE_PRIVATE_DATA failed: transaction ID: tx1: txid [tx1]: unsuppored transaction. Transaction has already performed queries on pvt data. Writes are not allowed',
  );
  await expect(reader.putState('k', utf8.encode('v'))).rejects.toThrow(/Writes are not allowed/);

  const writer = stubFor(state, 'CreditOrg');
  await writer.putState('k', utf8.encode('v'));
  await expect(writer.getPrivateDataByRange(COLLECTION, '', '')).rejects.toThrow(
    /Queries on pvt data is supported only in a read-only transaction/,
  );
});

test('the transient map reaches the contract as bytes, strings as UTF-8', () => {
  const stub = stubFor(new MemoryWorldState(), 'CreditOrg', {
    details: '{"limit":5000}',
    key: new Uint8Array([1, 2, 3]),
  });
  expect(stub.getTransient()).toEqual(
    new Map([
      ['details', Buffer.from('{"limit":5000}')],
      ['key', Buffer.from([1, 2, 3])],
    ]),
  );
  expect(stubFor(new MemoryWorldState(), 'CreditOrg').getTransient()).toEqual(new Map());
});
