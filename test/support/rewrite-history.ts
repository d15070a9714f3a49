import Database from 'better-sqlite3';
import { join } from 'node:path';
import { buildBlock, type TransactionRecord } from '../../verifier/src/embedded/block-log.js';

/**
 * Rewrites block 1 of an embedded ledger's file and re-chains every later header, as an
 * operator covering its tracks would: the chain is consistent again, but not with any
 * checkpoint signed before.
 */
export function rewriteHistory(dataDir: string): void {
  const db = new Database(join(dataDir, 'ledger.sqlite'));
  try {
    const rows = db
      .prepare<[], { number: number; data: string }>(
        'SELECT number, data FROM blocks ORDER BY number',
      )
      .all();
    let previousHash = '';
    for (const row of rows) {
      const [original, ...rest] = JSON.parse(row.data) as TransactionRecord[];
      const transactions =
        row.number === 1 && original !== undefined
          ? [{ ...original, timestamp: '2020-01-01T00:00:00.000000000Z' }, ...rest]
          : (JSON.parse(row.data) as TransactionRecord[]);
      const block = buildBlock(
        row.number,
        row.number === 0 ? '0'.repeat(64) : previousHash,
        transactions,
      );
      db.prepare(
        'UPDATE blocks SET previous_hash = ?, data_hash = ?, header_hash = ?, data = ? WHERE number = ?',
      ).run(
        block.header.previousHash,
        block.header.dataHash,
        block.headerHash,
        JSON.stringify(transactions),
        row.number,
      );
      previousHash = block.headerHash;
    }
  } finally {
    db.close();
  }
}
