import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { blockHeaderBytes, blockHeaderHash } from '../../verifier/src/fabric/block-header.js';
import { BlockIndex, type IndexedBlock } from '../../gateway/src/fabric/block-index.js';
import { LedgerError } from '../../gateway/src/ledger/ledger.js';

const hex = (text: string) => Buffer.from(text, 'hex');

describe('Fabric block header hashes', () => {
  test("match the next block's previous_hash on a real channel (audit, blocks 0 and 1)", () => {
    // Block 0's header as a Fabric 3.1.5 orderer wrote it, and block 1's previous_hash.
    const genesis = {
      number: 0n,
      previousHash: new Uint8Array(),
      dataHash: hex('65452eddc4bfd5c00031910b23e8afedf40188704a459bb46eabf9b3bf13e1e5'),
    };
    expect(blockHeaderHash(genesis).toString('hex')).toBe(
      'd07af107598279a62409400bc2bf76036432879a1303d759b870f22a7f126335',
    );
  });

  test.each([
    [0n, '020100'],
    [127n, '02017f'],
    [128n, '02020080'],
    [256n, '02020100'],
    [65535n, '020300ffff'],
  ])('encode block number %s as a minimal DER INTEGER', (number, integer) => {
    const bytes = blockHeaderBytes({
      number,
      previousHash: new Uint8Array(32),
      dataHash: new Uint8Array(32),
    });
    const content = `${integer}0420${'00'.repeat(32)}0420${'00'.repeat(32)}`;
    expect(bytes.toString('hex')).toBe(`30${(content.length / 2).toString(16)}${content}`);
  });
});

describe('the block index', () => {
  function block(number: number, previousHash: Buffer): IndexedBlock {
    const dataHash = Buffer.alloc(32, number);
    return {
      number,
      previousHash,
      headerHash: blockHeaderHash({ number: BigInt(number), previousHash, dataHash }),
      transactions: [{ txId: `tx-${number}`, validationCode: 0 }],
    };
  }

  test('keeps a chain of blocks and refuses one that does not extend it', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'block-index-'));
    const index = new BlockIndex(join(folder, 'blocks.sqlite'));
    try {
      const first = block(0, Buffer.alloc(0));
      const second = block(1, first.headerHash);
      index.add(first);
      index.add(second);
      expect(index.height()).toBe(2);
      expect(index.blockOf('tx-1')).toBe(1);
      expect(index.headerHashes()).toEqual([first.headerHash, second.headerHash]);

      for (const bad of [block(2, first.headerHash), block(3, second.headerHash)]) {
        expect(() => {
          index.add(bad);
        }).toThrow(LedgerError);
      }
      expect(index.height()).toBe(2);
      expect(index.blockOf('tx-2')).toBeUndefined();
    } finally {
      index.close();
      await rm(folder, { recursive: true, force: true });
    }
  });
});
