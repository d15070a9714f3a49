/**
 * A replayed dead letter keeps retries of its own: replaying it neither takes over nor clears
 * the retries of the event the webhook's cursor waits at, and each replay gets every attempt.
 */
import Database from 'better-sqlite3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { WebhookStore } from '../../gateway/src/events/webhook-store.js';

let folder: string;
let db: Database.Database;

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'webhook-replay-'));
  db = new Database(join(folder, 'events.db'));
});

afterEach(async () => {
  db.close();
  await rm(folder, { recursive: true, force: true });
});

function subscribe(store: WebhookStore): string {
  return store.create({
    owner: 'sandbox-writer',
    reader: { organization: 'SandboxOrg' },
    url: 'https://receiver.example/hook',
    topic: 'entries',
    filter: {},
    startAfter: undefined,
  }).id;
}

test('a replay has its own attempts, and leaves the cursor event’s retries as they were', () => {
  const store = new WebhookStore(db);
  const id = subscribe(store);
  store.deadLettered(id, 'poisoned', 3, 'the receiver answered 500', false);
  // The next event, at the cursor, has failed twice and waits for its third attempt.
  store.failed(id, 2, 1_000_000, 'the receiver answered 503');

  expect(store.replay(id)).toBe(1);
  expect(store.nextReplay(id)).toEqual({ eventId: 'poisoned', attempts: 0, nextAttemptAt: 0 });

  store.replayFailed(id, 'poisoned', 1, 2_000_000, 'the receiver answered 500');
  expect(store.nextReplay(id)).toEqual({
    eventId: 'poisoned',
    attempts: 1,
    nextAttemptAt: 2_000_000,
  });
  expect(store.delivery(id)).toMatchObject({ attempts: 2, nextAttemptAt: 1_000_000 });

  // Set aside again after its own attempts: the cursor and its event's retries stay.
  store.deadLettered(id, 'poisoned', 3, 'the receiver answered 500', true);
  expect(store.nextReplay(id)).toBeUndefined();
  expect(store.deadLetters(id)).toEqual([
    expect.objectContaining({ eventId: 'poisoned', attempts: 3, replaying: false }),
  ]);
  expect(store.delivery(id)).toMatchObject({
    deliveredThrough: 'poisoned',
    attempts: 2,
    nextAttemptAt: 1_000_000,
  });

  // A second replay starts its attempts afresh; delivered, the letter is gone, the retries stay.
  store.replay(id);
  expect(store.nextReplay(id)).toEqual({ eventId: 'poisoned', attempts: 0, nextAttemptAt: 0 });
  store.replayed(id, 'poisoned');
  expect(store.deadLetters(id)).toEqual([]);
  expect(store.delivery(id)).toMatchObject({ attempts: 2, nextAttemptAt: 1_000_000 });
});

test('dead letters kept before replays had attempts of their own are opened with them', () => {
  db.exec(`
    CREATE TABLE webhooks (
      id TEXT PRIMARY KEY, owner TEXT NOT NULL, organization TEXT, url TEXT NOT NULL,
      topic TEXT NOT NULL, kind TEXT, stream TEXT, source TEXT, secret TEXT NOT NULL,
      created_at TEXT NOT NULL, cursor TEXT, attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at INTEGER NOT NULL DEFAULT 0, last_error TEXT
    ) WITHOUT ROWID;
    CREATE TABLE webhook_dead_letters (
      webhook_id TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
      event_id TEXT NOT NULL, attempts INTEGER NOT NULL, last_error TEXT NOT NULL,
      failed_at TEXT NOT NULL, replaying INTEGER NOT NULL DEFAULT 0, sequence INTEGER NOT NULL,
      PRIMARY KEY (webhook_id, event_id)
    ) WITHOUT ROWID;
    INSERT INTO webhooks (id, owner, organization, url, topic, secret, created_at, cursor)
      VALUES ('old', 'sandbox-writer', 'SandboxOrg', 'https://receiver.example/hook', 'entries',
        'whsec_c2VjcmV0', '2026-12-01T00:00:00Z', 'poisoned');
    INSERT INTO webhook_dead_letters
      (webhook_id, event_id, attempts, last_error, failed_at, replaying, sequence)
      VALUES ('old', 'poisoned', 3, 'the receiver answered 500', '2026-12-01T00:00:00Z', 1, 1);
  `);
  const store = new WebhookStore(db);
  expect(store.nextReplay('old')).toEqual({ eventId: 'poisoned', attempts: 0, nextAttemptAt: 0 });
  store.replayFailed('old', 'poisoned', 1, 5_000, 'the receiver answered 502');
  expect(store.nextReplay('old')).toMatchObject({ attempts: 1, nextAttemptAt: 5_000 });
});
