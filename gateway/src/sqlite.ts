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

/**
 * A SQLite database holding only what can be derived again from elsewhere (the peers' blocks):
 * write-ahead log without a sync per commit (synchronous=NORMAL). A crash of the process loses
 * nothing; a crash of the machine may lose the last commits, never consistency, and whoever
 * fills the database derives them again. Commits then cost no fsync on the thread that makes them.
 */
export function openRebuildableDatabase(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  return db;
}
