import { hash } from 'node:crypto';
import { holdsCollection, type Consortium } from '@audit-ledger/chaincode';
import type { ChaincodeStub, Iterators, SerializedIdentity } from 'fabric-shim-api';
import type { PrivateWrite, PrivateWrites, StateWrite } from './write-set';

/** The one contract an embedded ledger runs: its namespace, as Fabric names the chaincode. */
export const EMBEDDED_CHAINCODE = 'audit';

/** Committed world state, public and private, as a transaction simulation reads it. */
export interface StateReader {
  get(key: string): Uint8Array | undefined;
  /** Keys in `[startKey, endKey)` in UTF-8 byte order, at most `limit` of them. */
  keysInRange(startKey: string, endKey: string, limit: number): string[];
  getPrivate(collection: string, key: string): Uint8Array | undefined;
  /** A collection's keys in `[startKey, endKey)` in UTF-8 byte order; an empty `endKey` has no end. */
  privateKeysInRange(collection: string, startKey: string, endKey: string): string[];
}

/**
 * Data for the contract alone, as fabric-gateway's `transientData` takes it: it reaches the
 * simulation and nothing else (no block, hash or log records it). Strings count as UTF-8.
 */
export type TransientData = Readonly<Record<string, string | Uint8Array>>;

export interface Proposal {
  channel: string;
  fcn: string;
  args: string[];
  txId: string;
  timestamp: { seconds: number; nanos: number };
  creator: SerializedIdentity;
  transient?: TransientData;
}

export interface ChaincodeEvent {
  name: string;
  payload: Uint8Array;
}

class PageIterator implements Iterators.StateQueryIterator {
  private position = 0;

  constructor(private readonly records: Iterators.KV[]) {}

