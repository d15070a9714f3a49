import type { Role } from './roles';
import type { EntryRequest } from './kinds/registry';

export interface Submitter {
  mspId: string;
  role: Role;
  name: string;
  subject: string;
}

/** What the ledger adds to a request when it commits it. */
export interface CommitFacts {
  stream: string;
  source: string;
  /** `sha256:` of the RFC 8785 form of `{kind, id, payload}`. */
  digest: string;
  txId: string;
  committedAt: string;
  submitter: Submitter;
}

/**
 * A committed, immutable audit entry. Entries recorded before kinds had versions carry no
 * `kindVersion`: they are version 1, and their digest is the same either way.
 */
export type AuditEntry = EntryRequest & CommitFacts;

export interface EntryPage {
  items: AuditEntry[];
  /** Pass back to continue; empty when there is nothing more. */
  bookmark: string;
}

/** The one chaincode event each recording transaction emits: ids and kinds, nothing personal. */
export const ENTRIES_RECORDED_EVENT = 'EntriesRecorded';

export interface EntriesRecordedEvent {
  entries: { id: string; kind: string }[];
}
