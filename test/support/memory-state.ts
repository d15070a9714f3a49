import type { StateReader } from '../../gateway/src/embedded/transaction-stub.js';
import type { PrivateWrites, StateWrite } from '../../gateway/src/embedded/write-set.js';

interface OrderedKey {
  key: string;
  bytes: Buffer;
}

/** World state in memory, public and private, ordered like Fabric's: by the keys' UTF-8 bytes. */
export class MemoryWorldState implements StateReader {
  private readonly values = new Map<string, Uint8Array>();
  /** Collection, then key. */
  private readonly privateValues = new Map<string, Map<string, Uint8Array>>();
  /** The keys in ledger order; sorted again at the first range read after a write. */
  private ordered: OrderedKey[] | undefined;

  get(key: string): Uint8Array | undefined {
    return this.values.get(key);
  }

  keysInRange(startKey: string, endKey: string, limit: number): string[] {
    const ordered = (this.ordered ??= [...this.values.keys()]
      .map((key) => ({ key, bytes: Buffer.from(key) }))
      .sort((a, b) => Buffer.compare(a.bytes, b.bytes)));
    const end = Buffer.from(endKey);
    const keys: string[] = [];
    for (
      let position = firstAtOrAfter(ordered, Buffer.from(startKey));
      position < ordered.length && keys.length < limit;
      position += 1
    ) {
      const candidate = ordered[position];
      if (candidate === undefined || Buffer.compare(candidate.bytes, end) >= 0) {
        break;
      }
      keys.push(candidate.key);
    }
    return keys;
  }

  getPrivate(collection: string, key: string): Uint8Array | undefined {
    return this.privateValues.get(collection)?.get(key);
  }

  privateKeysInRange(collection: string, startKey: string, endKey: string): string[] {
    const start = Buffer.from(startKey);
    const end = Buffer.from(endKey);
    return [...(this.privateValues.get(collection)?.keys() ?? [])]
      .map((key) => ({ key, bytes: Buffer.from(key) }))
      .filter(
        ({ bytes }) =>
          Buffer.compare(bytes, start) >= 0 && (endKey === '' || Buffer.compare(bytes, end) < 0),
      )
      .sort((a, b) => Buffer.compare(a.bytes, b.bytes))
      .map(({ key }) => key);
  }

  apply(writes: ReadonlyMap<string, StateWrite>, privateWrites: PrivateWrites): void {
    for (const [key, write] of writes) {
      if (write.kind === 'put') {
        this.values.set(key, write.value);
      } else {
        this.values.delete(key);
      }
    }
    for (const [collection, collectionWrites] of privateWrites) {
      let values = this.privateValues.get(collection);
      if (values === undefined) {
        values = new Map();
        this.privateValues.set(collection, values);
      }
      for (const [key, write] of collectionWrites) {
        if (write.kind === 'put') {
          values.set(key, write.value);
        } else {
          values.delete(key);
        }
      }
    }
    this.ordered = undefined;
  }

  keys(): string[] {
    return [...this.values.keys()];
  }
}

/** The position of the first key not before `start`, by binary search. */
function firstAtOrAfter(ordered: readonly OrderedKey[], start: Buffer): number {
  let low = 0;
  let high = ordered.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const candidate = ordered[middle];
    if (candidate !== undefined && Buffer.compare(candidate.bytes, start) < 0) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return low;
}
