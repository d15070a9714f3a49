import { EventEmitter } from 'node:events';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import {
  ComplianceEngine,
  parseFindingEventId,
  type FindingEvent,
} from '../compliance/compliance-engine';
import {
  ERASURE_KIND,
  toLedgerTime,
  type AuditEntry,
  type ChannelRecord,
} from '@audit-ledger/chaincode';
import type { ComplianceRule, RuleSettings } from '../compliance/rule';
import type { BlockFollowing, CommittedBlock, CommittedBlocks } from '../ledger/committed-blocks';
import { LedgerError, type Principal } from '../ledger/ledger';
import { openRebuildableDatabase } from '../sqlite';
import {
  EventLog,
  entryJson,
  parsePosition,
  type EventFilter,
  type EventReader,
  type LoggedEntry,
} from './event-log';
import { WebhookStore, type EventTopic } from './webhook-store';

/** One event as it travels, by Server-Sent Events or webhook. */
export interface DeliverableEvent {
  /** The ledger position of an entry, `f<sequence>` of a finding event. */
  id: string;
  /** `entry.committed`, `finding.raised`, `finding.closed`. */
  type: string;
  /** The entry (with its block number) or the finding, as JSON text. */
  json: string;
  /** Ledger time of the entry, for the commit-to-delivery latency. */
  committedAt?: string;
}

function entryEvent(id: string, json: string, committedAt: string): DeliverableEvent {
  return { id, type: 'entry.committed', json, committedAt };
}

/** Blocks read again for events whose bodies were dropped, kept for the pages that follow. */
const BLOCKS_KEPT_FOR_READERS = 4;
/** At most this many blocks' bodies are dropped at a time, so that no step holds the thread. */
const BODIES_DROPPED_PER_STEP = 8;
const DAY_MS = 86_400_000;

function findingEvent(event: FindingEvent): DeliverableEvent {
  return { id: event.id, type: `finding.${event.type}`, json: JSON.stringify(event.finding) };
}

export interface EventFeedOptions {
  file: string;
  blocks: CommittedBlocks;
  rules: readonly ComplianceRule[];
  ruleSettings: RuleSettings;
  /** How often deadlines are checked when no block commits. */
  sweepIntervalMs: number;
  /**
   * How many days of entries the database keeps whole; an older entry's event is read again
   * from its block when a stream or webhook reaches it. Undefined: every body is kept.
   */
  keepDays?: number;
  /**
   * An entry whose details are held privately, read whole for the compliance rules; undefined
   * when this gateway may not read it or it was erased meanwhile. Without it, the rules observe
   * what the channel holds whole only.
   */
  readDetails?: (record: ChannelRecord) => Promise<AuditEntry | undefined>;
  logger: Logger;
  now?: () => number;
}

/**
 * Feeds every committed block into the gateway's events database, in order and each once: the
 * entries' events and the compliance rules' findings change in one SQLite transaction with the
 * block's number, which is the checkpoint the feed resumes from after a restart. Readers wait
 * on `changed` rather than poll.
 */
export class EventFeed {
  readonly log: EventLog;
  readonly compliance: ComplianceEngine;
  readonly webhooks: WebhookStore;
  private readonly db: Database.Database;
  private readonly changeEvents = new EventEmitter();
  private changeCount = 0;
  private readonly now: () => number;
  private following: BlockFollowing | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  /** Blocks read again (or being read), most recently used last. */
  private readonly blocksRead = new Map<number, Promise<CommittedBlock>>();
  /** Old bodies being dropped, step by step; one run at a time. */
  private dropping: Promise<void> | undefined;
  private closing = false;

  constructor(private readonly options: EventFeedOptions) {
    // Synced by the WAL's checkpoints, not at every commit: a process killed loses nothing, and
    // a machine that loses power loses at most its last commits, which the feed follows again
    // from the blocks and webhooks deliver again (receivers drop a webhook-id seen before).
    this.db = openRebuildableDatabase(options.file);
    // Compliance state forgets an erased credit change; its bytes must not linger in free pages.
    this.db.pragma('secure_delete = ON');
    this.log = new EventLog(this.db);
    this.compliance = new ComplianceEngine(this.db, options.rules, options.ruleSettings);
    this.webhooks = new WebhookStore(this.db);
    this.now = options.now ?? Date.now;
    // Every SSE stream and webhook waits here; more than Node's default ten is normal.
    this.changeEvents.setMaxListeners(0);
  }

