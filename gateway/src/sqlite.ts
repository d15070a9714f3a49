import Database from 'better-sqlite3';

/**
 * A SQLite database for data that must survive a crash: write-ahead log, and every commit
 * synced to disk (synchronous=FULL) before it returns.
 */
export function openDurableDatabase(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  return db;
}
