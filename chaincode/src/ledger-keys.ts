/**
 * World-state key layout. Every transaction writes only keys of its own (no counters, no shared
 * read-modify-write keys), so concurrent transactions never conflict on MVCC.
 *
 * Keys are simple keys whose parts are joined by U+0000 (schemas forbid it inside values), so a
 * prefix plus U+10FFFF bounds a range (every organisation's entry under one id) and a time bound
 * is just a longer prefix (the retentions due before a time). Fabric refuses range queries over
 * composite keys (those start with U+0000), which is why these do not.
 *
 * The contract keeps no index of its own (index layout 4): a gateway lists entries by partition
 * from the blocks it follows, so an entry costs the peers its own key and no more.
 */

const SEPARATOR = '\u0000';
const RANGE_END = '\u{10FFFF}';
const SEQUENCE_WIDTH = 16; // Number.MAX_SAFE_INTEGER has 16 digits

function join(...parts: string[]): string {
  return parts.join(SEPARATOR);
}

/** Every entry key starts with this. */
export const ENTRY_KEY_PREFIX = join('entry', '');

/**
 * An entry's own key. Ids are each organisation's own: the same id names one entry per
 * organisation, so a writer can never learn from a refused id that another organisation used it.
 */
export function entryKey(id: string, mspId: string): string {
  return join('entry', id, mspId);
}

/** The range holding every organisation's entry under one id. */
export function entryKeysOf(id: string): { startKey: string; endKey: string } {
  return { startKey: join('entry', id, ''), endKey: join('entry', id, RANGE_END) };
}

/** A consortium setting, written once at setup (e.g. `pseudonym-key`). */
export function settingKey(name: string): string {
  return join('setting', name);
}

/** Claims a writer's sequence number, so a source cannot use it twice. */
export function sequenceKey(source: string, sourceSeq: number): string {
  return join('seq', source, String(sourceSeq).padStart(SEQUENCE_WIDTH, '0'));
}

/**
 * From when an entry whose details are held privately may be erased: `{erasableAfter, txId}`,
 * the retention and the transaction that set it (the entry's own, or the one that ended its
 * retention group).
 */
export function retentionKey(mspId: string, id: string): string {
  return join('retain', mspId, id);
}

/**
 * Lists an entry under the ledger time its retention ends, so that a sweep finds what is due in
 * time order; its value is the entry's retention key. Removed when the entry is erased.
 */
export function dueKey(erasableAfter: string, mspId: string, id: string): string {
  return join('due', erasableAfter, mspId, id);
}

/** The due keys of every retention that ended before ledger time `until`. */
export function dueRange(until: string): { startKey: string; endKey: string } {
  return { startKey: join('due', ''), endKey: join('due', until) };
}

/** Marks an entry as erased: its value is the erasure (see ErasureMark). */
export function erasureKey(mspId: string, id: string): string {
  return join('erased', mspId, id);
}

/** The entry an erasure key marks; undefined for any other key. */
export function entryErasedBy(key: string): { mspId: string; id: string } | undefined {
  const [prefix, mspId, id, ...rest] = key.split(SEPARATOR);
  return prefix === 'erased' && mspId !== undefined && id !== undefined && rest.length === 0
    ? { mspId, id }
    : undefined;
}
