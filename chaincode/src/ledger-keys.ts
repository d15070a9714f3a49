/**
 * World-state key layout. Every entry writes only keys of its own (no counters, no shared
 * read-modify-write keys), so concurrent transactions never conflict on MVCC.
 *
 * Keys are simple keys whose parts are joined by U+0000 (schemas forbid it inside values), so a
 * prefix plus U+10FFFF bounds a partition and a time bound is just a longer prefix. Fabric refuses
 * range queries over composite keys (those start with U+0000), which is why these do not.
 */

const SEPARATOR = '\u0000';
const RANGE_END = '\u{10FFFF}';
const SEQUENCE_WIDTH = 16; // Number.MAX_SAFE_INTEGER has 16 digits
const POSITION_WIDTH = 4; // a transaction holds at most 1,000 entries

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

/** The organisation an entry key belongs to: what reading it depends on. */
export function organizationOfEntryKey(key: string): string {
  return key.slice(key.lastIndexOf(SEPARATOR) + 1);
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

/** Commit order: ledger time, then transaction, then position inside the transaction. */
export function indexKey(
  index: string,
  partition: string,
  position: { committedAt: string; txId: string; index: number },
): string {
  return join(
    'ix',
    index,
    partition,
    position.committedAt,
    position.txId,
    String(position.index).padStart(POSITION_WIDTH, '0'),
  );
}

/** `[startKey, endKey)` of an index partition, optionally bounded by ledger time `[from, to)`. */
export function indexRange(
  index: string,
  partition: string,
  bounds: { from?: string | undefined; to?: string | undefined },
): { startKey: string; endKey: string } {
  const prefix = join('ix', index, partition, '');
  return {
    startKey: prefix + (bounds.from ?? ''),
    endKey: prefix + (bounds.to ?? RANGE_END),
  };
}

/** Whether `key` lies in `[startKey, endKey)` in the ledger's byte order (UTF-8). */
export function keyInRange(key: string, range: { startKey: string; endKey: string }): boolean {
  const bytes = Buffer.from(key);
  return (
    Buffer.compare(bytes, Buffer.from(range.startKey)) >= 0 &&
    Buffer.compare(bytes, Buffer.from(range.endKey)) < 0
  );
}
