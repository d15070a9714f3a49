import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { EventReader } from '../events/event-log';
import { RequestError } from '../services/request-error';
import type { ComplianceRule, FindingDraft, ObservedEntry, RuleSettings, RuleState } from './rule';

/** The kind a regulator records to close a finding; its payload names the finding. */
export const FINDING_CLOSURE_KIND = 'finding-closure';

export interface FindingClosure {
  /** The `finding-closure` entry that closed it. */
  entryId: string;
  reason: string;
  closedBy: string;
  closedAt: string;
}

export interface Finding {
  id: string;
  rule: { id: string; version: number };
  title: ComplianceRule['title'];
  status: 'open' | 'closed';
  summary: string;
  details: FindingDraft['details'];
  /** The entry the finding is about, and the organisation that wrote it. */
  entry: { id: string; mspId: string; position: string };
  /** Ledger time of the entry that raised it, or the time a deadline was found passed. */
  raisedAt: string;
  closure?: FindingClosure;
}

/** A finding raised or closed, in the order this gateway saw it happen. */
export interface FindingEvent {
  /** `f<sequence>`: ids that order as the events happened here. */
  id: string;
  type: 'raised' | 'closed';
  finding: Finding;
}

export interface FindingQuery {
  status?: 'open' | 'closed' | undefined;
  rule?: string | undefined;
  /** The `sequence` of the last finding of the previous page. */
  after?: number | undefined;
  limit: number;
}

interface FindingRow {
  sequence: number;
  id: string;
  rule: string;
  rule_version: number;
  entry_id: string;
  entry_position: string;
  msp_id: string;
  summary: string;
  details: string;
  raised_at: string;
  closure: string | null;
}

interface FindingEventRow extends FindingRow {
  event_sequence: number;
  type: FindingEvent['type'];
}

const FINDING_EVENT_ID = /^f([1-9]\d{0,15})$/;

/** Reads a finding event's id a caller sent back. */
export function parseFindingEventId(id: string, field: string): number {
  const match = FINDING_EVENT_ID.exec(id);
  if (match === null) {
    throw new RequestError('INVALID_QUERY', `${field} is not a finding event id`, [
      { path: field, message: 'must be a finding event id: f<sequence>, e.g. f12' },
    ]);
  }
  return Number(match[1]);
}

/** A finding's id: the same on every gateway that evaluates the same rule over the same entries. */
export function findingId(rule: Pick<ComplianceRule, 'id' | 'version'>, key: string): string {
  const digest = createHash('sha256').update(key).digest('hex').slice(0, 20);
  return `${rule.id}-v${rule.version}-${digest}`;
}

/**
 * Evaluates compliance rules as entries commit and keeps their findings, in the gateway's events
 * database: rule state and findings change in the transaction that logs the entries' block, so
 * a restart neither misses an entry nor sees one twice. Findings carry the writing
 * organisation of the entry they are about, and are read under the contract's own rule.
 */
export class ComplianceEngine {
  private readonly statements;
  private readonly observers: Map<string, ComplianceRule[]>;

