import type { StateReader } from '../../gateway/src/embedded/transaction-stub.js';

/** World state in memory, ordered like Fabric's: by the keys' UTF-8 bytes. */
export class MemoryWorldState implements StateReader {
  private readonly values = new Map<string, Uint8Array>();

  get(key: string): Uint8Array | undefined {
    return this.values.get(key);
  }

  keysInRange(startKey: string, endKey: string, limit: number): string[] {
    const start = Buffer.from(startKey);
    const end = Buffer.from(endKey);
    return [...this.values.keys()]
      .map((key) => ({ key, bytes: Buffer.from(key) }))
      .filter(({ bytes }) => Buffer.compare(bytes, start) >= 0 && Buffer.compare(bytes, end) < 0)
      .sort((a, b) => Buffer.compare(a.bytes, b.bytes))
      .slice(0, limit)
      .map(({ key }) => key);
  }

  apply(writes: ReadonlyMap<string, Uint8Array>): void {
    for (const [key, value] of writes) {
      this.values.set(key, value);
    }
  }

  keys(): string[] {
    return [...this.values.keys()];
  }
}
