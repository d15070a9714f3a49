import type Database from 'better-sqlite3';
import type { AuditEntry } from '@audit-ledger/chaincode';
import type { ObservedEntry } from '../compliance/rule';
import type { CommittedBlock } from '../ledger/committed-blocks';
import { RequestError } from '../services/request-error';

/** An entry's place in the ledger: its block, and its index among the block's entries. */
export interface LedgerPosition {
  block: number;
  index: number;
}

const POSITION = /^(0|[1-9]\d{0,14})\.(0|[1-9]\d{0,6})$/;

/** `<block>.<index>`: an event's id, which orders as the ledger does. */
export function positionId({ block, index }: LedgerPosition): string {
  return `${block}.${index}`;
}

/** Reads an event id a caller sent back; `field` names where it came from, for the error. */
export function parsePosition(id: string, field: string): LedgerPosition {
  const match = POSITION.exec(id);
  if (match === null) {
    throw new RequestError('INVALID_QUERY', `${field} is not an event id`, [
      { path: field, message: 'must be an event id: <block>.<index>, e.g. 42.0' },
    ]);
  }
  return { block: Number(match[1]), index: Number(match[2]) };
}

/** What a reader asks for: entries of one kind, stream or source, or all. */
export interface EventFilter {
  kind?: string | undefined;
  stream?: string | undefined;
  source?: string | undefined;
}

/** Whose entries a reader may see: every organisation's (regulators) or one organisation's. */
export type EventReader = { everyOrganization: true } | { organization: string };

/** An entry as logged: its position, its ledger time, and its JSON with its block number. */
export interface LoggedEntry {
  id: string;
  position: LedgerPosition;
  committedAt: string;
  /**
   * The entry as `GET /v1/entries/{id}` answers it (`blockNumber` first), as JSON text; absent
   * once its body is no longer kept here (see dropBodies), when its block holds it still.
   */
  json?: string;
}

/** The entry as `GET /v1/entries/{id}` answers it, from the canonical JSON its block stored. */
export function entryJson(blockNumber: number, stored: string): string {
  return `{"blockNumber":${blockNumber},${stored.slice(1)}`;
}

interface EventRow {
  block: number;
  idx: number;
  committed_at: string;
  /** Null or empty once dropped. */
  body: string | null;
}

/**
 * A row's body: kept beside it in entry_bodies, or in its own `body` column in a database
 * written before bodies had a table of their own (emptied when dropped).
 */
const ROW = `e.block, e.idx, e.committed_at, coalesce(b.body, nullif(e.body, '')) AS body
  FROM entry_events e LEFT JOIN entry_bodies b ON b.block = e.block AND b.idx = e.idx`;

/**
 * Every committed entry in ledger order, each under its position, kept in the gateway's events
 * database block by block: `height` blocks from block 0 are logged, each in one SQLite
 * transaction with whatever else is fed from it. Readers page through it after a position,
 * filtered by kind, stream or source and by whose entries they may read.
 *
 * Each entry's body (its stored JSON, most of what is kept) lives in a table of its own and may
 * be dropped once old (dropBodies): the entry's row stays, so every position still filters,
 * orders and resumes, and the body is read again from the entry's block when asked for. Bodies
 * are deleted in whole ranges of blocks, which frees whole pages for the rows that follow, so
 * the file stops growing by the bodies' share.
 */
export class EventLog {
  private readonly statements;
  /** Reads by the filters they use: at most sixteen shapes, each prepared once. */
  private readonly reads = new Map<
    string,
    Database.Statement<Record<string, string | number>, EventRow>
  >();

  /** Blocks before this were logged with their bodies in their own rows (see ROW). */
  private readonly legacyUntil: number;

