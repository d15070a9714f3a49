import type {
  AuditEntry,
  ChannelRecord,
  EntryDetails,
  ErasedEntry,
  ReadEntry,
} from './audit-entry';
import { canonicalJson, sha256Digest } from './canonical-json';

/**
 * How an entry whose details are held privately is proved without them: the channel keeps its
 * record, and the record keeps the hash of the details. Free of the contract's runtime, so an
 * offline verifier checks entries with it too.
 */

/** The hash the channel keeps of an entry's details: of their canonical JSON, as stored. */
export function detailsSha256(details: EntryDetails): string {
  return sha256Digest(canonicalJson(details));
}

/**
 * What the channel stores of an entry as a read answers it: the entry itself, or, for one whose
 * details are held privately (erased or not), its record without payload, stream or erasure.
 */
export function channelForm(entry: ReadEntry): AuditEntry | ChannelRecord {
  if (entry.details === undefined) {
    return entry;
  }
  const { details } = entry;
  const {
    payload: _payload,
    stream: _stream,
    erased: _erased,
    ...record
  } = entry as AuditEntry & Partial<ErasedEntry>;
  return { ...record, details };
}
