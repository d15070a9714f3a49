import { channelForm } from '@audit-ledger/chaincode';
import type Database from 'better-sqlite3';
import type {
  AdmittedBatch,
  AdmittedRequest,
  BatchItemResult,
  RecordOutcome,
} from '../services/entry-service';
import type { LedgerEntry, Principal } from '../ledger/ledger';
import { openDurableDatabase } from '../sqlite';

/** What a caller asked for, already admitted: safe to store (pseudonymised) and to retry (ids fixed). */
export type OperationWork =
  { type: 'entry'; request: AdmittedRequest } | { type: 'batch'; batch: AdmittedBatch };

export type OperationResult =
  { type: 'entry'; outcome: RecordOutcome } | { type: 'batch'; results: BatchItemResult[] };

/**
 * An operation as its caller asks after it. Its work is kept only while it is pending: once
 * committed or failed, the request is dropped and a committed entry whose details are held
 * privately is kept as the channel holds it, so that erasing the details leaves no copy here.
 */
export interface Operation {
  id: string;
  principal: Principal;
  status: 'pending' | 'committed' | 'failed';
  result?: OperationResult;
  error?: { code: string; message: string; details?: { path: string; message: string }[] };
  attempts: number;
  createdAt: string;
  completedAt?: string;
}

interface OperationRow {
  id: string;
  principal: string;
  status: Operation['status'];
  work: string;
  result: string | null;
  error: string | null;
  attempts: number;
  created_at: string;
  completed_at: string | null;
}

/** A pending operation, with the work still to do. */
export type PendingOperation = Operation & { work: OperationWork };

/** What an operation's work becomes once it is done. */
const DONE = 'null';

function rowToOperation(row: OperationRow): Operation {
  const operation: Operation = {
    id: row.id,
    principal: JSON.parse(row.principal) as Principal,
    status: row.status,
    attempts: row.attempts,
    createdAt: row.created_at,
  };
  if (row.result !== null) {
    operation.result = JSON.parse(row.result) as OperationResult;
  }
  if (row.error !== null) {
    operation.error = JSON.parse(row.error) as Operation['error'];
  }
  if (row.completed_at !== null) {
    operation.completedAt = row.completed_at;
  }
  return operation;
}

/** A result as kept: entries whose details are held privately in the channel's form. */
function keptResult(result: OperationResult): OperationResult {
  if (result.type === 'entry') {
    const { outcome } = result;
    return { type: 'entry', outcome: { ...outcome, entry: keptEntry(outcome.entry) } };
  }
  return {
    type: 'batch',
    results: result.results.map((item) =>
      'entry' in item ? { ...item, entry: keptEntry(item.entry) } : item,
    ),
  };
}

function keptEntry(entry: LedgerEntry): LedgerEntry {
  return entry.details === undefined
    ? entry
    : ({ ...channelForm(entry), blockNumber: entry.blockNumber } as LedgerEntry);
}

/**
 * Accepted asynchronous writes, kept in their own SQLite file (WAL, synchronous=FULL): an
 * operation is on disk before the caller hears 202, and stays pending until the worker has
 * its ledger result, so a crash between the two is retried — and, ids being fixed at
 * admission, never commits an entry twice.
 */
export class OutboxStore {
  private readonly db: Database.Database;
  private readonly statements;
  /** Additions waiting for the next group commit, and who waits for each. */
  private additions: {
    row: [string, string, string, string];
    resolve: () => void;
    reject: (error: Error) => void;
  }[] = [];