  constructor(
    private readonly db: Database.Database,
    readonly rules: readonly ComplianceRule[],
    private readonly settings: RuleSettings,
  ) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS rule_state (
        rule TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (rule, key)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS findings (
        sequence INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        rule TEXT NOT NULL,
        rule_version INTEGER NOT NULL,
        entry_id TEXT NOT NULL,
        entry_position TEXT NOT NULL,
        msp_id TEXT NOT NULL,
        summary TEXT NOT NULL,
        details TEXT NOT NULL,
        raised_at TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS finding_closures (
        finding_id TEXT PRIMARY KEY,
        closure TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS finding_events (
        sequence INTEGER PRIMARY KEY AUTOINCREMENT,
        finding_id TEXT NOT NULL,
        type TEXT NOT NULL
      );
    `);
    const columns = `f.sequence, f.id, f.rule, f.rule_version, f.entry_id, f.entry_position, f.msp_id,
      f.summary, f.details, f.raised_at, c.closure`;
    const visible = '(@organization IS NULL OR f.msp_id = @organization)';
    this.statements = {
      getState: db.prepare<[string, string], { value: string }>(
        'SELECT value FROM rule_state WHERE rule = ? AND key = ?',
      ),
      putState: db.prepare<[string, string, string]>(
        'INSERT INTO rule_state (rule, key, value) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET value = excluded.value',
      ),
      removeState: db.prepare<[string, string]>(
        'DELETE FROM rule_state WHERE rule = ? AND key = ?',
      ),
      listState: db.prepare<[string, string, string], { key: string; value: string }>(
        'SELECT key, value FROM rule_state WHERE rule = ? AND key >= ? AND key < ? ORDER BY key',
      ),
      insertFinding: db.prepare(
        `INSERT OR IGNORE INTO findings
           (id, rule, rule_version, entry_id, entry_position, msp_id, summary, details, raised_at)
         VALUES (@id, @rule, @ruleVersion, @entryId, @position, @mspId, @summary, @details, @raisedAt)`,
      ),
      insertClosure: db.prepare<[string, string]>(
        'INSERT OR IGNORE INTO finding_closures (finding_id, closure) VALUES (?, ?)',
      ),
      isRaised: db.prepare<[string], { found: number }>(
        'SELECT 1 AS found FROM findings WHERE id = ?',
      ),
      insertEvent: db.prepare<[string, string]>(
        'INSERT INTO finding_events (finding_id, type) VALUES (?, ?)',
      ),
      page: db.prepare<
        {
          organization: string | null;
          status: string | null;
          rule: string | null;
          after: number;
          limit: number;
        },
        FindingRow
      >(
        `SELECT ${columns} FROM findings f LEFT JOIN finding_closures c ON c.finding_id = f.id
         WHERE ${visible} AND f.sequence > @after AND (@rule IS NULL OR f.rule = @rule)
           AND (@status IS NULL OR (@status = 'closed') = (c.closure IS NOT NULL))
         ORDER BY f.sequence LIMIT @limit`,
      ),
      one: db.prepare<{ organization: string | null; id: string }, FindingRow>(
        `SELECT ${columns} FROM findings f LEFT JOIN finding_closures c ON c.finding_id = f.id
         WHERE ${visible} AND f.id = @id`,
      ),
      eventsAfter: db.prepare<
        { organization: string | null; after: number; limit: number },
        FindingEventRow
      >(
        `SELECT e.sequence AS event_sequence, e.type, ${columns}
         FROM finding_events e JOIN findings f ON f.id = e.finding_id
         LEFT JOIN finding_closures c ON c.finding_id = f.id
         WHERE ${visible} AND e.sequence > @after ORDER BY e.sequence LIMIT @limit`,
      ),
      eventAt: db.prepare<{ organization: string | null; sequence: number }, FindingEventRow>(
        `SELECT e.sequence AS event_sequence, e.type, ${columns}
         FROM finding_events e JOIN findings f ON f.id = e.finding_id
         LEFT JOIN finding_closures c ON c.finding_id = f.id
         WHERE ${visible} AND e.sequence = @sequence`,
      ),
      lastEvent: db.prepare<[], { sequence: number | null }>(
        'SELECT MAX(sequence) AS sequence FROM finding_events',
      ),
    };
    this.observers = new Map();
    for (const rule of rules) {
      for (const kind of rule.observes === '*' ? ['*'] : rule.observes) {
        this.observers.set(kind, [...(this.observers.get(kind) ?? []), rule]);
      }
    }
  }

  /**
   * Shows each rule the entries it observes, in order, and records closures; run it in the
   * transaction that logs the entries' block.
   */
  observe(entries: readonly ObservedEntry[]): void {
    for (const entry of entries) {
      if (entry.kind === FINDING_CLOSURE_KIND) {
        this.close(entry);
      }
      const rules = [...(this.observers.get(entry.kind) ?? []), ...(this.observers.get('*') ?? [])];
      for (const rule of rules) {
        const drafts = rule.observe(entry, this.stateOf(rule), this.settings);
        this.raise(rule, drafts, entry.committedAt);
      }
    }
  }

  /** Asks every rule what time alone has made a finding by `now`; one transaction. */
  sweep(now: number): void {
    this.db.transaction(() => {
      for (const rule of this.rules) {
        if (rule.due !== undefined) {
          this.raise(
            rule,
            rule.due(now, this.stateOf(rule), this.settings),
            new Date(now).toISOString(),
          );
        }
      }
    })();
  }

  findings(
    reader: EventReader,
    query: FindingQuery,
  ): { items: Finding[]; after: number | undefined } {
    const rows = this.statements.page.all({
      organization: organizationOf(reader),
      status: query.status ?? null,
      rule: query.rule ?? null,
      after: query.after ?? 0,
      limit: query.limit,
    });
    return {
      items: rows.map((row) => this.findingOf(row)),
      after: rows.length < query.limit ? undefined : rows.at(-1)?.sequence,
    };
  }

  finding(reader: EventReader, id: string): Finding | undefined {
    const row = this.statements.one.get({ organization: organizationOf(reader), id });
    return row === undefined ? undefined : this.findingOf(row);
  }

  /** Findings raised and closed after event `after` (0: from the first), in the order they were. */
  eventsAfter(reader: EventReader, after: number, limit: number): FindingEvent[] {
    return this.statements.eventsAfter
      .all({ organization: organizationOf(reader), after, limit })
      .map((row) => this.findingEventOf(row));
  }

  /** Finding event `sequence`, if the reader may read its finding. */
  eventAt(reader: EventReader, sequence: number): FindingEvent | undefined {
    const row = this.statements.eventAt.get({ organization: organizationOf(reader), sequence });
    return row === undefined ? undefined : this.findingEventOf(row);
  }

  /** The last finding event's sequence: what changes when there is something new to send. */
  lastEvent(): number {
    return this.statements.lastEvent.get()?.sequence ?? 0;
  }

  private raise(rule: ComplianceRule, drafts: readonly FindingDraft[], raisedAt: string): void {
    for (const draft of drafts) {
      const id = findingId(rule, draft.key);
      const inserted = this.statements.insertFinding.run({
        id,
        rule: rule.id,
        ruleVersion: rule.version,
        entryId: draft.entry.id,
        position: draft.entry.position,
        mspId: draft.entry.mspId,
        summary: draft.summary,
        details: JSON.stringify(draft.details),
        raisedAt,
      });
      if (inserted.changes > 0) {
        this.statements.insertEvent.run(id, 'raised');
      }
    }
  }

  /** A regulator's `finding-closure`: the finding is closed, now or when it is raised here. */
  private close(entry: ObservedEntry): void {
    const payload = entry.payload as {
      finding: { id: string };
      reason: string;
      closedBy: string;
      occurredAt: string;
    };
    const closure: FindingClosure = {
      entryId: entry.id,
      reason: payload.reason,
      closedBy: payload.closedBy,
      closedAt: payload.occurredAt,
    };
    const recorded = this.statements.insertClosure.run(payload.finding.id, JSON.stringify(closure));
    if (recorded.changes > 0 && this.statements.isRaised.get(payload.finding.id) !== undefined) {
      this.statements.insertEvent.run(payload.finding.id, 'closed');
    }
  }

  private stateOf(rule: ComplianceRule): RuleState {
    const name = `${rule.id}@${rule.version}`;
    const { getState, putState, removeState, listState } = this.statements;
    return {
      get: (key) => {
        const row = getState.get(name, key);
        return row === undefined ? undefined : (JSON.parse(row.value) as unknown);
      },
      put: (key, value) => {
        putState.run(name, key, JSON.stringify(value));
      },
      remove: (key) => {
        removeState.run(name, key);
      },
      list: (prefix) =>
        listState
          // The last code point: every key under the prefix sorts below it, byte by byte.
          .all(name, prefix, `${prefix}\u{10FFFF}`)
          .map(({ key, value }): [string, unknown] => [key, JSON.parse(value) as unknown]),
    };
  }

  private findingEventOf(row: FindingEventRow): FindingEvent {
    return { id: `f${row.event_sequence}`, type: row.type, finding: this.findingOf(row) };
  }

  private findingOf(row: FindingRow): Finding {
    const rule = this.rules.find(
      (candidate) => candidate.id === row.rule && candidate.version === row.rule_version,
    );
    const finding: Finding = {
      id: row.id,
      rule: { id: row.rule, version: row.rule_version },
      title: rule?.title ?? { en: row.rule, 'zh-CN': row.rule },
      status: row.closure === null ? 'open' : 'closed',
      summary: row.summary,
      details: JSON.parse(row.details) as Finding['details'],
      entry: { id: row.entry_id, mspId: row.msp_id, position: row.entry_position },
      raisedAt: row.raised_at,
    };
    if (row.closure !== null) {
      finding.closure = JSON.parse(row.closure) as FindingClosure;
    }
    return finding;
  }
}

function organizationOf(reader: EventReader): string | null {
  return 'organization' in reader ? reader.organization : null;
}
