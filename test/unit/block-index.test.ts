/**
 * The block index keeps, for each Fabric block, the SHA-256 of every envelope and the peer's
 * validation codes, having checked them against the header's data hash: what a witness signs
 * so that a proof bundle can leave other organisations' transactions out. An index made before
 * it kept them gets them by reading its blocks again.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { common, peer } from '@hyperledger/fabric-protos';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { BlockIndex, indexedBlockOf } from '../../gateway/src/fabric/block-index.js';
import { LedgerError } from '../../gateway/src/ledger/ledger.js';
import { envelope, fabricBlock, headerHashOf, sha256 } from '../support/fabric-blocks.js';

const config = envelope(common.HeaderType.CONFIG, '');
const first = envelope(common.HeaderType.ENDORSER_TRANSACTION, 'tx-first');
const second = envelope(common.HeaderType.ENDORSER_TRANSACTION, 'tx-second');
const { VALID, MVCC_READ_CONFLICT } = peer.TxValidationCode;

const genesis = fabricBlock(0, new Uint8Array(), [config], [VALID]);
const next = fabricBlock(1, headerHashOf(genesis), [first, second], [VALID, MVCC_READ_CONFLICT]);

let folder: string;

function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'block-index-'));
});

afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('a Fabric block read for the index', () => {
  test("hashes every envelope, config transactions included, with the peer's codes", () => {
    expect(indexedBlockOf(genesis).envelopes).toEqual({
      hashes: [sha256(config)],
      validationCodes: [VALID],
    });
    expect(indexedBlockOf(next).envelopes).toEqual({
      hashes: [sha256(first), sha256(second)],
      validationCodes: [VALID, MVCC_READ_CONFLICT],
    });
  });

  test('for an index that keeps blocks only, is not read past its transactions’ headers', () => {
    // A transaction whose body ends inside its first field: nothing that reads it could.
    const unreadable = envelope(
      common.HeaderType.ENDORSER_TRANSACTION,
      'tx-unreadable',
      Uint8Array.from([0x0a, 0x05, 0x01]),
    );
    const block = fabricBlock(1, headerHashOf(genesis), [unreadable], [VALID]);
    const index = new BlockIndex(join(folder, 'blocks.sqlite'));
    try {
      index.add(indexedBlockOf(genesis));
      index.add(indexedBlockOf(block));
      expect(index.blockOf('tx-unreadable')).toBe(1);
      expect(index.blockTransactions(1)?.envelopeHashes).toEqual([sha256(unreadable)]);
      expect(index.readHeight()).toBe(2);
    } finally {
      index.close();
    }
  });

  test('is refused when its envelopes do not hash to its data hash', () => {
    const swapped = fabricBlock(1, headerHashOf(genesis), [first, second], [VALID, VALID]);
    swapped.getData()?.setDataList([second, first]);
    const dropped = fabricBlock(1, headerHashOf(genesis), [first, second], [VALID, VALID]);
    dropped.getData()?.setDataList([first]);
    for (const block of [swapped, dropped]) {
      const read = () => indexedBlockOf(block);
      expect(read).toThrow(/block 1's transactions do not hash to its header's data hash/);
      expect(thrownBy(read)).toMatchObject({ code: 'LEDGER_INTEGRITY' });
    }
  });
});

describe('the block index', () => {
  test('answers the envelope hashes and codes it stored, and nothing for a block it lacks', () => {
    const index = new BlockIndex(join(folder, 'blocks.sqlite'));
    try {
      index.add(indexedBlockOf(genesis));
      index.add(indexedBlockOf(next));
      expect(index.blockTransactions(1)).toEqual({
        headerHash: headerHashOf(next),
        envelopeHashes: [sha256(first), sha256(second)],
        validationCodes: [VALID, MVCC_READ_CONFLICT],
      });
      expect(index.blockTransactions(0)?.envelopeHashes).toEqual([sha256(config)]);
      expect(index.blockTransactions(2)).toBeUndefined();
      expect(index.nextBlock()).toBe(2);
    } finally {
      index.close();
    }
  });

  test('made before envelopes were kept, reads its blocks again to fill them in', () => {
    const file = join(folder, 'blocks.sqlite');
    // The layout an earlier version wrote, its two blocks indexed and counted.
    const old = new Database(file);
    old.exec(`
      CREATE TABLE headers (number INTEGER PRIMARY KEY, header_hash BLOB NOT NULL);
      CREATE TABLE transactions (
        tx_id TEXT PRIMARY KEY,
        block INTEGER NOT NULL,
        validation_code INTEGER NOT NULL
      );
      CREATE TABLE entries_per_day_progress (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 0),
        counted_height INTEGER NOT NULL
      );
      INSERT INTO entries_per_day_progress (singleton, counted_height) VALUES (0, 2);
    `);
    const insert = old.prepare('INSERT INTO headers (number, header_hash) VALUES (?, ?)');
    insert.run(0, headerHashOf(genesis));
    insert.run(1, headerHashOf(next));
    old.close();

    const index = new BlockIndex(file);
    try {
      expect(index.height()).toBe(2);
      expect(index.nextBlock()).toBe(0);
      expect(index.blockTransactions(0)).toBeUndefined();

      // Another block under the number is refused, and fills nothing in.
      const other = fabricBlock(0, new Uint8Array(), [first], [VALID]);
      expect(() => {
        index.add(indexedBlockOf(other));
      }).toThrow(LedgerError);
      expect(index.nextBlock()).toBe(0);

      index.add(indexedBlockOf(genesis));
      expect(index.blockTransactions(0)?.envelopeHashes).toEqual([sha256(config)]);
      expect(index.nextBlock()).toBe(1);
      index.add(indexedBlockOf(next));
      expect(index.blockTransactions(1)?.validationCodes).toEqual([VALID, MVCC_READ_CONFLICT]);
      expect(index.nextBlock()).toBe(2);
      expect(index.readHeight()).toBe(2);
    } finally {
      index.close();
    }
    // Opened again, the filled index needs no more reading.
    const reopened = new BlockIndex(file);
    try {
      expect(reopened.nextBlock()).toBe(2);
      expect(reopened.blockTransactions(1)?.headerHash).toEqual(headerHashOf(next));
    } finally {
      reopened.close();
    }
  });
});