  constructor(file: string) {
    this.db = openDurableDatabase(file);
    // A request's payload is overwritten when its work is dropped, not left in a free page.
    this.db.pragma('secure_delete = ON');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS operations (
        id TEXT PRIMARY KEY,
        principal TEXT NOT NULL,
        status TEXT NOT NULL,
        work TEXT NOT NULL,
        result TEXT,
        error TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        completed_at TEXT
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS pending_operations ON operations (status, created_at);
    `);
    this.statements = {
      insert: this.db.prepare<[string, string, string, string]>(
        "INSERT INTO operations (id, principal, status, work, created_at) VALUES (?, ?, 'pending', ?, ?)",
      ),
      get: this.db.prepare<[string], OperationRow>('SELECT * FROM operations WHERE id = ?'),
      pending: this.db.prepare<[number], OperationRow>(
        "SELECT * FROM operations WHERE status = 'pending' ORDER BY created_at, id LIMIT ?",
      ),
      complete: this.db.prepare<[string, string, string | null, string | null, string, string]>(
        'UPDATE operations SET status = ?, work = ?, result = ?, error = ?, completed_at = ? WHERE id = ?',
      ),
      attempted: this.db.prepare<[string]>(
        'UPDATE operations SET attempts = attempts + 1 WHERE id = ?',
      ),
      depth: this.db.prepare<[], { depth: number; oldest: string | null }>(
        "SELECT count(*) AS depth, min(created_at) AS oldest FROM operations WHERE status = 'pending'",
      ),
    };
  }

  /**
   * Resolves once the operation is on disk. Operations added in the same turn of the event loop
   * share one SQLite transaction, so concurrent callers share its fsync (group commit); should
   * that transaction fail, every addition in it rejects and none is stored.
   */
  add(id: string, principal: Principal, work: OperationWork, now: Date): Promise<void> {
    return new Promise((resolve, reject) => {
      this.additions.push({
        row: [id, JSON.stringify(principal), JSON.stringify(work), now.toISOString()],
        resolve,
        reject,
      });
      if (this.additions.length === 1) {
        setImmediate(() => {
          this.commitAdditions();
        });
      }
    });
  }

  private commitAdditions(): void {
    const additions = this.additions;
    this.additions = [];
    if (additions.length === 0) {
      return;
    }
    try {
      this.db.transaction(() => {
        for (const { row } of additions) {
          this.statements.insert.run(...row);
        }
      })();
    } catch (error) {
      const failure =
        error instanceof Error
          ? error
          : new Error('the outbox could not be written', { cause: error });
      for (const { reject } of additions) {
        reject(failure);
      }
      return;
    }
    for (const { resolve } of additions) {
      resolve();
    }
  }

  get(id: string): Operation | undefined {
    const row = this.statements.get.get(id);
    return row === undefined ? undefined : rowToOperation(row);
  }

  pending(limit: number): PendingOperation[] {
    return this.statements.pending
      .all(limit)
      .map((row) => ({ ...rowToOperation(row), work: JSON.parse(row.work) as OperationWork }));
  }

  markAttempted(ids: readonly string[]): void {
    this.db.transaction(() => {
      for (const id of ids) {
        this.statements.attempted.run(id);
      }
    })();
  }

  complete(
    outcomes: readonly ({ id: string } & (
      { result: OperationResult } | { error: Operation['error'] }
    ))[],
    now: Date,
  ): void {
    this.db.transaction(() => {
      for (const outcome of outcomes) {
        const done = 'result' in outcome;
        this.statements.complete.run(
          done ? 'committed' : 'failed',
          DONE,
          done ? JSON.stringify(keptResult(outcome.result)) : null,
          done ? null : JSON.stringify(outcome.error),
          now.toISOString(),
          outcome.id,
        );
      }
    })();
  }

  /**
   * Empties the write-ahead log into the database and truncates it, so that no earlier version
   * of a page (a dropped request among them) stays in the log file: after an erasure.
   */
  forgetDropped(): void {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  /** How many operations wait, and since when the oldest has. */
  depth(): { depth: number; oldest: string | undefined } {
    const row = this.statements.depth.get();
    return { depth: row?.depth ?? 0, oldest: row?.oldest ?? undefined };
  }

  close(): void {
    this.commitAdditions();
    this.db.close();
  }
}
