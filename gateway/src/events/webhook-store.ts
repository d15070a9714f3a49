import { randomBytes, randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { EventFilter, EventReader } from './event-log';

export type EventTopic = 'entries' | 'findings';

/** A webhook as its owner sees it; the secret is shown once, when it is made. */
export interface Webhook {
  id: string;
  url: string;
  topic: EventTopic;
  filter: EventFilter;
  createdAt: string;
  /** The last event delivered (or dead-lettered); undefined before the first. */
  deliveredThrough: string | undefined;
  /** Failed attempts at the next event, and when it is tried again. */
  retry: { attempts: number; nextAttemptAt: string; lastError: string } | undefined;
  deadLetters: number;
}

/** What delivery needs besides what the owner sees. */
export interface WebhookDelivery extends Webhook {
  owner: string;
  reader: EventReader;
  secret: string;
  attempts: number;
  nextAttemptAt: number;
}

export interface DeadLetter {
  eventId: string;
  attempts: number;
  lastError: string;
  failedAt: string;
  /** Asked to be delivered again: it goes before the next new event. */
  replaying: boolean;
}

/** A dead letter being delivered again. */
export interface ReplayingLetter {
  eventId: string;
  /** Failed attempts since the replay began. */
  attempts: number;
  /** Epoch milliseconds; 0 for at once. */
  nextAttemptAt: number;
}

interface WebhookRow {
  id: string;
  owner: string;
  organization: string | null;
  url: string;
  topic: EventTopic;
  kind: string | null;
  stream: string | null;
  source: string | null;
  secret: string;
  created_at: string;
  cursor: string | null;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  dead_letters: number;
}

interface DeadLetterRow {
  event_id: string;
  attempts: number;
  last_error: string;
  failed_at: string;
  replaying: number;
}

/** Standard Webhooks' secret form: `whsec_` and the base64 of the key. */
function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/**
 * Webhook subscriptions and their delivery state, in the gateway's events database (a process
 * killed loses nothing; a machine losing power may lose the last moments' changes, so a few
 * events are delivered again, and a subscription made in that moment is to be made again). A
 * subscription's queue is its cursor in the event log: everything
 * after it, in order; a restart resumes there. Events that exhausted their attempts wait as
 * dead letters until their owner replays them.
 */
export class WebhookStore {
  private readonly statements;

  constructor(private readonly db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS webhooks (
        id TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        organization TEXT,
        url TEXT NOT NULL,
        topic TEXT NOT NULL,
        kind TEXT,
        stream TEXT,
        source TEXT,
        secret TEXT NOT NULL,
        created_at TEXT NOT NULL,
        cursor TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS webhook_dead_letters (
        webhook_id TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
        event_id TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        last_error TEXT NOT NULL,
        failed_at TEXT NOT NULL,
        replaying INTEGER NOT NULL DEFAULT 0,
        sequence INTEGER NOT NULL,
        replay_attempts INTEGER NOT NULL DEFAULT 0,
        replay_next_attempt_at INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (webhook_id, event_id)
      ) WITHOUT ROWID;
    `);
    // Dead letters stored before replays counted their own attempts gain the columns for it.
    const letterColumns = new Set(
      db
        .prepare<[], { name: string }>("SELECT name FROM pragma_table_info('webhook_dead_letters')")
        .all()
        .map(({ name }) => name),
    );
    if (!letterColumns.has('replay_attempts')) {
      db.exec(`
        ALTER TABLE webhook_dead_letters ADD COLUMN replay_attempts INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE webhook_dead_letters
          ADD COLUMN replay_next_attempt_at INTEGER NOT NULL DEFAULT 0;
      `);
    }
    db.pragma('foreign_keys = ON');
    const columns = `w.*, (SELECT COUNT(*) FROM webhook_dead_letters d WHERE d.webhook_id = w.id)
      AS dead_letters`;
    this.statements = {
      insert: db.prepare(
        `INSERT INTO webhooks (id, owner, organization, url, topic, kind, stream, source, secret,
           created_at, cursor)
         VALUES (@id, @owner, @organization, @url, @topic, @kind, @stream, @source, @secret,
           @createdAt, @cursor)`,
      ),
      byId: db.prepare<[string], WebhookRow>(`SELECT ${columns} FROM webhooks w WHERE w.id = ?`),
      byOwner: db.prepare<[string], WebhookRow>(
        `SELECT ${columns} FROM webhooks w WHERE w.owner = ? ORDER BY w.created_at, w.id`,
      ),
      all: db.prepare<[], WebhookRow>(`SELECT ${columns} FROM webhooks w`),
      remove: db.prepare<[string, string]>('DELETE FROM webhooks WHERE id = ? AND owner = ?'),
      delivered: db.prepare<[string, string]>(
        `UPDATE webhooks SET cursor = ?, attempts = 0, next_attempt_at = 0, last_error = NULL
         WHERE id = ?`,
      ),
      failed: db.prepare<[number, number, string, string]>(
        'UPDATE webhooks SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?',
      ),
      deadLetter: db.prepare(
        `INSERT INTO webhook_dead_letters
           (webhook_id, event_id, attempts, last_error, failed_at, replaying, sequence)
         VALUES (@webhookId, @eventId, @attempts, @lastError, @failedAt, 0,
           (SELECT COALESCE(MAX(sequence), 0) + 1 FROM webhook_dead_letters))
         ON CONFLICT DO UPDATE SET attempts = excluded.attempts, last_error = excluded.last_error,
           failed_at = excluded.failed_at, replaying = 0, replay_attempts = 0,
           replay_next_attempt_at = 0`,
      ),
      deadLetters: db.prepare<[string], DeadLetterRow>(
        `SELECT event_id, attempts, last_error, failed_at, replaying FROM webhook_dead_letters
         WHERE webhook_id = ? ORDER BY sequence`,
      ),
      replayAll: db.prepare<[string]>(
        `UPDATE webhook_dead_letters SET replaying = 1, replay_attempts = 0,
           replay_next_attempt_at = 0
         WHERE webhook_id = ?`,
      ),
      nextReplay: db.prepare<
        [string],
        { event_id: string; replay_attempts: number; replay_next_attempt_at: number }
      >(
        `SELECT event_id, replay_attempts, replay_next_attempt_at FROM webhook_dead_letters
         WHERE webhook_id = ? AND replaying = 1 ORDER BY sequence LIMIT 1`,
      ),
      replayFailed: db.prepare<[number, number, string, string, string]>(
        `UPDATE webhook_dead_letters SET replay_attempts = ?, replay_next_attempt_at = ?,
           last_error = ?
         WHERE webhook_id = ? AND event_id = ?`,
      ),
      replayed: db.prepare<[string, string]>(
        'DELETE FROM webhook_dead_letters WHERE webhook_id = ? AND event_id = ?',
      ),
    };
  }

  /** A new subscription, delivering events after `startAfter` (the log's end when it is made). */
  create(subscription: {
    owner: string;
    reader: EventReader;
    url: string;
    topic: EventTopic;
    filter: EventFilter;
    startAfter: string | undefined;
  }): WebhookDelivery {
    const id = randomUUID();
    this.statements.insert.run({
      id,
      owner: subscription.owner,
      organization: 'organization' in subscription.reader ? subscription.reader.organization : null,
      url: subscription.url,
      topic: subscription.topic,
      kind: subscription.filter.kind ?? null,
      stream: subscription.filter.stream ?? null,
      source: subscription.filter.source ?? null,
      secret: newSecret(),
      createdAt: new Date().toISOString(),
      cursor: subscription.startAfter ?? null,
    });
    const created = this.delivery(id);
    if (created === undefined) {
      throw new Error(`webhook ${id} was not stored`);
    }
    return created;
  }

  delivery(id: string): WebhookDelivery | undefined {
    const row = this.statements.byId.get(id);
    return row === undefined ? undefined : deliveryOf(row);
  }

  /** The owner's webhook, or undefined when there is none of theirs by that id. */
  owned(owner: string, id: string): Webhook | undefined {
    const delivery = this.delivery(id);
    return delivery?.owner === owner ? publicView(delivery) : undefined;
  }

  ownedBy(owner: string): Webhook[] {
    return this.statements.byOwner.all(owner).map((row) => publicView(deliveryOf(row)));
  }

  all(): WebhookDelivery[] {
    return this.statements.all.all().map(deliveryOf);
  }

  remove(owner: string, id: string): boolean {
    return this.statements.remove.run(id, owner).changes > 0;
  }

  /** `eventId` reached the receiver: the cursor moves past it, the retry count starts again. */
  delivered(id: string, eventId: string): void {
    this.statements.delivered.run(eventId, id);
  }

  failed(id: string, attempts: number, nextAttemptAt: number, error: string): void {
    this.statements.failed.run(attempts, nextAttemptAt, error, id);
  }

  /**
   * `eventId` exhausted its attempts: kept aside, and the cursor moves past it (a replayed dead
   * letter that fails again is kept aside again; the cursor is already past it, and the retries
   * of the event it waits at are left as they were).
   */
  deadLettered(
    id: string,
    eventId: string,
    attempts: number,
    error: string,
    replay: boolean,
  ): void {
    this.db.transaction(() => {
      this.statements.deadLetter.run({
        webhookId: id,
        eventId,
        attempts,
        lastError: error,
        failedAt: new Date().toISOString(),
      });
      if (!replay) {
        this.delivered(id, eventId);
      }
    })();
  }

  deadLetters(id: string): DeadLetter[] {
    return this.statements.deadLetters.all(id).map((row) => ({
      eventId: row.event_id,
      attempts: row.attempts,
      lastError: row.last_error,
      failedAt: row.failed_at,
      replaying: row.replaying === 1,
    }));
  }

  /** Every dead letter is delivered again, oldest first, before the next new event. */
  replay(id: string): number {
    return this.statements.replayAll.run(id).changes;
  }

  /**
   * The dead letter to deliver next, with its own failed attempts since it was replayed and when
   * it may be tried again: the webhook's retries belong to the event at its cursor.
   */
  nextReplay(id: string): ReplayingLetter | undefined {
    const row = this.statements.nextReplay.get(id);
    return row === undefined
      ? undefined
      : {
          eventId: row.event_id,
          attempts: row.replay_attempts,
          nextAttemptAt: row.replay_next_attempt_at,
        };
  }

  replayFailed(
    id: string,
    eventId: string,
    attempts: number,
    nextAttemptAt: number,
    error: string,
  ): void {
    this.statements.replayFailed.run(attempts, nextAttemptAt, error, id, eventId);
  }

  /** A replayed dead letter reached the receiver, or is no longer its owner's to read. */
  replayed(id: string, eventId: string): void {
    this.statements.replayed.run(id, eventId);
  }
}

function deliveryOf(row: WebhookRow): WebhookDelivery {
  const filter: EventFilter = {};
  for (const field of ['kind', 'stream', 'source'] as const) {
    const value = row[field];
    if (value !== null) {
      filter[field] = value;
    }
  }
  return {
    id: row.id,
    url: row.url,
    topic: row.topic,
    filter,
    createdAt: row.created_at,
    deliveredThrough: row.cursor ?? undefined,
    retry:
      row.attempts === 0
        ? undefined
        : {
            attempts: row.attempts,
            nextAttemptAt: new Date(row.next_attempt_at).toISOString(),
            lastError: row.last_error ?? '',
          },
    deadLetters: row.dead_letters,
    owner: row.owner,
    reader:
      row.organization === null ? { everyOrganization: true } : { organization: row.organization },
    secret: row.secret,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
  };
}

function publicView(delivery: WebhookDelivery): Webhook {
  const { id, url, topic, filter, createdAt, deliveredThrough, retry, deadLetters } = delivery;
  return { id, url, topic, filter, createdAt, deliveredThrough, retry, deadLetters };
}
