import type { Context } from 'fabric-contract-api';
import type { Iterators, QueryResponseMetadata, StateQueryResponse } from 'fabric-shim-api';
import { canRead, type Caller } from './access-policy';
import type { AuditEntry, ChannelRecord } from './audit-entry';
import { toLedgerTime } from './commit-time';
import { peerOrganizations, type Consortium } from './consortium';
import { ContractError } from './contract-error';
import type { EntryCountQuery } from './entry-query';
import { commitPositionOf, entryKey, indexRange, indexedIds, keyInRange } from './ledger-keys';
import { getStates } from './state-batches';
import { INDEXES_NAMING_NO_SUBJECT } from './entry-postings';

/**
 * Reading an index partition, which holds one part per writing organisation (see indexKey). A
 * caller reads the parts of the organisations whose entries it may read, and nothing of the
 * others: a writer's page, bookmark, count and the work behind them depend only on its own
 * organisation's entries. A regulator's page merges every part in commit order.
 */

/**
 * One organisation's part of the index range a query names: on the channel, or in a private
 * data collection (the entries whose details it holds, see entry-details.ts).
 */
export interface IndexPart {
  /** Names the part in bookmarks: the organisation, and the collection if any. */
  id: string;
  mspId: string;
  collection?: string;
  range: { startKey: string; endKey: string };
}

/**
 * The parts of the range `query` names that `caller` reads, in the consortium's order: one for
 * each organisation whose entries canRead lets it read, and, for a caller whose organisation
 * holds a private data collection, that organisation's part of the collection's index too.
 */
export function readableParts(
  caller: Caller,
  consortium: Consortium,
  query: EntryCountQuery,
): IndexPart[] {
  const bounds = {
    from: query.from === undefined ? undefined : toLedgerTime(query.from),
    to: query.to === undefined ? undefined : toLedgerTime(query.to),
  };
  const readable = peerOrganizations(consortium).filter((mspId) =>
    canRead(caller, { submitter: { mspId } }),
  );
  const held = (INDEXES_NAMING_NO_SUBJECT as readonly string[]).includes(query.by)
    ? []
    : consortium.collections.filter((collection) => collection.members.includes(caller.mspId));
  return [
    ...readable.map((mspId) => ({
      id: mspId,
      mspId,
      range: indexRange(query.by, query.value, mspId, bounds),
    })),
    ...held.flatMap(({ name }) =>
      readable.map((mspId) => ({
        id: `${mspId} ${name}`,
        mspId,
        collection: name,
        range: indexRange(query.by, query.value, mspId, bounds, 'private'),
      })),
    ),
  ];
}

/** One index key: a transaction's entries in one part, in their order inside it. */
interface IndexHit {
  key: string;
  ids: string[];
}

/**
 * Up to `size` keys of a range from `start` (its beginning when empty), and the key the range
 * goes on with ('' when it ends there).
 */
async function readIndexChunk(
  ctx: Context,
  part: IndexPart,
  size: number,
  start: string,
): Promise<{ hits: IndexHit[]; next: string }> {
  const { range, collection } = part;
  if (collection !== undefined) {
    return readPrivateIndexChunk(ctx, collection, range, size, start);
  }
  // A peer sends no page metadata for an empty range (fabric-shim then leaves it undefined,
  // whatever its type says): no metadata means no next page.
  const { iterator, metadata } = (await ctx.stub.getStateByRangeWithPagination(
    range.startKey,
    range.endKey,
    size,
    start,
  )) as Omit<StateQueryResponse<Iterators.StateQueryIterator>, 'metadata'> & {
    metadata?: QueryResponseMetadata;
  };
  const hits: IndexHit[] = [];
  try {
    for (let item = await iterator.next(); !item.done; item = await iterator.next()) {
      hits.push({
        key: item.value.key,
        ids: indexedIds(Buffer.from(item.value.value).toString('utf8')),
      });
    }
  } finally {
    await iterator.close();
  }
  return { hits, next: metadata?.bookmark ?? '' };
}

