import type { ChaincodeStub, Iterators, SerializedIdentity } from 'fabric-shim-api';

/** Committed world state as a transaction simulation reads it. */
export interface StateReader {
  get(key: string): Uint8Array | undefined;
  /** Keys in `[startKey, endKey)` in UTF-8 byte order, at most `limit` of them. */
  keysInRange(startKey: string, endKey: string, limit: number): string[];
}

export interface Proposal {
  channel: string;
  fcn: string;
  args: string[];
  txId: string;
  timestamp: { seconds: number; nanos: number };
  creator: SerializedIdentity;
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
 * The part of Fabric's ChaincodeStub the audit contract and fabric-contract-api's dispatcher use,
 * simulating one transaction over committed state. It keeps the Fabric semantics the contract
 * relies on: reads see committed state only (never the transaction's own writes), keys order by
 * their UTF-8 bytes, range pages hand back the next key as the bookmark, and a transaction sets
 * at most one event (a second replaces the first).
 */
export class TransactionStub {
  readonly writes = new Map<string, Uint8Array>();
  event: ChaincodeEvent | undefined;

  constructor(
    private readonly state: StateReader,
    private readonly proposal: Proposal,
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

  getState(key: string): Promise<Uint8Array> {
    return Promise.resolve(this.state.get(key) ?? new Uint8Array());
  }

  putState(key: string, value: Uint8Array): Promise<void> {
    if (key === '' || key.startsWith('\u0000')) {
      return Promise.reject(new Error(`invalid simple key ${JSON.stringify(key)}`));
    }
    this.writes.set(key, value);
    return Promise.resolve();
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
      namespace: 'audit',
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
}
