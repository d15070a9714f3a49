/** A list of SHA-256 hashes, as Merkle tree code reads it: by position. Arrays are one. */
export interface HashList {
  readonly length: number;
  at(index: number): Buffer | undefined;
}

const HASH_BYTES = 32;

/**
 * SHA-256 hashes packed in one growing buffer: 32 bytes each, where an array of Buffers costs
 * several times that in objects. A tree over every block of a long-lived ledger (millions of
 * leaves) then fits a bounded heap.
 */
export class PackedHashes implements HashList {
  private bytes = Buffer.alloc(HASH_BYTES * 1024);
  length = 0;

  /** Appends a hash given as bytes or as 64 hex characters. */
  push(hash: Uint8Array | string): void {
    if (this.bytes.length < (this.length + 1) * HASH_BYTES) {
      const grown = Buffer.alloc(this.bytes.length * 2);
      this.bytes.copy(grown);
      this.bytes = grown;
    }
    const offset = this.length * HASH_BYTES;
    const written =
      typeof hash === 'string'
        ? hash.length === 2 * HASH_BYTES
          ? this.bytes.write(hash, offset, HASH_BYTES, 'hex')
          : hash.length / 2
        : Buffer.from(hash.buffer, hash.byteOffset, hash.byteLength).copy(this.bytes, offset);
    if (written !== HASH_BYTES) {
      throw new RangeError(`a SHA-256 hash is ${HASH_BYTES} bytes, not ${written}`);
    }
    this.length += 1;
  }

  /** The hash at `index`, as a view: later pushes never change it. */
  at(index: number): Buffer | undefined {
    if (!(Number.isInteger(index) && index >= 0 && index < this.length)) {
      return undefined;
    }
    return this.bytes.subarray(index * HASH_BYTES, (index + 1) * HASH_BYTES);
  }
}
