import type { Context } from 'fabric-contract-api';
import type { Iterators, QueryResponseMetadata, StateQueryResponse } from 'fabric-shim-api';
import { canRead, type Caller } from './access-policy';
import type { AuditEntry, EntryPage } from './audit-entry';
import { toLedgerTime } from './commit-time';
import { peerOrganizations, type Consortium } from './consortium';
import { ContractError } from './contract-error';
import type { EntryCountQuery } from './entry-query';
import { commitPositionOf, indexRange, keyInRange } from './ledger-keys';
import { getStates } from './state-batches';

/**
 * Reading an index partition, which holds one part per writing organisation (see indexKey). A
 * caller reads the parts of the organisations whose entries it may read, and nothing of the
 * others: a writer's page, bookmark, count and the work behind them depend only on its own
 * organisation's entries. A regulator's page merges every part in commit order.
 */

/** One organisation's part of the index range a query names. */
export interface IndexPart {
  mspId: string;
  range: { startKey: string; endKey: string };
}

/**
 * The parts of the range `query` names that `caller` reads, in the consortium's order: one for
 * each organisation whose entries canRead lets it read.
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
  return peerOrganizations(consortium)
    .filter((mspId) => canRead(caller, { submitter: { mspId } }))
    .map((mspId) => ({ mspId, range: indexRange(query.by, query.value, mspId, bounds) }));
}

interface IndexHit {
  /** The index key. */
  key: string;
  /** The key of the entry it points at. */
  entryKey: string;
}

/**
 * Up to `size` keys of a range from `start` (its beginning when empty), and the key the range
 * goes on with ('' when it ends there).
 */
async function readIndexChunk(
  ctx: Context,
  range: { startKey: string; endKey: string },
  size: number,
  start: string,
): Promise<{ hits: IndexHit[]; next: string }> {
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
      hits.push({ key: item.value.key, entryKey: Buffer.from(item.value.value).toString('utf8') });
    }
  } finally {
    await iterator.close();
  }
  return { hits, next: metadata?.bookmark ?? '' };
}

function foreignBookmark(): ContractError {
  return new ContractError('INVALID_ARGUMENT', 'the bookmark does not belong to this query', [
    { path: 'bookmark', message: 'was not returned by this query' },
  ]);
}

/**
 * Where each part goes on, by organisation, from a bookmark: a JSON list of index keys, the next
 * one of each part that has more, each in the range of its own part. A part the bookmark does
 * not name is done. No bookmark starts every part at its beginning.
 */
function startsOf(parts: readonly IndexPart[], bookmark: string): Map<string, string> {
  if (bookmark === '') {
    return new Map(parts.map((part) => [part.mspId, '']));
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
  const starts = new Map<string, string>();
  for (const position of positions as unknown[]) {
    if (typeof position !== 'string') {
      throw foreignBookmark();
    }
    const part = parts.find((candidate) => keyInRange(position, candidate.range));
    if (part === undefined || starts.has(part.mspId)) {
      throw foreignBookmark();
    }
    starts.set(part.mspId, position);
  }
  return starts;
}

/** What one part has read: its keys, how many the page took, and where the part goes on. */
interface PartHead {
  hits: (IndexHit & { position: Buffer })[];
  taken: number;
  next: string;
}

/** Takes the key that comes first in commit order of all the parts' untaken ones, if any. */
function takeEarliest(heads: readonly PartHead[]): IndexHit | undefined {
  let earliest: { head: PartHead; hit: PartHead['hits'][number] } | undefined;
  for (const head of heads) {
    const hit = head.hits[head.taken];
    if (
      hit !== undefined &&
      (earliest === undefined || Buffer.compare(hit.position, earliest.hit.position) < 0)
    ) {
      earliest = { head, hit };
    }
  }
  if (earliest !== undefined) {
    earliest.head.taken += 1;
  }
  return earliest?.hit;
}

/**
 * One page of the entries in `parts`, in commit order, and the bookmark of the next: at most
 * `pageSize` keys are read from each part, which is all a page can take from any one of them.
 * The page is full unless every part ends; the bookmark is '' when they all have.
 */
export async function readMergedPage(
  ctx: Context,
  parts: readonly IndexPart[],
  pageSize: number,
  bookmark: string,
): Promise<EntryPage> {
  const starts = startsOf(parts, bookmark);
  const heads = await Promise.all(
    parts
      .filter((part) => starts.has(part.mspId))
      .map(async (part): Promise<PartHead> => {
        const { hits, next } = await readIndexChunk(
          ctx,
          part.range,
          pageSize,
          starts.get(part.mspId) ?? '',
        );
        const positioned = hits.map((hit) => ({ ...hit, position: commitPositionOf(hit.key) }));
        return { hits: positioned, taken: 0, next };
      }),
  );
  const page: IndexHit[] = [];
  while (page.length < pageSize) {
    const hit = takeEarliest(heads);
    if (hit === undefined) {
      break;
    }
    page.push(hit);
  }
  const positions = heads
    .map((head) => head.hits[head.taken]?.key ?? head.next)
    .filter((position) => position !== '');

  const values = await getStates(
    ctx.stub,
    page.map((hit) => hit.entryKey),
  );
  // Each index key is written with its entry; only a damaged state could miss one.
  const items = values
    .filter((value) => value.length > 0)
    .map((value) => JSON.parse(Buffer.from(value).toString('utf8')) as AuditEntry);
  return { items, bookmark: positions.length === 0 ? '' : JSON.stringify(positions) };
}

/** Index keys read per range call while counting: keys only, so larger chunks than a page's. */
const COUNT_CHUNK = 1000;
/** Index keys one count reads at most; past it the count says it is not complete. */
const MAX_KEYS_COUNTED = 100_000;

/**
 * How many entries `parts` hold, from their index keys alone. `complete` is false when the count
 * stopped at MAX_KEYS_COUNTED before every part was read to its end.
 */
export async function countParts(
  ctx: Context,
  parts: readonly IndexPart[],
): Promise<{ count: number; complete: boolean }> {
  let count = 0;
  for (const part of parts) {
    let next = '';
    do {
      if (count === MAX_KEYS_COUNTED) {
        return { count, complete: false };
      }
      const chunk = await readIndexChunk(
        ctx,
        part.range,
        Math.min(COUNT_CHUNK, MAX_KEYS_COUNTED - count),
        next,
      );
      count += chunk.hits.length;
      next = chunk.next;
    } while (next !== '');
  }
  return { count, complete: true };
}
