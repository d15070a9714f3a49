import type { ChaincodeStub, Iterators, SerializedIdentity } from 'fabric-shim-api';

/**
 * The part of Fabric's ChaincodeStub the audit contract and fabric-contract-api's dispatcher use,
 * over an in-memory world state. It keeps Fabric's semantics that matter to the contract: reads
 * see committed state only (never the transaction's own writes), keys order by their UTF-8 bytes,
 * and paginated range queries hand back the next key as the bookmark.
 */

export class MemoryWorldState {
  private readonly values = new Map<string, Uint8Array>();

  get(key: string): Uint8Array | undefined {
    return this.values.get(key);
  }

  apply(writes: ReadonlyMap<string, Uint8Array>): void {
    for (const [key, value] of writes) {
      this.values.set(key, value);
    }
  }

  /** Replaces a stored value behind the contract's back, as a tamperer would. */
  overwrite(key: string, value: Uint8Array): void {
    this.values.set(key, value);
  }

  keys(): string[] {
    return [...this.values.keys()];
  }

  sortedKeysIn(startKey: string, endKey: string): string[] {
    const start = Buffer.from(startKey);
    const end = Buffer.from(endKey);
    return [...this.values.keys()]
      .map((key) => ({ key, bytes: Buffer.from(key) }))
      .filter(({ bytes }) => Buffer.compare(bytes, start) >= 0 && Buffer.compare(bytes, end) < 0)
      .sort((a, b) => Buffer.compare(a.bytes, b.bytes))
      .map(({ key }) => key);
  }
}

export interface ProposalInput {
  fcn: string;
  args: string[];
  txId: string;
  timestamp: { seconds: number; nanos: number };
  creator: SerializedIdentity;
}

class ArrayIterator implements Iterators.StateQueryIterator {
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

export class MemoryStub {
  readonly writes = new Map<string, Uint8Array>();
  event: { name: string; payload: Uint8Array } | undefined;

  constructor(
    private readonly state: MemoryWorldState,
    private readonly proposal: ProposalInput,
  ) {}

  asChaincodeStub(): ChaincodeStub {
    return this as unknown as ChaincodeStub;
  }

  getBufferArgs(): Buffer[] {
    return [this.proposal.fcn, ...this.proposal.args].map((arg) => Buffer.from(arg));
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
    return 'audit';
  }

  getCreator(): SerializedIdentity {
    return this.proposal.creator;
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
    const keys = this.state.sortedKeysIn(bookmark === '' ? startKey : bookmark, endKey);
    const page = keys.slice(0, pageSize);
    const records = page.map((key) => ({
      namespace: 'audit',
      key,
      value: this.state.get(key) ?? new Uint8Array(),
    }));
    return Promise.resolve({
      iterator: new ArrayIterator(records),
      metadata: { fetchedRecordsCount: records.length, bookmark: keys[pageSize] ?? '' },
    });
  }

  setEvent(name: string, payload: Uint8Array): void {
    this.event = { name, payload };
  }
}
