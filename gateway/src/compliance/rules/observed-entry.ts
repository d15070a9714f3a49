import { toLedgerTime } from '@audit-ledger/chaincode';
import type { FindingDraft, ObservedEntry } from '../rule';

/**
 * The payload of a version-1 entry of `kind`, which the contract checked against that version's
 * schema: a rule reads it as the fields that schema declares. Other versions are not read, since
 * a rule knows only the version it was written for.
 */
export function payloadOf(entry: ObservedEntry, kind: string): unknown {
  return entry.kind === kind && (entry.kindVersion ?? 1) === 1 ? entry.payload : undefined;
}

/** An entry as a finding names the entry it is about. */
export function findingEntry(entry: ObservedEntry): FindingDraft['entry'] {
  return { id: entry.id, position: entry.position, mspId: entry.submitter.mspId };
}

/** An entry's id as every reader can open it: ids are each organisation's own. */
export function qualifiedId(entry: ObservedEntry): string {
  return `${entry.submitter.mspId}/${entry.id}`;
}

/**
 * Milliseconds since the epoch of a payload's RFC 3339 time or of the ledger's commit time
 * (nanoseconds, which `Date.parse` is not specified to read): the same on every gateway.
 */
export function instantOf(time: string): number {
  return Date.parse(`${toLedgerTime(time).slice(0, 23)}Z`);
}

/** A state key of identifiers, JSON-encoded so that no identifier's characters make two collide. */
export function stateKey(prefix: string, ...parts: readonly string[]): string {
  return `${prefix}${JSON.stringify(parts)}`;
}
