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

/** Where an entry's details are held, and the hash that proves them once they are gone. */
export interface DetailsReference {
  /** The private data collection. */
  collection: string;
  /** `sha256:` of the details as stored (EntryDetails, canonical JSON). */
  sha256: string;
}

/**
 * A committed, immutable audit entry. Entries recorded before kinds had versions carry no
 * `kindVersion`: they are version 1, and their digest is the same either way. An entry of a
 * kind whose details are held privately names where (`details`).
 */
export type AuditEntry = EntryRequest & CommitFacts & { details?: DetailsReference };

/** What the channel holds of an entry whose details are held privately: no payload, no stream. */
export type ChannelRecord = Omit<AuditEntry, 'payload' | 'stream' | 'details'> & {
  details: DetailsReference;
};

/** The private part of such an entry, in its collection. */
export interface EntryDetails {
  payload: Record<string, unknown>;
  stream: string;
}

/** Who erased an entry's details, when, why, and the entry that records it. */
export interface ErasureMark {
  /** The `entry-erasure` entry's id (the eraser's organisation's). */
  erasureId: string;
  erasedAt: string;
  erasedBy: { mspId: string; name: string; role: Role };
  reason: string;
  legalBasis: string;
  txId: string;
}

/** An entry whose details were erased: what the channel still proves, and the erasure. */
export type ErasedEntry = ChannelRecord & { erased: ErasureMark };

/** An entry as a read answers it: whole, or erased. */
export type ReadEntry = AuditEntry | ErasedEntry;

export function isErased(entry: ReadEntry): entry is ErasedEntry {
  return 'erased' in entry;
}

export interface EntryPage {
  items: ReadEntry[];
  /** Pass back to continue; empty when there is nothing more. */
  bookmark: string;
}

/** The one chaincode event each recording transaction emits: ids and kinds, nothing personal. */
export const ENTRIES_RECORDED_EVENT = 'EntriesRecorded';

/** The kind an erasure records, beside the purge, in EraseEntry's transaction alone. */
export const ERASURE_KIND = 'entry-erasure';

export interface EntriesRecordedEvent {
  entries: { id: string; kind: string }[];
}
