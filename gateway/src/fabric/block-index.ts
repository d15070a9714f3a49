import { common } from '@hyperledger/fabric-protos';
import type Database from 'better-sqlite3';
import { openDurableDatabase } from '../sqlite';

/** One committed block as the index keeps it: its number and each transaction's id and code. */
export interface IndexedBlock {
  number: number;
  transactions: { txId: string; validationCode: number }[];
}

/** Reads a block's transaction ids and the peer's validation code for each (Fabric's layout). */
export function indexedBlockOf(block: common.Block): IndexedBlock {
  const number = block.getHeader()?.getNumber() ?? 0;
  const flags =
    block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.TRANSACTIONS_FILTER] ??
    new Uint8Array();
  const transactions = block
    .getData()
    ?.getDataList_asU8()
    .map((bytes, index) => {
      const payload = common.Payload.deserializeBinary(
        common.Envelope.deserializeBinary(bytes).getPayload_asU8(),
      );
      const channelHeader = common.ChannelHeader.deserializeBinary(
        payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(),
      );
      return { txId: channelHeader.getTxId(), validationCode: flags[index] ?? 255 };
    });
  return { number, transactions: (transactions ?? []).filter(({ txId }) => txId !== '') };
}

/**
 * Which block holds each transaction, kept in SQLite under the gateway's data folder and fed
 * from the channel's block events: entries carry their transaction id, and a reader is told the
 * block too, as on the embedded ledger.
 */
export class BlockIndex {
  private readonly db: Database.Database;
  private readonly lookup: Database.Statement<[string], { block: number }>;
  private readonly insertTransaction: Database.Statement<[string, number, number]>;
  private readonly insertBlock: Database.Statement<[number]>;
  private readonly heightQuery: Database.Statement<[], { height: number | null }>;

  constructor(file: string) {
    this.db = openDurableDatabase(file);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS blocks (number INTEGER PRIMARY KEY);
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
    this.insertBlock = this.db.prepare('INSERT OR IGNORE INTO blocks (number) VALUES (?)');
    this.heightQuery = this.db.prepare('SELECT MAX(number) + 1 AS height FROM blocks');
  }

  /** How many blocks, from block 0, are indexed. */
  height(): number {
    return this.heightQuery.get()?.height ?? 0;
  }

  add(block: IndexedBlock): void {
    this.db.transaction(() => {
      for (const { txId, validationCode } of block.transactions) {
        this.insertTransaction.run(txId, block.number, validationCode);
      }
      this.insertBlock.run(block.number);
    })();
  }

  blockOf(txId: string): number | undefined {
    return this.lookup.get(txId)?.block;
  }

  close(): void {
    this.db.close();
  }
}
