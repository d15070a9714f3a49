import type { Caller } from '@audit-ledger/chaincode';
import { common } from '@hyperledger/fabric-protos';
import type Database from 'better-sqlite3';
import { EntryDayCounts, type CountedEntry, type DayCount } from '../ledger/entry-day-counts';
import { LedgerError } from '../ledger/ledger';
import { openRebuildableDatabase } from '../sqlite';
import { channelHeaderOf, headerFieldsOf } from './block-contents';
import { entriesRecordedBy } from './block-entries';
import { blockHeaderHash } from './block-header';

/** One committed block as the index keeps it: its header and each transaction's id and code. */
export interface IndexedBlock {
  number: number;
  /** The header's hash, as the next block's `previous_hash` names it. */
  headerHash: Buffer;
  previousHash: Buffer;
  transactions: { txId: string; validationCode: number }[];
  /** The entries its valid transactions recorded, to count per day; none when left out. */
  entries?: CountedEntry[];
}

/** Reads a block's transaction ids and the peer's validation code for each (Fabric's layout). */
export function indexedBlockOf(block: common.Block): IndexedBlock {
  const fields = headerFieldsOf(block);
  const number = Number(fields.number);
  const previousHash = Buffer.from(fields.previousHash);
  const headerHash = blockHeaderHash(fields);
  const flags =
    block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.TRANSACTIONS_FILTER] ??
    new Uint8Array();
  const envelopes = block.getData()?.getDataList_asU8() ?? [];
  const transactions = envelopes.map((bytes, index) => ({
    txId: channelHeaderOf(bytes).getTxId(),
    validationCode: flags[index] ?? 255,
  }));
  return {
    number,
    headerHash,
    previousHash,
    transactions: transactions.filter(({ txId }) => txId !== ''),
    entries: envelopes.flatMap((bytes, index) => entriesRecordedBy(bytes, flags[index] ?? 255)),
  };
}

/**
 * Which block holds each transaction, kept in SQLite under the gateway's data folder and fed
 * from the channel's block events: entries carry their transaction id, and a reader is told the
 * block too, as on the embedded ledger. Each block's header hash is kept, and a block whose
 * `previous_hash` does not name the header before it is refused: the chain a peer serves is
 * checked as it is followed. Entries per day are counted in the same SQLite transaction as their
 * block is indexed; an index made before they were counted is counted as its blocks are followed
 * again from block 0 (see nextBlock).
 */
export class BlockIndex {
  private readonly db: Database.Database;
  private readonly lookup: Database.Statement<[string], { block: number }>;
  private readonly insertTransaction: Database.Statement<[string, number, number]>;
  private readonly insertHeader: Database.Statement<[number, Buffer]>;
  private readonly headerQuery: Database.Statement<[number], { header_hash: Buffer }>;
  private readonly heightQuery: Database.Statement<[], { height: number | null }>;
  private readonly headersQuery: Database.Statement<[], { header_hash: Buffer }>;
  private readonly counts: EntryDayCounts;

  constructor(file: string) {
    // Every block is on the peers: blocks lost in a machine crash are followed again.
    this.db = openRebuildableDatabase(file);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS headers (number INTEGER PRIMARY KEY, header_hash BLOB NOT NULL);
      CREATE TABLE IF NOT EXISTS transactions (
        tx_id TEXT PRIMARY KEY,
        block INTEGER NOT NULL,
        validation_code INTEGER NOT NULL
      );
    `);
    this.lookup = this.db.prepare('SELECT block FROM transactions WHERE tx_id = ?');
    // A transaction id can appear again in a later block, as an invalid duplicate: keep the first.
    this.insertTransaction = this.db.prepare(
      'INSERT OR IGNORE INTO transactions (tx_id, block, validation_code) VALUES (?, ?, ?)',
    );
    this.insertHeader = this.db.prepare(
      'INSERT OR IGNORE INTO headers (number, header_hash) VALUES (?, ?)',
    );
    this.headerQuery = this.db.prepare('SELECT header_hash FROM headers WHERE number = ?');
    this.heightQuery = this.db.prepare('SELECT MAX(number) + 1 AS height FROM headers');
    this.headersQuery = this.db.prepare('SELECT header_hash FROM headers ORDER BY number');
    this.counts = new EntryDayCounts(this.db);
  }

  /** How many blocks, from block 0, are indexed. */
  height(): number {
    return this.heightQuery.get()?.height ?? 0;
  }

  /** The block to follow from: the first one not indexed, or not counted, yet. */
  nextBlock(): number {
    return Math.min(this.height(), this.counts.countedHeight());
  }

  /** How many blocks, from block 0, have their entries counted. */
  countedHeight(): number {
    return this.counts.countedHeight();
  }

  /**
   * Adds the next block; refuses one that does not extend the chain indexed so far. An indexed
   * block whose entries are not counted yet is counted, if it is the very block indexed.
   */
  add(block: IndexedBlock): void {
    const height = this.height();
    if (block.number < height) {
      this.countIndexed(block);
      return;
    }
    const previous = height === 0 ? undefined : this.headerQuery.get(height - 1)?.header_hash;
    if (
      block.number !== height ||
      (previous !== undefined && !previous.equals(block.previousHash))
    ) {
      throw new LedgerError(
        'LEDGER_INTEGRITY',
        `block ${block.number} does not extend the ${height} blocks indexed so far`,
      );
    }
    this.db.transaction(() => {
      for (const { txId, validationCode } of block.transactions) {
        this.insertTransaction.run(txId, block.number, validationCode);
      }
      this.insertHeader.run(block.number, block.headerHash);
      this.counts.addBlock(block.number, () => block.entries ?? []);
    })();
  }

  /**
   * What `reader` may read of `chaincode`'s entries on the district days `from` to `to`, by
   * day and kind, as far as blocks are counted.
   */
  entriesPerDay(reader: Caller, chaincode: string, days: { from: string; to: string }): DayCount[] {
    return this.counts.visibleTo(reader, chaincode, days).counts;
  }

  private countIndexed(block: IndexedBlock): void {
    const indexed = this.headerQuery.get(block.number)?.header_hash;
    if (block.number !== this.counts.countedHeight() || !indexed?.equals(block.headerHash)) {
      throw new LedgerError(
        'LEDGER_INTEGRITY',
        `block ${block.number} is not the block indexed under its number, next to be counted`,
      );
    }
    this.db.transaction(() => this.counts.addBlock(block.number, () => block.entries ?? []))();
  }

  /** Every indexed block's header hash, in block order: the leaves of a checkpoint tree. */
  headerHashes(): Buffer[] {
    return this.headersQuery.all().map((row) => row.header_hash);
  }

  blockOf(txId: string): number | undefined {
    return this.lookup.get(txId)?.block;
  }

  close(): void {
    this.db.close();
  }
}
