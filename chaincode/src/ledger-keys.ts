/**
 * World-state key layout. Every transaction writes only keys of its own (no counters, no shared
 * read-modify-write keys), so concurrent transactions never conflict on MVCC.
 *
 * Keys are simple keys whose parts are joined by U+0000 (schemas forbid it inside values), so a
 * prefix plus U+10FFFF bounds a partition and a time bound is just a longer prefix. Fabric refuses
 * range queries over composite keys (those start with U+0000), which is why these do not.
 */

const SEPARATOR = '\u0000';
const RANGE_END = '\u{10FFFF}';
const SEQUENCE_WIDTH = 16; // Number.MAX_SAFE_INTEGER has 16 digits
const INDEX_PREFIX = 'ixt'; // index layout 3: a key per transaction (see indexKey)
const PRIVATE_INDEX_PREFIX = 'ixp'; // a key per entry, in a private data collection

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
 * One transaction's key in one organisation's part of an index partition (index layout 3). Keys
 * follow commit order, ledger time then transaction; the value lists the ids of the
 * transaction's entries in that partition, in their order inside the transaction (see
 * indexedIds). One key per transaction rather than per entry: a batch's entries share many of
 * their partitions (kind and source always), so a 500-entry transaction writes one index key
 * for each partition its entries fall in instead of one per entry in every index. Each organisation's entries have a part of their own, so that reading what a
 * writer may read (its own organisation's) never touches another organisation's keys; a
 * transaction's entries are all its submitter's organisation's.
 */
export function indexKey(
  index: string,
  partition: string,
  mspId: string,
  position: { committedAt: string; txId: string },
): string {
  return join(INDEX_PREFIX, index, partition, mspId, position.committedAt, position.txId);
}

/**
 * One entry's key in one organisation's part of an index partition, in the private data
 * collection that holds the entry's details: a key per entry rather than per transaction, so
 * that erasing one entry purges its own keys and no other entry's. The value lists its one id,
 * as indexValue does, and keys follow commit order as indexKey's do.
 */
export function privateIndexKey(
  index: string,
  partition: string,
  mspId: string,
  position: { committedAt: string; txId: string },
  id: string,
): string {
  return join(
    PRIVATE_INDEX_PREFIX,
    index,
    partition,
    mspId,
    position.committedAt,
    position.txId,
    id,
  );
}

/** An index key's value: the ids it lists, in order. */
export function indexValue(ids: readonly string[]): string {
  return JSON.stringify(ids);
}

/** The ids an index key's value lists, in order. */
export function indexedIds(value: string): string[] {
  return JSON.parse(value) as string[];
}

/**
 * `[startKey, endKey)` of one organisation's part of an index partition, optionally bounded by
 * ledger time `[from, to)`.
 */
export function indexRange(
  index: string,
  partition: string,
  mspId: string,
  bounds: { from?: string | undefined; to?: string | undefined },
  held: 'channel' | 'private' = 'channel',
): { startKey: string; endKey: string } {
  const prefix = join(
    held === 'channel' ? INDEX_PREFIX : PRIVATE_INDEX_PREFIX,
    index,
    partition,
    mspId,
    '',
  );
  return {
    startKey: prefix + (bounds.from ?? ''),
    endKey: prefix + (bounds.to ?? RANGE_END),
  };
}

/**
 * An index key's parts: `ixt` (or `ixp`), index, partition, organisation, then its commit
 * position (and, in a private collection, the entry's id).
 */
const COMMIT_POSITION_PART = 4;

/**
 * What orders index keys of different organisations' parts of one partition: their ledger time
 * and transaction, as bytes, since the ledger orders keys by their UTF-8 bytes.
 */
export function commitPositionOf(key: string): Buffer {
  return Buffer.from(key.split(SEPARATOR).slice(COMMIT_POSITION_PART).join(SEPARATOR));
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

/**
 * Where index layouts 1 and 2 wrote a key per entry (layout 2 with the writing organisation,
 * layout 1 without). This contract reads layout 3 only.
 */
export const PER_ENTRY_INDEX_KEYS = { startKey: join('ix', ''), endKey: join('ix', RANGE_END) };

/** Whether `key` lies in `[startKey, endKey)` in the ledger's byte order (UTF-8). */
export function keyInRange(key: string, range: { startKey: string; endKey: string }): boolean {
  const bytes = Buffer.from(key);
  return (
    Buffer.compare(bytes, Buffer.from(range.startKey)) >= 0 &&
    Buffer.compare(bytes, Buffer.from(range.endKey)) < 0
  );
}