/**
 * readIndexChunk over a collection, whose range reads have no pages: the iterator is closed
 * once it has handed over one key past the chunk, which is where the next chunk starts.
 */
async function readPrivateIndexChunk(
  ctx: Context,
  collection: string,
  range: { startKey: string; endKey: string },
  size: number,
  start: string,
): Promise<{ hits: IndexHit[]; next: string }> {
  const hits: IndexHit[] = [];
  let next = '';
  // Iterated, not awaited: fabric-shim's promise resolves to the peer's response, not an
  // iterator; leaving the loop closes the iterator.
  for await (const item of ctx.stub.getPrivateDataByRange(
    collection,
    start === '' ? range.startKey : start,
    range.endKey,
  )) {
    if (hits.length === size) {
      next = item.key;
      break;
    }
    hits.push({ key: item.key, ids: indexedIds(Buffer.from(item.value).toString('utf8')) });
  }
  return { hits, next };
}

function foreignBookmark(): ContractError {
  return new ContractError('INVALID_ARGUMENT', 'the bookmark does not belong to this query', [
    { path: 'bookmark', message: 'was not returned by this query' },
  ]);
}

/** Where a part goes on: an index key of its range, and how many of the key's ids were read. */
interface PartStart {
  key: string;
  skip: number;
}

function isPosition(value: unknown): value is [string, number] {
  return (
    Array.isArray(value) &&
    value.length === 2 &&
    typeof value[0] === 'string' &&
    Number.isInteger(value[1]) &&
    (value[1] as number) >= 0
  );
}

/**
 * Where each part goes on, by organisation, from a bookmark: a JSON list of `[index key,
 * skip]`, one for each part that has more, each key in the range of its own part. A part the
 * bookmark does not name is done. No bookmark starts every part at its beginning.
 */
function startsOf(parts: readonly IndexPart[], bookmark: string): Map<string, PartStart> {
  if (bookmark === '') {
    return new Map(parts.map((part) => [part.id, { key: '', skip: 0 }]));
  }
  let positions: unknown;
  try {
    positions = JSON.parse(bookmark);
  } catch {
    throw foreignBookmark();
  }
  if (!Array.isArray(positions) || positions.length === 0) {
    throw foreignBookmark();
  }
  const starts = new Map<string, PartStart>();
  for (const position of positions as unknown[]) {
    if (!isPosition(position)) {
      throw foreignBookmark();
    }
    const [key, skip] = position;
    const part = parts.find((candidate) => keyInRange(key, candidate.range));
    if (part === undefined || starts.has(part.id)) {
      throw foreignBookmark();
    }
    starts.set(part.id, { key, skip });
  }
  return starts;
}

/**
 * What one part has read: its keys, each with its commit position, the key the page is at and
 * how many of that key's ids it has taken, and where the part's range goes on.
 */
interface PartHead {
  mspId: string;
  hits: (IndexHit & { position: Buffer })[];
  at: number;
  taken: number;
  next: string;
}

/** Index keys the first read of a part asks for; each further read asks for twice as many. */
const FIRST_CHUNK = 16;

/**
 * Reads one part from `start` until it holds `wanted` ids past the start or its range ends.
 * A key lists one to a thousand ids, so reads start small and grow, bounded by the ids still
 * wanted: a page never reads more keys than it could take ids.
 */
async function readPart(
  ctx: Context,
  part: IndexPart,
  start: PartStart,
  wanted: number,
): Promise<PartHead> {
  const head: PartHead = { mspId: part.mspId, hits: [], at: 0, taken: start.skip, next: start.key };
  let held = -start.skip;
  let chunkSize = FIRST_CHUNK;
  do {
    const { hits, next } = await readIndexChunk(
      ctx,
      part,
      Math.min(chunkSize, wanted - Math.max(held, 0)),
      head.next,
    );
    for (const hit of hits) {
      head.hits.push({ ...hit, position: commitPositionOf(hit.key) });
      held += hit.ids.length;
    }
    head.next = next;
    chunkSize *= 2;
  } while (held < wanted && head.next !== '');
  const [first] = head.hits;
  if (start.skip > 0 && !(first?.key === start.key && start.skip < first.ids.length)) {
    // This query's bookmarks skip ids only of a key they name, and never all of them.
    throw foreignBookmark();
  }
  return head;
}