  constructor(private readonly db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS entry_events (
        block INTEGER NOT NULL,
        idx INTEGER NOT NULL,
        msp_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        stream TEXT NOT NULL,
        source TEXT NOT NULL,
        committed_at TEXT NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (block, idx)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS entry_events_progress (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 0),
        height INTEGER NOT NULL
      );
      INSERT OR IGNORE INTO entry_events_progress (singleton, height) VALUES (0, 0);
      -- kept_from: the first block whose bodies are kept. legacy_until: the blocks before it were
      -- logged with their bodies in their rows, before bodies had a table of their own.
      CREATE TABLE IF NOT EXISTS entry_bodies_progress (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 0),
        kept_from INTEGER NOT NULL,
        legacy_until INTEGER NOT NULL
      );
      INSERT OR IGNORE INTO entry_bodies_progress (singleton, kept_from, legacy_until)
        SELECT 0, 0, height FROM entry_events_progress;
      CREATE TABLE IF NOT EXISTS entry_bodies (
        block INTEGER NOT NULL,
        idx INTEGER NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (block, idx)
      ) WITHOUT ROWID;
    `);
    this.legacyUntil =
      db
        .prepare<[], { legacy_until: number }>('SELECT legacy_until FROM entry_bodies_progress')
        .get()?.legacy_until ?? 0;
    this.statements = {
      height: db.prepare<[], { height: number }>('SELECT height FROM entry_events_progress'),
      advance: db.prepare<[number]>('UPDATE entry_events_progress SET height = ?'),
      last: db.prepare<[], { block: number; idx: number }>(
        'SELECT block, idx FROM entry_events ORDER BY block DESC, idx DESC LIMIT 1',
      ),
      at: db.prepare<[number, number], EventRow & { msp_id: string }>(
        `SELECT e.msp_id, ${ROW} WHERE e.block = ? AND e.idx = ?`,
      ),
      keptFrom: db.prepare<[], { kept_from: number }>(
        'SELECT kept_from FROM entry_bodies_progress',
      ),
      keepFrom: db.prepare<[number]>('UPDATE entry_bodies_progress SET kept_from = ?'),
      // Rows follow the primary key from `from`, within `until`: at most that many are read.
      firstKept: db.prepare<{ from: number; until: number; before: string }, { block: number }>(
        `SELECT block FROM entry_events
         WHERE block >= @from AND block < @until AND committed_at >= @before
         ORDER BY block, idx LIMIT 1`,
      ),
      dropBodies: db.prepare<[number, number]>(
        'DELETE FROM entry_bodies WHERE block >= ? AND block < ?',
      ),
      dropOlderBodies: db.prepare<[number, number]>(
        "UPDATE entry_events SET body = '' WHERE block >= ? AND block < ?",
      ),
      insertBody: db.prepare<[number, number, string]>(
        'INSERT INTO entry_bodies (block, idx, body) VALUES (?, ?, ?)',
      ),
      insert: db.prepare<[number, number, string, string, string, string, string]>(
        `INSERT INTO entry_events (block, idx, msp_id, kind, stream, source, committed_at, body)
         VALUES (?, ?, ?, ?, ?, ?, ?, '')`,
      ),
    };
  }

  /** How many blocks, from block 0, are logged: the next block to log. */
  height(): number {
    return this.statements.height.get()?.height ?? 0;
  }

  /**
   * Logs the next block's entries and returns those the rules observe: every entry the channel
   * holds whole, and those whose details `whole` holds (by index in the block), read by a
   * gateway that may. Run it in the transaction that feeds everything else from the block, so
   * each block is fed exactly once.
   */
  addBlock(
    block: CommittedBlock,
    whole: ReadonlyMap<number, AuditEntry> = new Map(),
  ): ObservedEntry[] {
    const height = this.height();
    if (block.number !== height) {
      throw new Error(`block ${block.number} is not the next block to log (${height})`);
    }
    const observed: ObservedEntry[] = [];
    block.entries.forEach(({ entry, stored }, index) => {
      // An entry whose details are held privately is logged as the channel holds it: no
      // stream (it names the subject), no payload, nothing here for its erasure to miss.
      const stream = 'stream' in entry ? entry.stream : '';
      this.statements.insert.run(
        block.number,
        index,
        entry.submitter.mspId,
        entry.kind,
        stream,
        entry.source,
        entry.committedAt,
      );
      this.statements.insertBody.run(block.number, index, stored);
      const read = 'payload' in entry ? entry : whole.get(index);
      if (read !== undefined) {
        observed.push({
          ...read,
          blockNumber: block.number,
          position: positionId({ block: block.number, index }),
        });
      }
    });
    this.statements.advance.run(block.number + 1);
    return observed;
  }

  /**
   * Drops the bodies of entries committed before `before` (ledger time), up to `maxBlocks`
   * blocks at a time so that a long backlog never holds the thread; returns how many blocks'
   * bodies it dropped, 0 once every old one is gone. Freed pages are reused by later rows, so
   * the database stops growing with the ledger by the bodies' share.
   */
  dropBodies(before: string, maxBlocks: number): number {
    const from = this.statements.keptFrom.get()?.kept_from ?? 0;
    const window = Math.min(from + maxBlocks, this.height());
    const until = this.statements.firstKept.get({ from, until: window, before })?.block ?? window;
    if (until <= from) {
      return 0;
    }
    this.db.transaction(() => {
      this.statements.dropBodies.run(from, until);
      if (from < this.legacyUntil) {
        this.statements.dropOlderBodies.run(from, Math.min(until, this.legacyUntil));
      }
      this.statements.keepFrom.run(until);
    })();
    return until - from;
  }

  /** The newest entry's position, if any entry is logged. */
  last(): string | undefined {
    const row = this.statements.last.get();
    return row === undefined ? undefined : positionId({ block: row.block, index: row.idx });
  }

  /** The entry at `position`, if the reader may read it. */
  at(position: LedgerPosition, reader: EventReader): LoggedEntry | undefined {
    const row = this.statements.at.get(position.block, position.index);
    if (row === undefined || ('organization' in reader && row.msp_id !== reader.organization)) {
      return undefined;
    }
    return loggedEntryOf(row);
  }

  /** Up to `limit` entries after `position` (from the first when undefined), in ledger order. */
  after(
    position: LedgerPosition | undefined,
    filter: EventFilter,
    reader: EventReader,
    limit: number,
  ): LoggedEntry[] {
    const conditions = ['(e.block > @block OR (e.block = @block AND e.idx > @index))'];
    const parameters: Record<string, string | number> = {
      block: position?.block ?? -1,
      index: position?.index ?? -1,
      limit,
    };
    for (const field of ['kind', 'stream', 'source'] as const) {
      const value = filter[field];
      if (value !== undefined) {
        conditions.push(`e.${field} = @${field}`);
        parameters[field] = value;
      }
    }
    if ('organization' in reader) {
      conditions.push('e.msp_id = @organization');
      parameters.organization = reader.organization;
    }
    const where = conditions.join(' AND ');
    let read = this.reads.get(where);
    if (read === undefined) {
      read = this.db.prepare(`SELECT ${ROW} WHERE ${where} ORDER BY e.block, e.idx LIMIT @limit`);
      this.reads.set(where, read);
    }
    const rows = read.all(parameters);
    return rows.map(loggedEntryOf);
  }
}

/** The stored JSON with the block number spliced in: no entry is parsed to be sent on. */
function loggedEntryOf(row: EventRow): LoggedEntry {
  const position = { block: row.block, index: row.idx };
  return {
    id: positionId(position),
    position,
    committedAt: row.committed_at,
    ...(row.body === null ? {} : { json: entryJson(row.block, row.body) }),
  };
}
