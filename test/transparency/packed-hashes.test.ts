import { createHash } from 'node:crypto';
import { expect, test } from 'vitest';
import {
  consistencyProof,
  inclusionProof,
  rootHash,
} from '../../verifier/src/transparency/merkle-tree.js';
import { PackedHashes } from '../../verifier/src/transparency/packed-hashes.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest();

test('holds hashes pushed as bytes or hex, by position, across growth', () => {
  const hashes = Array.from({ length: 3000 }, (_unused, index) => sha256(`block ${index}`));
  const packed = new PackedHashes();
  hashes.forEach((hash, index) => {
    packed.push(index % 2 === 0 ? hash : hash.toString('hex'));
  });
  const early = packed.at(5);

  expect(packed.length).toBe(3000);
  expect(hashes.every((hash, index) => packed.at(index)?.equals(hash))).toBe(true);
  expect(early?.equals(hashes[5] ?? Buffer.alloc(0))).toBe(true);
  expect([packed.at(-1), packed.at(3000), packed.at(1.5)]).toEqual([
    undefined,
    undefined,
    undefined,
  ]);
});

test('refuses anything that is not a 32-byte hash', () => {
  const packed = new PackedHashes();
  expect(() => {
    packed.push(Buffer.alloc(31));
  }).toThrow(RangeError);
  expect(() => {
    packed.push('abcd');
  }).toThrow(RangeError);
  expect(() => {
    packed.push('ab'.repeat(33));
  }).toThrow(RangeError);
  expect(() => {
    packed.push(`${'ab'.repeat(31)}zz`);
  }).toThrow(RangeError);
  expect(packed.length).toBe(0);
});

test('gives the same roots and proofs as an array of the same hashes', () => {
  const hashes = Array.from({ length: 37 }, (_unused, index) => sha256(`leaf ${index}`));
  const packed = new PackedHashes();
  hashes.forEach((hash) => {
    packed.push(hash);
  });

  expect(rootHash(packed).equals(rootHash(hashes))).toBe(true);
  expect(inclusionProof(packed, 11, 30)).toEqual(inclusionProof(hashes, 11, 30));
  expect(consistencyProof(packed, 13, 37)).toEqual(consistencyProof(hashes, 13, 37));
});
