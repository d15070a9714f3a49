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
 * An entry's key in one organisation's part of an index partition, where keys follow commit
 * order: ledger time, then transaction, then position inside the transaction. Each organisation's
 * entries have a part of their own, so that reading what a writer may read (its own
 * organisation's) never touches another organisation's keys.
 */
export function indexKey(
  index: string,
  partition: string,
  mspId: string,
  position: { committedAt: string; txId: string; index: number },
): string {
  return join(
    'ix',
    index,
    partition,
    mspId,
    position.committedAt,
    position.txId,
    String(position.index).padStart(POSITION_WIDTH, '0'),
  );
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
): { startKey: string; endKey: string } {
  const prefix = join('ix', index, partition, mspId, '');
  return {
    startKey: prefix + (bounds.from ?? ''),
    endKey: prefix + (bounds.to ?? RANGE_END),
  };
}

/** An index key's parts: `ix`, index, partition, organisation, then its commit position. */
const INDEX_KEY_PARTS = 7;
const COMMIT_POSITION_PART = 4;

/**
 * What orders index keys of different organisations' parts of one partition: their ledger time,
 * transaction and position, as bytes, since the ledger orders keys by their UTF-8 bytes.
 */
export function commitPositionOf(key: string): Buffer {
  return Buffer.from(key.split(SEPARATOR).slice(COMMIT_POSITION_PART).join(SEPARATOR));
}

/** Every index key, of every layout, lies in this range. */
export const INDEX_KEYS = { startKey: join('ix', ''), endKey: join('ix', RANGE_END) };

/**
 * Whether an index key names the writing organisation. Index keys written before partitions were
 * split by organisation (index layout 1) have one part fewer; this contract reads only layout 2.
 */
export function isOrganizationIndexKey(key: string): boolean {
  return key.split(SEPARATOR).length === INDEX_KEY_PARTS;
}

/** Whether `key` lies in `[startKey, endKey)` in the ledger's byte order (UTF-8). */
export function keyInRange(key: string, range: { startKey: string; endKey: string }): boolean {
  const bytes = Buffer.from(key);
  return (
    Buffer.compare(bytes, Buffer.from(range.startKey)) >= 0 &&
    Buffer.compare(bytes, Buffer.from(range.endKey)) < 0
  );
}