  next(): Promise<Iterators.NextResult<Iterators.KV>> {
    const record = this.records[this.position];
    this.position += 1;
    return Promise.resolve(
      record === undefined
        ? { done: true, value: undefined as unknown as Iterators.KV }
        : { done: false, value: record },
    );
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * What `await stub.getPrivateDataByRange(...)` resolves to in fabric-shim 2.5.8: not the
 * iterator its typings promise but the peer's query response, `{ iterator }` (see
 * handleGetQueryResult in fabric-shim's handler.js). Iterating the call itself with `for await`
 * works alike on both ledgers.
 */
export interface PrivateQueryResponse {
  iterator: Iterators.StateQueryIterator;
}

/** fabric-shim's convertToAsyncIterator: iterating the promise closes the iterator at the end. */
function iterable(
  promise: Promise<PrivateQueryResponse>,
): Promise<PrivateQueryResponse> & AsyncIterable<Iterators.KV> {
  return Object.assign(promise, {
    [Symbol.asyncIterator]: (): AsyncIterator<Iterators.KV> => {
      let iterator: Iterators.StateQueryIterator | undefined;
      return {
        next: async () => {
          iterator ??= (await promise).iterator;
          const result = await iterator.next();
          if (result.done) {
            await iterator.close();
          }
          return result;
        },
        return: async () => {
          await iterator?.close();
          return { done: true, value: undefined };
        },
      };
    },
  });
}

/** The peer's collection check, as Fabric reports it with memberOnlyRead and memberOnlyWrite. */
type Access = 'read' | 'write';

/**
 * The part of Fabric's ChaincodeStub the audit contract and fabric-contract-api's dispatcher use,
 * simulating one transaction over committed state. It keeps the Fabric semantics the contract
 * relies on: reads see committed state only (never the transaction's own writes), keys order by
 * their UTF-8 bytes, range pages hand back the next key as the bookmark, and a transaction sets
 * at most one event (a second replaces the first). Private data follows a Fabric 2.5 peer with
 * every collection memberOnlyRead and memberOnlyWrite: only a member organisation's creator
 * reads, writes or purges it (anyone may read its hash), and a transaction that range-reads
 * private data may not write, nor range-read it after writing. A put of no bytes is a delete
 * (the peer receives them as nil); the last write to a key in a transaction is the one recorded.
 */
export class TransactionStub {
  readonly writes = new Map<string, StateWrite>();
  readonly privateWrites: PrivateWrites = new Map();
  event: ChaincodeEvent | undefined;
  private writePerformed = false;
  private privateQueryPerformed = false;

  constructor(
    private readonly state: StateReader,
    private readonly proposal: Proposal,
    private readonly consortium: Consortium,
  ) {}

  asChaincodeStub(): ChaincodeStub {
    return this as unknown as ChaincodeStub;
  }

  getBufferArgs(): Buffer[] {
    return this.getArgs().map((arg) => Buffer.from(arg));
  }

  getArgs(): string[] {
    return [this.proposal.fcn, ...this.proposal.args];
  }

  getFunctionAndParameters(): { fcn: string; params: string[] } {
    return { fcn: this.proposal.fcn, params: this.proposal.args };
  }

  getTxID(): string {
    return this.proposal.txId;
  }

  getChannelID(): string {
    return this.proposal.channel;
  }

  getCreator(): SerializedIdentity {
    return this.proposal.creator;
  }

  getMspID(): string {
    return this.proposal.creator.mspid;
  }

  getTxTimestamp(): { seconds: number; nanos: number } {
    return this.proposal.timestamp;
  }

  getTransient(): Map<string, Uint8Array> {
    return new Map(
      Object.entries(this.proposal.transient ?? {}).map(([name, value]) => [
        name,
        Buffer.from(value),
      ]),
    );
  }

  getState(key: string): Promise<Uint8Array> {
    return Promise.resolve(this.state.get(key) ?? new Uint8Array());
  }

  putState(key: string, value: Uint8Array): Promise<void> {
    if (key === '' || key.startsWith('\u0000')) {
      return Promise.reject(new Error(`invalid simple key ${JSON.stringify(key)}`));
    }
    return this.write('PUT_STATE', () => {
      this.writes.set(key, value.length === 0 ? { kind: 'delete' } : { kind: 'put', value });
    });
  }

  deleteState(key: string): Promise<void> {
    return this.write('DEL_STATE', () => {
      this.writes.set(key, { kind: 'delete' });
    });
  }

  getStateByRangeWithPagination(
    startKey: string,
    endKey: string,
    pageSize: number,
    bookmark = '',
  ): Promise<{
    iterator: Iterators.StateQueryIterator;
    metadata: { fetchedRecordsCount: number; bookmark: string };
  }> {
    if (startKey.startsWith('\u0000') || endKey.startsWith('\u0000')) {
      return Promise.reject(new Error('range queries over composite keys are not allowed'));
    }
    const keys = this.state.keysInRange(
      bookmark === '' ? startKey : bookmark,
      endKey,
      pageSize + 1,
    );
    const records = keys.slice(0, pageSize).map((key) => ({
      namespace: EMBEDDED_CHAINCODE,
      key,
      value: this.state.get(key) ?? new Uint8Array(),
    }));
    return Promise.resolve({
      iterator: new PageIterator(records),
      metadata: { fetchedRecordsCount: records.length, bookmark: keys[pageSize] ?? '' },
    });
  }

  setEvent(name: string, payload: Uint8Array): void {
    this.event = { name, payload };
  }

  getPrivateData(collection: string, key: string): Promise<Uint8Array> {
    return this.peer('GET_STATE', collection, key, 'read', () =>
      Promise.resolve(this.state.getPrivate(collection, key) ?? new Uint8Array()),
    );
  }

  /** Any creator may read the hash, as Fabric keeps it on every peer of the channel. */
  getPrivateDataHash(collection: string, key: string): Promise<Uint8Array> {
    return this.peer('GET_PRIVATE_DATA_HASH', collection, key, undefined, () => {
      const value = this.state.getPrivate(collection, key);
      return Promise.resolve(
        value === undefined ? new Uint8Array() : hash('sha256', value, 'buffer'),
      );
    });
  }

  putPrivateData(collection: string, key: string, value: Uint8Array): Promise<void> {
    return this.privateWrite(
      'PUT_STATE',
      collection,
      key,
      value.length === 0 ? { kind: 'delete' } : { kind: 'put', value },
    );
  }

  deletePrivateData(collection: string, key: string): Promise<void> {
    return this.privateWrite('DEL_STATE', collection, key, { kind: 'delete' });
  }

  purgePrivateData(collection: string, key: string): Promise<void> {
    return this.privateWrite('PURGE_PRIVATE_DATA', collection, key, { kind: 'purge' });
  }

  /** Resolves to `{ iterator }`, as fabric-shim does (see PrivateQueryResponse). */
  getPrivateDataByRange(
    collection: string,
    startKey: string,
    endKey: string,
  ): Promise<PrivateQueryResponse> & AsyncIterable<Iterators.KV> {
    return iterable(
      this.peer('GET_STATE_BY_RANGE', collection, undefined, 'read', () => {
        if (this.writePerformed) {
          return Promise.reject(
            this.failure(
              'GET_STATE_BY_RANGE',
              `txid [${this.proposal.txId}]: unsuppored transaction. Queries on pvt data is supported only in a read-only transaction`,
            ),
          );
        }
        this.privateQueryPerformed = true;
        // fabric-shim's stand-in for an open start, which keeps composite keys out.
        const from = startKey === '' ? '\u0001' : startKey;
        const records = this.state.privateKeysInRange(collection, from, endKey).map((key) => ({
          namespace: EMBEDDED_CHAINCODE,
          key,
          value: this.state.getPrivate(collection, key) ?? new Uint8Array(),
        }));
        return Promise.resolve({ iterator: new PageIterator(records) });
      }),
    );
  }

  private privateWrite(
    operation: string,
    collection: string,
    key: string,
    write: PrivateWrite,
  ): Promise<void> {
    return this.peer(operation, collection, key, 'write', () =>
      this.write(operation, () => {
        let writes = this.privateWrites.get(collection);
        if (writes === undefined) {
          writes = new Map();
          this.privateWrites.set(collection, writes);
        }
        writes.set(key, write);
      }),
    );
  }

  /** A write, unless the transaction has range-read private data (Fabric then refuses writes). */
  private write(operation: string, record: () => void): Promise<void> {
    if (this.privateQueryPerformed) {
      return Promise.reject(
        this.failure(
          operation,
          `txid [${this.proposal.txId}]: unsuppored transaction. Transaction has already performed queries on pvt data. Writes are not allowed`,
        ),
      );
    }
    this.writePerformed = true;
    record();
    return Promise.resolve();
  }

  /**
   * A private data call as fabric-shim checks its arguments and the peer checks the collection
   * and, for `access`, the creator's organisation's membership; then `answer`.
   */
  private peer<T>(
    operation: string,
    collection: string,
    key: string | undefined,
    access: Access | undefined,
    answer: () => Promise<T>,
  ): Promise<T> {
    if (collection === '') {
      return Promise.reject(new Error('collection must be a valid string'));
    }
    if (key === '') {
      return Promise.reject(new Error('key must be a valid string'));
    }
    const known = this.consortium.collections.some((candidate) => candidate.name === collection);
    if (!known) {
      return Promise.reject(
        this.failure(
          operation,
          // The peer's membership check finds no collection; without one, its ledger does.
          access === undefined
            ? `collection [${collection}] not defined in the collection config for namespace [${EMBEDDED_CHAINCODE}]`
            : `collection ${this.proposal.channel}/${EMBEDDED_CHAINCODE}/${collection} could not be found`,
        ),
      );
    }
    if (access !== undefined && !holdsCollection(this.consortium, collection, this.getMspID())) {
      return Promise.reject(
        this.failure(
          operation,
          `tx creator does not have ${access} access permission on privatedata in chaincodeName:${EMBEDDED_CHAINCODE} collectionName: ${collection}`,
        ),
      );
    }
    return answer();
  }

  /** An error as the peer returns it to fabric-shim, which rejects with its text. */
  private failure(operation: string, message: string): Error {
    return new Error(`${operation} failed: transaction ID: ${this.proposal.txId}: ${message}`);
  }
}
