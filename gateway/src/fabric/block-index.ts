import { common } from '@hyperledger/fabric-protos';
import type Database from 'better-sqlite3';
import { LedgerError } from '../ledger/ledger';
import { openRebuildableDatabase } from '../sqlite';
import { channelHeaderOf, headerFieldsOf } from './block-contents';
import { blockHeaderHash } from './block-header';

/** One committed block as the index keeps it: its header and each transaction's id and code. */
export interface IndexedBlock {
  number: number;
  /** The header's hash, as the next block's `previous_hash` names it. */
  headerHash: Buffer;
  previousHash: Buffer;
  transactions: { txId: string; validationCode: number }[];
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
  const transactions = block
    .getData()
    ?.getDataList_asU8()
    .map((bytes, index) => ({
      txId: channelHeaderOf(bytes).getTxId(),
      validationCode: flags[index] ?? 255,
    }));
  return {
    number,
    headerHash,
    previousHash,
    transactions: (transactions ?? []).filter(({ txId }) => txId !== ''),
  };
}

/**
 * Which block holds each transaction, kept in SQLite under the gateway's data folder and fed
 * from the channel's block events: entries carry their transaction id, and a reader is told the
 * block too, as on the embedded ledger. Each block's header hash is kept, and a block whose
 * `previous_hash` does not name the header before it is refused: the chain a peer serves is
 * checked as it is followed.
 */
export class BlockIndex {
  private readonly db: Database.Database;
  private readonly lookup: Database.Statement<[string], { block: number }>;
  private readonly insertTransaction: Database.Statement<[string, number, number]>;
  private readonly insertHeader: Database.Statement<[number, Buffer]>;
  private readonly headerQuery: Database.Statement<[number], { header_hash: Buffer }>;
  private readonly heightQuery: Database.Statement<[], { height: number | null }>;
  private readonly headersQuery: Database.Statement<[], { header_hash: Buffer }>;

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
  }

  /** How many blocks, from block 0, are indexed. */
  height(): number {
    return this.heightQuery.get()?.height ?? 0;
  }

  /** Adds the next block; refuses one that does not extend the chain indexed so far. */
  add(block: IndexedBlock): void {
    const height = this.height();
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
    })();
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
