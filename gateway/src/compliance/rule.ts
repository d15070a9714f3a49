import type { AuditEntry } from '@audit-ledger/chaincode';
import type { KindTitle } from '@audit-ledger/chaincode';

/** A committed entry as rules see it, with its place in the ledger. */
export interface ObservedEntry extends AuditEntry {
  blockNumber: number;
  /** `<block>.<index in block>`: entries are observed in this order, each once. */
  position: string;
}

/**
 * What a rule remembers between entries: JSON values under keys of its own choosing, kept with
 * the findings and changed in the same transaction as the entry that changed them. Values come
 * back as the rule put them, so it reads them as the type it wrote.
 */
export interface RuleState {
  get(key: string): unknown;
  put(key: string, value: unknown): void;
  remove(key: string): void;
  /** Every key starting with `prefix`, with its value, in key order. */
  list(prefix: string): [key: string, value: unknown][];
}

/** A finding as a rule raises it; the engine gives it its id, time and status. */
export interface FindingDraft {
  /** Unique within the rule version: raising the same key again is the same finding. */
  key: string;
  /** The entry the finding is about: whoever may read that entry may read the finding. */
  entry: { id: string; position: string; mspId: string };
  /** One sentence for people; names identifiers from the entries, never a credit subject. */
  summary: string;
  /** The facts a reviewer checks: related entries' ids, the times compared. */
  details: Record<string, string | number | boolean | readonly string[]>;
}

/** Settings a deployment may tune; rules read them rather than hold their own constants. */
export interface RuleSettings {
  /** How long a missing `sourceSeq` may stay missing before it is a finding. */
  sequenceGapGraceMs: number;
}

export const DEFAULT_RULE_SETTINGS: RuleSettings = { sequenceGapGraceMs: 15 * 60_000 };

/**
 * One version of one compliance rule, a module of its own like a kind version. `observe` sees
 * every committed entry of the kinds it names, in ledger order, exactly once; `due` is asked,
 * now and then and after each block, what time alone has made a finding (a deadline passed).
 * Both must be deterministic in their inputs: every organisation's gateway evaluates the same
 * entries and must raise the same findings.
 */
export interface ComplianceRule {
  /** Lower-case words joined by hyphens; never renamed once findings exist. */
  id: string;
  version: number;
  title: KindTitle;
  /** One paragraph for the docs: what the rule checks and why it matters. */
  description: string;
  /** The kinds it observes; `'*'` for every kind. */
  observes: readonly string[] | '*';
  observe(entry: ObservedEntry, state: RuleState, settings: RuleSettings): FindingDraft[];
  due?(now: number, state: RuleState, settings: RuleSettings): FindingDraft[];
}
