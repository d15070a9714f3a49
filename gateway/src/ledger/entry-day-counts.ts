import { canRead, grantsRole, type Caller, type Consortium } from '@audit-ledger/chaincode';
import type Database from 'better-sqlite3';
import { LedgerError, type Principal } from './ledger';

/** The district's zone. China keeps UTC+08:00 all year, so a day is a fixed 24 h window. */
export const DISTRICT_TIME_ZONE = 'Asia/Shanghai';
const DISTRICT_OFFSET_MS = 8 * 3_600_000;

/** The district's calendar date (YYYY-MM-DD) of an instant. */
export function districtDate(instant: number): string {
  return new Date(instant + DISTRICT_OFFSET_MS).toISOString().slice(0, 10);
}

/** The district's date of a ledger time (`2026-11-26T09:30:00.123456789Z`). */
export function districtDateOf(ledgerTime: string): string {
  // Whole seconds are enough: a day starts on one.
  return districtDate(Date.parse(`${ledgerTime.slice(0, 19)}Z`));
}

/** One committed entry, as it is counted. */
export interface CountedEntry {
  /** The chaincode that recorded it: a Fabric channel can hold others. */
  chaincode: string;
  /** The district date of its commit. */
  date: string;
  kind: string;
  /** The writing organisation, which is what reading it depends on. */
  mspId: string;
}

/** Entries of one kind on one district day, of those a caller may read. */
export interface DayCount {
  date: string;
  kind: string;
  count: number;
}

interface CountRow {
  date: string;
  kind: string;
  msp_id: string;
  entries: number;
}

/**
 * Entries per district day, kind and writing organisation, kept in the SQLite file beside the
 * blocks they come from, block by block and in block order: `countedHeight` blocks from block 0
 * are counted, each in the same SQLite transaction that stores it (or, for blocks stored before
 * counts were kept, by a backfill that catches up). A read is then at most days × kinds ×
 * organisations rows, whatever the ledger's size.
 */
export class EntryDayCounts {
  private readonly statements;
  /** The last read of each day range, while no block was counted since. */
  private readonly cache = new Map<string, { countedHeight: number; rows: CountRow[] }>();

  constructor(private readonly db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS entries_per_day (
        chaincode TEXT NOT NULL,
        date TEXT NOT NULL,
        kind TEXT NOT NULL,
        msp_id TEXT NOT NULL,
        entries INTEGER NOT NULL,
        PRIMARY KEY (chaincode, date, kind, msp_id)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS entries_per_day_progress (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 0),
        counted_height INTEGER NOT NULL
      );
      INSERT OR IGNORE INTO entries_per_day_progress (singleton, counted_height) VALUES (0, 0);
    `);
    this.statements = {
      countedHeight: db.prepare<[], { counted_height: number }>(
        'SELECT counted_height FROM entries_per_day_progress',
      ),
      advance: db.prepare<[number]>('UPDATE entries_per_day_progress SET counted_height = ?'),
      add: db.prepare<[string, string, string, string, number]>(
        `INSERT INTO entries_per_day (chaincode, date, kind, msp_id, entries) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (chaincode, date, kind, msp_id) DO UPDATE SET entries = entries + excluded.entries`,
      ),
      between: db.prepare<[string, string, string], CountRow>(
        `SELECT date, kind, msp_id, entries FROM entries_per_day
         WHERE chaincode = ? AND date >= ? AND date <= ? ORDER BY date, kind`,
      ),
    };
  }

  /** How many blocks, from block 0, are counted. */
  countedHeight(): number {
    return this.statements.countedHeight.get()?.counted_height ?? 0;
  }

  /**
   * Counts block `number` if it is the next block to count, and says whether it was; run it in
   * the transaction that stores the block, so a block is counted exactly once. `entries` is only
   * called when the block is counted.
   */
  addBlock(number: number, entries: () => Iterable<CountedEntry>): boolean {
    if (number !== this.countedHeight()) {
      return false;
    }
    // A block of 1,000 entries is a few rows: one statement per row, not per entry.
    const totals = new Map<string, { entry: CountedEntry; entries: number }>();
    for (const entry of entries()) {
      const key = [entry.chaincode, entry.date, entry.kind, entry.mspId].join('\u0000');
      const total = totals.get(key) ?? { entry, entries: 0 };
      total.entries += 1;
      totals.set(key, total);
    }
    for (const { entry, entries: count } of totals.values()) {
      this.statements.add.run(entry.chaincode, entry.date, entry.kind, entry.mspId, count);
    }
    this.statements.advance.run(number + 1);
    return true;
  }

  /**
   * What `reader` may read of `chaincode`'s entries on the district days `from` to `to`
   * (inclusive), by day and kind, only those with entries; and how many blocks that covers.
   */
  visibleTo(
    reader: Caller,
    chaincode: string,
    days: { from: string; to: string },
  ): { counts: DayCount[]; countedHeight: number } {
    const { rows, countedHeight } = this.rowsBetween(chaincode, days);
    const counts = new Map<string, DayCount>();
    for (const row of rows) {
      // The contract's own rule, on the one thing it looks at: the writing organisation.
      if (!canRead(reader, { submitter: { mspId: row.msp_id } })) {
        continue;
      }
      const key = `${row.date}\u0000${row.kind}`;
      const count = counts.get(key) ?? { date: row.date, kind: row.kind, count: 0 };
      count.count += row.entries;
      counts.set(key, count);
    }
    return { counts: [...counts.values()], countedHeight };
  }

  /** Every organisation's rows, read once per range for as long as no block is counted. */
  private rowsBetween(
    chaincode: string,
    days: { from: string; to: string },
  ): { rows: CountRow[]; countedHeight: number } {
    // One read transaction: the rows and the height they cover are of the same moment.
    return this.db.transaction(() => {
      const countedHeight = this.countedHeight();
      const key = `${chaincode}\u0000${days.from}\u0000${days.to}`;
      const cached = this.cache.get(key);
      if (cached?.countedHeight === countedHeight) {
        return cached;
      }
      const read = {
        countedHeight,
        rows: this.statements.between.all(chaincode, days.from, days.to),
      };
      // A range is one per `days` and per day: the few of today are all that are asked again.
      if (this.cache.size >= 64) {
        this.cache.clear();
      }
      this.cache.set(key, read);
      return read;
    })();
  }
}

/**
 * The caller as the contract's `canRead` judges it, from the organisation its certificate
 * belongs to and its role: reading depends on nothing else (see chaincode/src/access-policy.ts).
 */
export function readerOf(mspId: string, principal: Principal): Caller {
  return {
    mspId,
    role: principal.role,
    name: principal.name,
    subject: '',
    source: `${mspId}/${principal.name}`,
  };
}

/**
 * readerOf for a principal whose identity `mspId` issued, refused as the contract refuses its
 * caller when that organisation does not grant the role: reads that do not run the contract
 * (postings, counts) bind roles to organisations as those that do.
 */
export function consortiumReader(
  consortium: Consortium,
  mspId: string,
  principal: Principal,
): Caller {
  if (!grantsRole(consortium, mspId, principal.role)) {
    throw new LedgerError(
      'FORBIDDEN',
      `${mspId} may not grant the role ${principal.role}: the consortium binds each role to the organisations that hold it`,
    );
  }
  return readerOf(mspId, principal);
}
