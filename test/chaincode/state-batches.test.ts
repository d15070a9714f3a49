import { peer } from '@hyperledger/fabric-protos';
import type { ChaincodeStub } from 'fabric-shim-api';
import { describe, expect, test } from 'vitest';
import { KEYS_PER_MESSAGE, getStates, putStates } from '../../chaincode/src/state-batches.js';

/**
 * A stub shaped as fabric-shim makes them, whose handler answers as a Fabric 3 peer does (or
 * refuses, as a Fabric 2 peer would), recording every message and every one-by-one call.
 */
function shimStub(options: { refuses?: boolean; state?: Map<string, string> } = {}) {
  const state = options.state ?? new Map<string, string>();
  const sent: peer.ChaincodeMessage[] = [];
  const single: string[] = [];
  const handler = {
    _askPeerAndListen: (message: peer.ChaincodeMessage) => {
      sent.push(message);
      if (options.refuses === true) {
        return Promise.reject(new Error('cannot handle message (WRITE_BATCH_STATE)'));
      }
      if (message.getType() === peer.ChaincodeMessage.Type.GET_STATE_MULTIPLE) {
        const keys = peer.GetStateMultiple.deserializeBinary(
          message.getPayload_asU8(),
        ).getKeysList();
        const result = new peer.GetStateMultipleResult();
        result.setValuesList(keys.map((key) => Buffer.from(state.get(key) ?? '')));
        return Promise.resolve(Buffer.from(result.serializeBinary()));
      }
      for (const record of peer.WriteBatchState.deserializeBinary(
        message.getPayload_asU8(),
      ).getRecList()) {
        state.set(record.getKey(), Buffer.from(record.getValue_asU8()).toString());
      }
      return Promise.resolve(Buffer.alloc(0));
    },
  };
  const stub = {
    handler,
    channel_id: 'audit',
    txId: 'tx-1',
    getState: (key: string) => {
      single.push(`get ${key}`);
      return Promise.resolve(Buffer.from(state.get(key) ?? ''));
    },
    putState: (key: string, value: Uint8Array) => {
      single.push(`put ${key}`);
      state.set(key, Buffer.from(value).toString());
      return Promise.resolve();
    },
  };
  return { stub: stub as unknown as ChaincodeStub, sent, single, state };
}

const text = (values: Uint8Array[]) => values.map((value) => Buffer.from(value).toString());

describe('state reads and writes in batches', () => {
  test('a transaction’s writes go to the peer as WRITE_BATCH_STATE, 1,000 keys per message', async () => {
    const { stub, sent, single, state } = shimStub();
    const writes = Array.from(
      { length: KEYS_PER_MESSAGE + 1 },
      (_, index) => [`key-${index}`, Buffer.from(`value-${index}`)] as const,
    );
    await putStates(stub, writes);

    expect(sent.map((message) => message.getType())).toEqual([
      peer.ChaincodeMessage.Type.WRITE_BATCH_STATE,
      peer.ChaincodeMessage.Type.WRITE_BATCH_STATE,
    ]);
    expect(sent.map((message) => [message.getTxid(), message.getChannelId()])).toEqual([
      ['tx-1', 'audit'],
      ['tx-1', 'audit'],
    ]);
    const first = peer.WriteBatchState.deserializeBinary(
      sent[0]?.getPayload_asU8() ?? new Uint8Array(),
    );
    expect(first.getRecList()[0]?.getType()).toBe(peer.WriteRecord.Type.PUT_STATE);
    expect(state.get(`key-${KEYS_PER_MESSAGE}`)).toBe(`value-${KEYS_PER_MESSAGE}`);
    expect(single).toEqual([]);
  });

  test('reads of many keys are one GET_STATE_MULTIPLE, answered in order, absent keys empty', async () => {
    const { stub, sent, single } = shimStub({ state: new Map([['b', 'two']]) });
    expect(text(await getStates(stub, ['a', 'b', 'c']))).toEqual(['', 'two', '']);
    expect(sent.map((message) => message.getType())).toEqual([
      peer.ChaincodeMessage.Type.GET_STATE_MULTIPLE,
    ]);
    expect(single).toEqual([]);
  });

  test('a peer that refuses batches gets the keys one by one, with the same outcome', async () => {
    const { stub, single, state } = shimStub({ refuses: true, state: new Map([['b', 'two']]) });
    await putStates(stub, [['a', Buffer.from('one')]]);
    expect(text(await getStates(stub, ['a', 'b']))).toEqual(['one', 'two']);
    expect(single).toEqual(['put a', 'get a', 'get b']);
    expect(state.get('a')).toBe('one');
  });

  test('a stub that is not fabric-shim’s (the embedded ledger’s) is used key by key', async () => {
    const { stub, single } = shimStub();
    const plain = {
      getState: (key: string) => stub.getState(key),
      putState: (key: string, value: Uint8Array) => stub.putState(key, value),
    } as unknown as ChaincodeStub;
    await putStates(plain, [['a', Buffer.from('one')]]);
    expect(text(await getStates(plain, ['a']))).toEqual(['one']);
    expect(single).toEqual(['put a', 'get a']);
  });
});