  start(): void {
    this.following ??= this.options.blocks.follow(this.log.height(), (block) => this.feed(block));
    this.sweeper ??= setInterval(() => {
      this.sweep();
    }, this.options.sweepIntervalMs);
    this.sweeper.unref();
  }

  /** How many changes there have been: a reader notes it before it reads (see changed). */
  changesSoFar(): number {
    return this.changeCount;
  }

  /**
   * Resolves at the next change (a block fed, a finding raised), at `timeoutMs`, or on abort;
   * whichever comes first removes the others' listeners, so that a stream waiting all day
   * leaves nothing behind on its signal. Given the count of changes a reader noted before it
   * last read, it resolves at once if there was one since: reading can yield (older bodies come
   * from blocks), and a change made meanwhile must not wait for the next.
   */
  changed(timeoutMs: number, signal: AbortSignal, changesSeen?: number): Promise<void> {
    return new Promise((resolve) => {
      if (changesSeen !== undefined && changesSeen !== this.changeCount) {
        resolve();
        return;
      }
      const settle = () => {
        clearTimeout(timer);
        this.changeEvents.off('change', settle);
        signal.removeEventListener('abort', settle);
        resolve();
      };
      const timer = setTimeout(settle, timeoutMs);
      this.changeEvents.once('change', settle);
      signal.addEventListener('abort', settle, { once: true });
      if (signal.aborted) {
        settle();
      }
    });
  }

  /**
   * Whose entries `principal` may read: the contract's `canRead`, by organisation. A principal
   * whose organisation may not grant its role is refused (FORBIDDEN), as the contract refuses it.
   */
  async readerOf(principal: Principal): Promise<EventReader> {
    const reader = await this.options.blocks.readerOf(principal);
    return reader.role === 'regulator'
      ? { everyOrganization: true }
      : { organization: reader.mspId };
  }

  /** Up to `limit` events of `topic` after `after` (from the first when undefined). */
  async eventsAfter(
    topic: EventTopic,
    after: string | undefined,
    filter: EventFilter,
    reader: EventReader,
    limit: number,
  ): Promise<DeliverableEvent[]> {
    if (topic === 'findings') {
      const sequence = after === undefined ? 0 : parseFindingEventId(after, 'Last-Event-ID');
      return this.compliance.eventsAfter(reader, sequence, limit).map(findingEvent);
    }
    const position = after === undefined ? undefined : parsePosition(after, 'Last-Event-ID');
    const events: DeliverableEvent[] = [];
    // A page's older entries come in ledger order, often many from one block: each block it
    // needs is read once for the page, however many readers share the cache meanwhile.
    const pageBlocks = new Map<number, Promise<CommittedBlock>>();
    for (const logged of this.log.after(position, filter, reader, limit)) {
      events.push(await this.entryEventOf(logged, pageBlocks));
    }
    return events;
  }

  /** The event `id` of `topic`, if the reader may read it. */
  async eventAt(
    topic: EventTopic,
    id: string,
    reader: EventReader,
  ): Promise<DeliverableEvent | undefined> {
    if (topic === 'findings') {
      const event = this.compliance.eventAt(reader, parseFindingEventId(id, 'eventId'));
      return event === undefined ? undefined : findingEvent(event);
    }
    const logged = this.log.at(parsePosition(id, 'eventId'), reader);
    return logged === undefined ? undefined : this.entryEventOf(logged);
  }