/**
 * Takes, from the part whose current key comes first in commit order, that key's untaken ids,
 * up to `room` of them. Parts never share a key's position: a transaction's entries are all one
 * organisation's, and a collection's keys end with their entry's id after the position.
 */
function takeEarliest(heads: readonly PartHead[], room: number): string[] {
  let earliest: { head: PartHead; hit: PartHead['hits'][number] } | undefined;
  for (const head of heads) {
    const hit = head.hits[head.at];
    if (
      hit !== undefined &&
      (earliest === undefined || Buffer.compare(hit.position, earliest.hit.position) < 0)
    ) {
      earliest = { head, hit };
    }
  }
  if (earliest === undefined) {
    return [];
  }
  const { head, hit } = earliest;
  const ids = hit.ids.slice(head.taken, head.taken + room);
  head.taken += ids.length;
  if (head.taken === hit.ids.length) {
    head.at += 1;
    head.taken = 0;
  }
  return ids.map((id) => entryKey(id, head.mspId));
}

/** Where a part goes on after a page, as the bookmark holds it; undefined when it is done. */
function positionAfter(head: PartHead): [string, number] | undefined {
  const hit = head.hits[head.at];
  if (hit !== undefined) {
    return [hit.key, head.taken];
  }
  return head.next === '' ? undefined : [head.next, 0];
}

/**
 * One page of the entries in `parts`, in commit order, and the bookmark of the next: each part
 * is read until it holds `pageSize` ids, which is all a page can take from any one of them. The
 * page is full unless every part ends; the bookmark is '' when they all have.
 */
export async function readMergedPage(
  ctx: Context,
  parts: readonly IndexPart[],
  pageSize: number,
  bookmark: string,
): Promise<{ items: (AuditEntry | ChannelRecord)[]; bookmark: string }> {
  const starts = startsOf(parts, bookmark);
  const heads = await Promise.all(
    parts.flatMap((part) => {
      const start = starts.get(part.id);
      return start === undefined ? [] : [readPart(ctx, part, start, pageSize)];
    }),
  );
  const page: string[] = [];
  for (
    let taken = takeEarliest(heads, pageSize);
    taken.length > 0;
    taken = takeEarliest(heads, pageSize - page.length)
  ) {
    page.push(...taken);
  }
  const positions = heads
    .map(positionAfter)
    .filter((position): position is [string, number] => position !== undefined);

  const values = await getStates(ctx.stub, page);
  // Each index key is written with its entries; only a damaged state could miss one.
  const items = values
    .filter((value) => value.length > 0)
    .map((value) => JSON.parse(Buffer.from(value).toString('utf8')) as AuditEntry | ChannelRecord);
  return { items, bookmark: positions.length === 0 ? '' : JSON.stringify(positions) };
}

/** Index keys read per range call while counting: keys only, so larger chunks than a page's. */
const COUNT_CHUNK = 1000;
/**
 * Entries one count reads at most (whole transactions: it may pass this by up to one
 * transaction's entries); past it the count says it is not complete.
 */
const MAX_ENTRIES_COUNTED = 100_000;

/**
 * How many entries `parts` hold, from their index keys alone. `complete` is false when the count
 * stopped at MAX_ENTRIES_COUNTED before every part was read to its end.
 */
export async function countParts(
  ctx: Context,
  parts: readonly IndexPart[],
): Promise<{ count: number; complete: boolean }> {
  let count = 0;
  for (const part of parts) {
    let next = '';
    do {
      if (count >= MAX_ENTRIES_COUNTED) {
        return { count, complete: false };
      }
      const chunk = await readIndexChunk(ctx, part, COUNT_CHUNK, next);
      for (const hit of chunk.hits) {
        count += hit.ids.length;
      }
      next = chunk.next;
    } while (next !== '');
  }
  return { count, complete: true };
}
