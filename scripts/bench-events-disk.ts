import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { progress } from '@audit-ledger/gateway/dist/cli/progress';
import { startGateway, stopGateway, writeBatch, type Gateway } from './bench-gateway';
import { admitSampleTeam } from './bench-load';
import { dataAccessRequest } from './bench-requests';

/**
 * What the events database keeps per entry, on the embedded ledger (the events database is the
 * same code on Fabric): a fresh gateway that keeps every body for a week, and one that keeps
 * none (EVENTS_KEEP_DAYS=0), each filled with the same sample entries, written as an admitted
 * team. Prints each table's pages per entry (SQLite's dbstat) and, last, one JSON line per
 * gateway.
 *
 * `npm run bench:events-disk -- [--entries N]`
 */

const USAGE = 'usage: npm run bench:events-disk -- [--entries N]';
const BATCH = 500;
const WAIT_MS = 120_000;

async function fill(gateway: Gateway, entries: number, label: string): Promise<void> {
  const shown = progress(label, { unit: 'entries' });
  for (let first = 0; first < entries; first += BATCH) {
    const size = Math.min(BATCH, entries - first);
    await writeBatch(
      gateway,
      'sandbox-writer',
      Array.from({ length: size }, (_, index) => dataAccessRequest(first + index)),
    );
    shown.update(first + size, entries);
  }
  shown.finish(entries);
}

/** Polls the gateway's events database, read-only, until `done` holds of it. */
async function waitFor(
  file: string,
  what: string,
  done: (db: Database.Database) => boolean,
): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const db = new Database(file, { readonly: true });
    try {
      if (done(db)) {
        return;
      }
    } finally {
      db.close();
    }
    if (Date.now() > deadline) {
      throw new Error(`the events database did not ${what} within ${WAIT_MS / 1000} s`);
    }
    await new Promise((wait) => setTimeout(wait, 200));
  }
}

const count = (db: Database.Database, sql: string) =>
  db.prepare<[], { n: number }>(sql).get()?.n ?? 0;

/** Each table's (and index's) bytes of pages per entry, largest first. */
function bytesPerEntry(file: string, entries: number): Record<string, number> {
  const db = new Database(file, { readonly: true });
  try {
    const tables = db
      .prepare<[], { name: string; size: number }>(
        'SELECT name, sum(pgsize) AS size FROM dbstat GROUP BY name ORDER BY size DESC',
      )
      .all();
    return Object.fromEntries(
      tables
        .map(({ name, size }) => [name, Math.round(size / entries)] as const)
        .filter(([, size]) => size > 0),
    );
  } finally {
    db.close();
  }
}

async function measure(keepDays: number, entries: number) {
  const gateway = await startGateway({
    EVENTS_KEEP_DAYS: String(keepDays),
    COMPLIANCE_SWEEP_MS: '200',
  });
  try {
    await admitSampleTeam(gateway);
    await fill(gateway, entries, `EVENTS_KEEP_DAYS=${keepDays}`);
    const file = join(gateway.dataDir, 'events.sqlite');
    await waitFor(
      file,
      'log every entry',
      (db) =>
        count(db, "SELECT count(*) AS n FROM entry_events WHERE kind = 'data-access'") >= entries,
    );
    if (keepDays === 0) {
      await waitFor(
        file,
        'drop every body',
        (db) => count(db, 'SELECT count(*) AS n FROM entry_bodies') === 0,
      );
    }
    return { keepDays, entries, bytesPerEntry: bytesPerEntry(file, entries) };
  } finally {
    await stopGateway(gateway);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      entries: { type: 'string', default: '20000' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const entries = Number(values.entries);
  if (!Number.isInteger(entries) || entries < 1) {
    throw new Error(USAGE);
  }
  const results = [await measure(7, entries), await measure(0, entries)];
  for (const { keepDays, bytesPerEntry: tables } of results) {
    process.stdout.write(`\nEVENTS_KEEP_DAYS=${keepDays}: bytes of pages per entry\n`);
    for (const [name, size] of Object.entries(tables)) {
      process.stdout.write(`  ${name.padEnd(32)} ${String(size).padStart(6)}\n`);
    }
  }
  process.stdout.write('\n');
  for (const result of results) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