  /** The id of the newest event of `topic`: where a new subscription starts. */
  latest(topic: EventTopic): string | undefined {
    if (topic === 'findings') {
      const last = this.compliance.lastEvent();
      return last === 0 ? undefined : `f${last}`;
    }
    return this.log.last();
  }

  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.sweeper);
    await this.following?.stop();
    await this.dropping;
    this.db.close();
  }

  private async feed(block: CommittedBlock): Promise<void> {
    try {
      // Read before the transaction, which is synchronous; a failed read hands the block over
      // again (see CommittedBlocks.follow), so no rule misses an entry it may read.
      const whole = await this.wholeEntries(block);
      this.db.transaction(() => {
        this.compliance.observe(this.log.addBlock(block, whole));
      })();
      if (block.entries.some(({ entry }) => entry.kind === ERASURE_KIND)) {
        // What the rules forgot of an erased entry must not stay in older frames of the log.
        this.db.pragma('wal_checkpoint(TRUNCATE)');
      }
    } catch (error) {
      this.options.logger.error({ err: error, block: block.number }, 'feeding a block failed');
      throw error;
    }
    this.sweep();
    this.announceChange();
  }

  private announceChange(): void {
    this.changeCount += 1;
    this.changeEvents.emit('change');
  }

  /** A logged entry's event, its body read again from its block if no longer kept here. */
  private async entryEventOf(
    logged: LoggedEntry,
    pageBlocks = new Map<number, Promise<CommittedBlock>>(),
  ): Promise<DeliverableEvent> {
    if (logged.json !== undefined) {
      return entryEvent(logged.id, logged.json, logged.committedAt);
    }
    const { block, index } = logged.position;
    let read = pageBlocks.get(block);
    if (read === undefined) {
      read = this.blockRead(block);
      pageBlocks.set(block, read);
    }
    const stored = (await read).entries[index]?.stored;
    if (stored === undefined) {
      throw new Error(`block ${block} holds no entry at ${logged.id}`);
    }
    return entryEvent(logged.id, entryJson(block, stored), logged.committedAt);
  }

  /** A block read again: kept, or being read, for every reader that needs it meanwhile. */
  private blockRead(number: number): Promise<CommittedBlock> {
    const kept = this.blocksRead.get(number);
    if (kept !== undefined) {
      // Most recently used last: the cache drops the block read longest ago.
      this.blocksRead.delete(number);
      this.blocksRead.set(number, kept);
      return kept;
    }
    const read = this.options.blocks.block(number).catch((error: unknown) => {
      if (this.blocksRead.get(number) === read) {
        this.blocksRead.delete(number);
      }
      this.options.logger.warn({ err: error, block: number }, 'reading an older block failed');
      throw new LedgerError(
        'LEDGER_UNAVAILABLE',
        `block ${number}, which holds older events, could not be read`,
        undefined,
        error,
      );
    });
    this.blocksRead.set(number, read);
    for (const oldest of this.blocksRead.keys()) {
      if (this.blocksRead.size <= BLOCKS_KEPT_FOR_READERS) {
        break;
      }
      this.blocksRead.delete(oldest);
    }
    return read;
  }

  /** Starts dropping the bodies of entries older than keepDays, unless a run is under way. */
  private dropOldBodies(): void {
    const { keepDays } = this.options;
    if (keepDays === undefined || this.dropping !== undefined) {
      return;
    }
    const before = toLedgerTime(new Date(this.now() - keepDays * DAY_MS).toISOString());
    // Cleared in a later turn: a run with nothing to drop settles before it is assigned.
    this.dropping = this.dropBodiesBefore(before).finally(() => {
      this.dropping = undefined;
    });
  }

  private async dropBodiesBefore(before: string): Promise<void> {
    try {
      // A turn for requests between steps: a backlog of months drains without holding them.
      while (!this.closing && this.log.dropBodies(before, BODIES_DROPPED_PER_STEP) > 0) {
        await nextTurn();
      }
    } catch (error) {
      this.options.logger.error({ err: error }, 'dropping old event bodies failed');
    }
  }

  private async wholeEntries(block: CommittedBlock): Promise<Map<number, AuditEntry>> {
    const whole = new Map<number, AuditEntry>();
    const { readDetails } = this.options;
    if (readDetails === undefined) {
      return whole;
    }
    for (const [index, { entry }] of block.entries.entries()) {
      if (!('payload' in entry)) {
        const read = await readDetails(entry);
        if (read !== undefined) {
          whole.set(index, read);
        }
      }
    }
    return whole;
  }

  private sweep(): void {
    this.dropOldBodies();
    const before = this.compliance.lastEvent();
    try {
      this.compliance.sweep(this.now());
    } catch (error) {
      this.options.logger.error({ err: error }, 'checking compliance deadlines failed');
      return;
    }
    if (this.compliance.lastEvent() !== before) {
      this.announceChange();
    }
  }
}
