import { createHash, hash } from 'node:crypto';
import type { HashList } from './packed-hashes';

/**
 * RFC 9162 (Certificate Transparency 2.0) Merkle trees: leaf hash SHA-256(0x00 ‖ leaf), interior
 * hash SHA-256(0x01 ‖ left ‖ right), audit paths and consistency proofs, and their verification.
 * The leaves are already hashed here (`leafHashes`), so callers hash their data once.
 */

const LEAF_PREFIX = Buffer.from([0]);
const NODE_PREFIX = Buffer.from([1]);

// The one-shot crypto.hash: a tree over a long-lived ledger's blocks takes millions of these.
export function leafHash(leaf: Uint8Array): Buffer {
  return hash('sha256', Buffer.concat([LEAF_PREFIX, leaf]), 'buffer');
}

function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return hash('sha256', Buffer.concat([NODE_PREFIX, left, right]), 'buffer');
}

/** Largest power of two smaller than n (n ≥ 2). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) {
    k *= 2;
  }
  return k;
}

function mth(leaves: HashList, start: number, end: number): Buffer {
  const n = end - start;
  if (n === 0) {
    return createHash('sha256').digest();
  }
  if (n === 1) {
    return leaves.at(start) ?? Buffer.alloc(0);
  }
  const k = split(n);
  return nodeHash(mth(leaves, start, start + k), mth(leaves, start + k, end));
}

/** MTH of the first `size` leaf hashes (all of them by default). */
export function rootHash(leafHashes: HashList, size = leafHashes.length): Buffer {
  return mth(leafHashes, 0, size);
}

/** PATH(m, D[n]): the audit path of leaf `index` in the tree of the first `size` leaves. */
export function inclusionProof(leafHashes: HashList, index: number, size: number): Buffer[] {
  if (!(index >= 0 && index < size && size <= leafHashes.length)) {
    throw new RangeError(`no leaf ${index} in a tree of ${size}`);
  }
  const path = (m: number, start: number, end: number): Buffer[] => {
    const n = end - start;
    if (n === 1) {
      return [];
    }
    const k = split(n);
    return m < k
      ? [...path(m, start, start + k), mth(leafHashes, start + k, end)]
      : [...path(m - k, start + k, end), mth(leafHashes, start, start + k)];
  };
  return path(index, 0, size);
}

/** PROOF(m, D[n]): that the tree of `oldSize` leaves is a prefix of the one of `newSize`. */
export function consistencyProof(leafHashes: HashList, oldSize: number, newSize: number): Buffer[] {
  if (!(oldSize >= 0 && oldSize <= newSize && newSize <= leafHashes.length)) {
    throw new RangeError(`no consistency proof from ${oldSize} to ${newSize}`);
  }
  if (oldSize === 0 || oldSize === newSize) {
    return [];
  }
  const subproof = (m: number, start: number, end: number, complete: boolean): Buffer[] => {
    const n = end - start;
    if (m === n) {
      return complete ? [] : [mth(leafHashes, start, end)];
    }
    const k = split(n);
    return m <= k
      ? [...subproof(m, start, start + k, complete), mth(leafHashes, start + k, end)]
      : [...subproof(m - k, start + k, end, false), mth(leafHashes, start, start + k)];
  };
  return subproof(oldSize, 0, newSize, true);
}

const isOdd = (value: number) => value % 2 === 1;
const half = (value: number) => Math.floor(value / 2);

/** RFC 9162 §2.1.3.2: does `proof` place `leaf` (a leaf hash) at `index` under `root`? */
export function verifyInclusion(
  leaf: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!(Number.isSafeInteger(index) && Number.isSafeInteger(size) && index >= 0 && index < size)) {
    return false;
  }
  let fn = index;
  let sn = size - 1;
  let hash: Uint8Array = leaf;
  for (const sibling of proof) {
    if (sn === 0) {
      return false;
    }
    if (isOdd(fn) || fn === sn) {
      hash = nodeHash(sibling, hash);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      hash = nodeHash(hash, sibling);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && Buffer.from(hash).equals(root);
}

/** RFC 9162 §2.1.4.2: is the tree with `oldRoot` a prefix of the tree with `newRoot`? */
export function verifyConsistency(
  oldSize: number,
  newSize: number,
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  if (!(Number.isSafeInteger(oldSize) && Number.isSafeInteger(newSize))) {
    return false;
  }
  if (oldSize < 0 || oldSize > newSize) {
    return false;
  }
  if (oldSize === 0) {
    return proof.length === 0;
  }
  if (oldSize === newSize) {
    return proof.length === 0 && Buffer.from(oldRoot).equals(newRoot);
  }
  const path = (oldSize & (oldSize - 1)) === 0 ? [oldRoot, ...proof] : [...proof];
  const [first, ...rest] = path;
  if (first === undefined) {
    return false;
  }
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let oldHash: Uint8Array = first;
  let newHash: Uint8Array = first;
  for (const node of rest) {
    if (sn === 0) {
      return false;
    }
    if (isOdd(fn) || fn === sn) {
      oldHash = nodeHash(node, oldHash);
      newHash = nodeHash(node, newHash);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      newHash = nodeHash(newHash, node);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && Buffer.from(oldHash).equals(oldRoot) && Buffer.from(newHash).equals(newRoot);
}
