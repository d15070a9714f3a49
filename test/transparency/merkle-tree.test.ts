import { describe, expect, test } from 'vitest';
import {
  consistencyProof,
  inclusionProof,
  leafHash,
  rootHash,
  verifyConsistency,
  verifyInclusion,
} from '../../verifier/src/transparency/merkle-tree.js';

// The RFC 6962 reference tree (eight leaves) and its published roots for sizes 0 to 8.
const LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map((hex) => leafHash(Buffer.from(hex, 'hex')));
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const hex = (buffers: Buffer[]) => buffers.map((buffer) => buffer.toString('hex'));
const many = Array.from({ length: 40 }, (_, index) => leafHash(Buffer.from([index, index * 3])));

describe('RFC 9162 Merkle trees', () => {
  test('roots match the reference tree at every size', () => {
    ROOTS.forEach((root, size) => {
      expect(rootHash(LEAVES, size).toString('hex')).toBe(root);
    });
  });

  test('audit paths match the reference proofs', () => {
    expect(hex(inclusionProof(LEAVES, 0, 8))).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    expect(hex(inclusionProof(LEAVES, 5, 8))).toEqual([
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
  });

  test('consistency proofs match the reference proofs', () => {
    expect(hex(consistencyProof(LEAVES, 1, 8))).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    expect(hex(consistencyProof(LEAVES, 6, 8))).toEqual([
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
    expect(hex(consistencyProof(LEAVES, 2, 5))).toEqual([
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ]);
  });

  test('every leaf of every tree size up to 40 proves its inclusion, and no other position does', () => {
    for (let size = 1; size <= many.length; size += 1) {
      const root = rootHash(many, size);
      for (let index = 0; index < size; index += 1) {
        const leaf = many[index] ?? Buffer.alloc(0);
        const proof = inclusionProof(many, index, size);
        expect(verifyInclusion(leaf, index, size, proof, root)).toBe(true);
        expect(verifyInclusion(leaf, (index + 1) % size, size, proof, root) && size > 1).toBe(
          false,
        );
        if (size < many.length) {
          // The root binds the proof: the same path does not fit the next tree's root.
          expect(verifyInclusion(leaf, index, size + 1, proof, rootHash(many, size + 1))).toBe(
            false,
          );
        }
      }
    }
  });

  test('every pair of sizes up to 40 proves consistency; a changed leaf or root does not', () => {
    const rewritten = [...many];
    rewritten[3] = leafHash(Buffer.from('rewritten'));
    for (let newSize = 1; newSize <= many.length; newSize += 1) {
      for (let oldSize = 0; oldSize <= newSize; oldSize += 1) {
        const proof = consistencyProof(many, oldSize, newSize);
        const oldRoot = rootHash(many, oldSize);
        const newRoot = rootHash(many, newSize);
        expect(verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof)).toBe(true);
        if (oldSize > 3) {
          // History rewritten below the old size: the old root no longer fits the new tree.
          const forgedRoot = rootHash(rewritten, newSize);
          const forgedProof = consistencyProof(rewritten, oldSize, newSize);
          expect(verifyConsistency(oldSize, newSize, oldRoot, forgedRoot, forgedProof)).toBe(false);
        }
      }
    }
  });

  test('a tampered proof element fails both verifications', () => {
    const proof = inclusionProof(many, 7, 21);
    const tampered = proof.map((node, index) => (index === 1 ? Buffer.from(node).fill(0) : node));
    expect(verifyInclusion(many[7] ?? Buffer.alloc(0), 7, 21, tampered, rootHash(many, 21))).toBe(
      false,
    );

    const consistency = consistencyProof(many, 13, 21);
    const bad = consistency.map((node, index) => (index === 0 ? Buffer.from(node).fill(1) : node));
    expect(verifyConsistency(13, 21, rootHash(many, 13), rootHash(many, 21), bad)).toBe(false);
  });

  test('impossible sizes are refused, not trusted', () => {
    expect(() => inclusionProof(many, 5, 5)).toThrow(RangeError);
    expect(() => consistencyProof(many, 6, 5)).toThrow(RangeError);
    expect(verifyConsistency(6, 5, rootHash(many, 6), rootHash(many, 5), [])).toBe(false);
    expect(verifyInclusion(many[0] ?? Buffer.alloc(0), 0, 0, [], rootHash(many, 0))).toBe(false);
  });
});
