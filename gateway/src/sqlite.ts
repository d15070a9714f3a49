import { chmodSync, closeSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';

/**
 * Opens `file` readable by the gateway's user alone. SQLite creates a database 0644 and gives
 * the -wal and -shm files it creates the database file's mode, so the file is made 0600 before
 * SQLite sees it; files an earlier version left readable to others are closed to them here.
 */
function openPrivately(file: string): Database.Database {
  closeSync(openSync(file, 'a', 0o600));
  for (const suffix of ['', '-wal', '-shm']) {
    try {
      chmodSync(`${file}${suffix}`, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw error;
      }
    }
  }
  return new Database(file);
}

/**
 * A SQLite database for data that must survive a crash: write-ahead log, and every commit
 * synced to disk (synchronous=FULL) before it returns.
 */
export function openDurableDatabase(file: string): Database.Database {
  const db = openPrivately(file);
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
  const db = openPrivately(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  return db;
}
