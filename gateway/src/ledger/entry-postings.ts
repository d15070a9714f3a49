import {
  canRead,
  entryErasedBy,
  issueDetails,
  holdsCollection,
  peerOrganizations,
  toLedgerTime,
  type AuditEntry,
  type Caller,
  type ChannelRecord,
  type Consortium,
  type EntryDetails,
  type KindRegistry,
} from '@audit-ledger/chaincode';
import type Database from 'better-sqlite3';
import type { z } from 'zod';
import { LedgerError } from './ledger';

/**
 * One index partition an entry is found under, and where that listing is held: on the channel,
 * or (`collection`) beside the entry's private details, because the partition names the
 * subject the details are about.
 */
export interface EntryPosting {
  index: string;
  partition: string;
  collection?: string;
}

/** The indexes that list an entry with private details on the channel: they name no subject. */
const INDEXES_NAMING_NO_SUBJECT = ['kind', 'source'] as const;

/**
 * Every partition `entry` is listed under, each once, core indexes first, as its kind declares
 * them. Of an entry whose details this gateway does not hold (the channel's record), only the
 * partitions naming no subject.
 */
export function entryPostings(
  kinds: KindRegistry,
  entry: AuditEntry | ChannelRecord,
): EntryPosting[] {
  if (!('payload' in entry)) {
    return INDEXES_NAMING_NO_SUBJECT.map((index) => ({ index, partition: entry[index] }));
  }
  const collection = entry.details?.collection;
  return kinds
    .indexPartitions({ ...entry, kindVersion: entry.kindVersion ?? 1 })
    .map(([index, partition]) =>
      collection === undefined || isNamingNoSubject(index)
        ? { index, partition }
        : { index, partition, collection },
    );
}

function isNamingNoSubject(index: string): boolean {
  return (INDEXES_NAMING_NO_SUBJECT as readonly string[]).includes(index);
}

/** One recorded entry, where it stands in commit order, and the partitions that list it. */
export interface PostedEntry {
  /** The writing organisation: a transaction's entries are all its submitter's. */
  mspId: string;
  id: string;
  committedAt: string;
  txId: string;
  postings: readonly EntryPosting[];
}

/** One committed transaction's entries, in recording order, and the entries it erased. */
export interface PostedTransaction {
  /** The chaincode that recorded them: a Fabric channel can hold others. */
  chaincode: string;
  entries: PostedEntry[];
  /** Entries whose details it erased: their postings held beside the details go too. */
  erased: { mspId: string; id: string }[];
}

const utf8 = new TextDecoder();

/**
 * What a transaction posts, from what it wrote: `entries`, the values it wrote under entry keys
 * in recording order (an entry, or the channel's record of one whose details are private), and
 * `keys`, every key it wrote, where erasures are marked. `detailsOf` reads an entry's private
 * details where this ledger holds them; without them, only the partitions naming no subject are
 * posted (see entryPostings), which is all a gateway outside the collection may read.
 */
export function postedTransaction(
  kinds: KindRegistry,
  chaincode: string,
  written: { entries: Iterable<Uint8Array>; keys: Iterable<string> },
  detailsOf: (collection: string, entry: ChannelRecord) => Uint8Array | undefined,
): PostedTransaction {
  const entries: PostedEntry[] = [];
  for (const value of written.entries) {
    const stored = JSON.parse(utf8.decode(value)) as AuditEntry | ChannelRecord;
    let entry = stored;
    if (!('payload' in stored)) {
      const details = detailsOf(stored.details.collection, stored);
      if (details !== undefined) {
        entry = { ...stored, ...(JSON.parse(utf8.decode(details)) as EntryDetails) };
      }
    }
    entries.push({
      mspId: stored.submitter.mspId,
      id: stored.id,
      committedAt: stored.committedAt,
      txId: stored.txId,
      postings: entryPostings(kinds, entry),
    });
  }
  const erased = [...written.keys].flatMap((key) => entryErasedBy(key) ?? []);
  return { chaincode, entries, erased };
}

/**
 * `query` checked against `schema` (one of entryQueriesOf's), as the contract checked it when it
 * read its own index: the same refusals, with the same codes and paths, before anything is read.
 */
export function checkedQuery<T>(schema: z.ZodType<T>, query: unknown): T {
  const parsed = schema.safeParse(query);
  if (!parsed.success) {
    throw new LedgerError('INVALID_ARGUMENT', 'invalid query', issueDetails(parsed.error));
  }
  return parsed.data;
}

/** Where a page goes on: a row's commit position, and how many of its ids were taken. */
type Position = [committedAt: string, txId: string, seq: number, skip: number];

export interface PostingsQuery {
  by: string;
  value: string;
  from?: string | undefined;
  to?: string | undefined;
}

export interface PostingsPage {
  /** Each entry by its writing organisation and id, in commit order. */
  entries: { mspId: string; id: string }[];
  bookmark: string;
}

interface PostingRow {
  msp_id: string;
  committed_at: string;
  tx_id: string;
  seq: number;
  ids: string;
}

/** Rows one count reads at most; past it the count says it is not complete. */
const MAX_ROWS_COUNTED = 100_000;
const RANGE_END = '\u{10FFFF}';

/**
 * Which entries each index partition lists, kept in the SQLite file beside the blocks they come
 * from, block by block and in block order, like EntryDayCounts: `postedHeight` blocks from block
 * 0 are posted, each in the SQLite transaction that stores it. A row is one transaction's
 * entries in one partition, in their order inside it, so a batch of 500 entries of one kind is
 * one row for the kind, not 500. Partitions that name a subject are held beside the entry's
 * private details (see entryPostings): their rows list one entry each, name the collection, are
 * read only by its members, and go when the details are erased.
 *
 * Rows follow commit order within a partition: ledger time, transaction, place in the batch.
 * Every organisation's rows of a partition interleave along the primary key, so a page across
 * organisations is one range read; a writer's, one organisation's, are read through the index
 * by writer (see postingsSql).
 */
export class EntryPostings {
  private readonly statements;

  constructor(db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS entry_postings (
        chaincode TEXT NOT NULL,
        by_index TEXT NOT NULL,
        partition TEXT NOT NULL,
        committed_at TEXT NOT NULL,
        tx_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        msp_id TEXT NOT NULL,
        collection TEXT NOT NULL,
        ids TEXT NOT NULL,
        entries INTEGER NOT NULL,
        PRIMARY KEY (chaincode, by_index, partition, committed_at, tx_id, seq)
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS entry_postings_held
        ON entry_postings (chaincode, msp_id, ids) WHERE collection != '';
      CREATE INDEX IF NOT EXISTS entry_postings_by_writer
        ON entry_postings (chaincode, by_index, partition, msp_id, committed_at, tx_id, seq);
      CREATE TABLE IF NOT EXISTS entry_postings_progress (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 0),
        posted_height INTEGER NOT NULL
      );
      INSERT OR IGNORE INTO entry_postings_progress (singleton, posted_height) VALUES (0, 0);
    `);
    const statementsFor = (writers: Writers): ReadStatements => {
      const sql = postingsSql(writers);
      return { page: db.prepare(sql.page), count: db.prepare(sql.count) };
    };
    this.statements = {
      postedHeight: db.prepare<[], { posted_height: number }>(
        'SELECT posted_height FROM entry_postings_progress',
      ),
      advance: db.prepare<[number]>('UPDATE entry_postings_progress SET posted_height = ?'),
      insert: db.prepare<
        [string, string, string, string, string, number, string, string, string, number]
      >(
        `INSERT INTO entry_postings
           (chaincode, by_index, partition, committed_at, tx_id, seq, msp_id, collection, ids, entries)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      erase: db.prepare<[string, string, string]>(
        `DELETE FROM entry_postings WHERE chaincode = ? AND msp_id = ? AND ids = ? AND collection != ''`,
      ),
      read: { one: statementsFor('one'), several: statementsFor('several') },
    };
  }

  /** How many blocks, from block 0, are posted. */
  postedHeight(): number {
    return this.statements.postedHeight.get()?.posted_height ?? 0;
  }

  /**
   * Posts block `number` if it is the next block to post, and says whether it was; run it in
   * the transaction that stores the block, so a block is posted exactly once. `transactions` is
   * only called when the block is posted.
   */
  addBlock(number: number, transactions: () => Iterable<PostedTransaction>): boolean {
    if (number !== this.postedHeight()) {
      return false;
    }
    for (const transaction of transactions()) {
      this.addTransaction(transaction);
    }
    this.statements.advance.run(number + 1);
    return true;
  }

  private addTransaction({ chaincode, entries, erased }: PostedTransaction): void {
    for (const entry of erased) {
      this.statements.erase.run(chaincode, entry.mspId, JSON.stringify([entry.id]));
    }
    // A partition on the channel lists all of a transaction's entries in it in one row, from
    // the first one's place; one beside private details lists one entry a row.
    const shared = new Map<
      string,
      { at: PostedEntry; seq: number; posting: EntryPosting; ids: string[] }
    >();
    entries.forEach((entry, seq) => {
      for (const posting of entry.postings) {
        if (posting.collection !== undefined) {
          this.insert(chaincode, { at: entry, seq, posting, ids: [entry.id] });
          continue;
        }
        const key = `${posting.index}\u0000${posting.partition}`;
        const row = shared.get(key) ?? { at: entry, seq, posting, ids: [] };
        row.ids.push(entry.id);
        shared.set(key, row);
      }
    });
    for (const row of shared.values()) {
      this.insert(chaincode, row);
    }
  }

  private insert(
    chaincode: string,
    {
      at,
      seq,
      posting,
      ids,
    }: { at: PostedEntry; seq: number; posting: EntryPosting; ids: string[] },
  ): void {
    this.statements.insert.run(
      chaincode,
      posting.index,
      posting.partition,
      at.committedAt,
      at.txId,
      seq,
      at.mspId,
      posting.collection ?? '',
      JSON.stringify(ids),
      ids.length,
    );
  }

  /**
   * Up to `pageSize` entries of one partition that `reader` may read, in commit order from
   * `bookmark` ('' for the first page), and the bookmark of the next page ('' after the last).
   */
  page(
    reader: Caller,
    consortium: Consortium,
    chaincode: string,
    query: PostingsQuery & { pageSize: number; bookmark: string },
  ): PostingsPage {
    const scope = this.scopeOf(reader, consortium, chaincode, query);
    const start = positionIn(query.bookmark, scope.from, scope.to);
    const entries: PostingsPage['entries'] = [];
    let [committedAt, txId, seq, skip] = start;
    // A row lists 1 to 1,000 entries: read a few rows at a time until the page is full.
    for (let rowsWanted = 16; ; rowsWanted = Math.min(rowsWanted * 4, 4096)) {
      const rows = scope.statements.page.all(
        ...scope.parameters,
        committedAt,
        txId,
        seq,
        rowsWanted,
      );
      for (const row of rows) {
        const ids = JSON.parse(row.ids) as string[];
        const first =
          row.committed_at === committedAt && row.tx_id === txId && row.seq === seq ? skip : 0;
        const room = query.pageSize - entries.length;
        const taken = ids.slice(first, first + room);
        entries.push(...taken.map((id) => ({ mspId: row.msp_id, id })));
        if (entries.length === query.pageSize) {
          const rowGoesOn = first + taken.length < ids.length;
          const next: Position = rowGoesOn
            ? [row.committed_at, row.tx_id, row.seq, first + taken.length]
            : [row.committed_at, row.tx_id, row.seq + 1, 0];
          return {
            entries,
            bookmark: rowGoesOn || this.hasRowFrom(scope, next) ? JSON.stringify(next) : '',
          };
        }
      }
      const last = rows.at(-1);
      if (rows.length < rowsWanted || last === undefined) {
        return { entries, bookmark: '' };
      }
      [committedAt, txId, seq, skip] = [last.committed_at, last.tx_id, last.seq + 1, 0];
    }
  }

  /** How many entries of one partition `reader` may read; `complete` once every row is read. */
  count(
    reader: Caller,
    consortium: Consortium,
    chaincode: string,
    query: PostingsQuery,
  ): { count: number; complete: boolean } {
    const scope = this.scopeOf(reader, consortium, chaincode, query);
    const { entries, rows } = scope.statements.count.get(
      ...scope.parameters,
      MAX_ROWS_COUNTED + 1,
    ) ?? { entries: 0, rows: 0 };
    return { count: entries, complete: rows <= MAX_ROWS_COUNTED };
  }

  private hasRowFrom(scope: Scope, next: Position): boolean {
    return scope.statements.page.all(...scope.parameters, next[0], next[1], next[2], 1).length > 0;
  }

  private scopeOf(
    reader: Caller,
    consortium: Consortium,
    chaincode: string,
    query: PostingsQuery,
  ): Scope {
    const from = query.from === undefined ? '' : toLedgerTime(query.from);
    const to = query.to === undefined ? RANGE_END : toLedgerTime(query.to);
    const writers = peerOrganizations(consortium).filter((mspId) =>
      canRead(reader, { submitter: { mspId } }),
    );
    const held = consortium.collections
      .map(({ name }) => name)
      .filter((name) => holdsCollection(consortium, name, reader.mspId));
    const [writer] = writers;
    const one = writers.length === 1 && writer !== undefined;
    return {
      from,
      to,
      statements: this.statements.read[one ? 'one' : 'several'],
      parameters: [
        chaincode,
        query.by,
        query.value,
        one ? writer : JSON.stringify(writers),
        from,
        to,
        JSON.stringify(held),
      ],
    };
  }
}

/** Whose rows a read may take: one writing organisation's (a writer's), or several. */
type Writers = 'one' | 'several';

/** Chaincode, index and partition; the writers; the time bounds; the collections held. */
type ScopeParameters = [string, string, string, string, string, string, string];

interface ReadStatements {
  page: Database.Statement<[...ScopeParameters, string, string, number, number], PostingRow>;
  count: Database.Statement<[...ScopeParameters, number], { entries: number; rows: number }>;
}

interface Scope {
  from: string;
  to: string;
  statements: ReadStatements;
  parameters: ScopeParameters;
}

/**
 * The reads of one partition's rows a caller may read. A writer reads one organisation's rows:
 * through the index by writer, so that its reads step over no other organisation's rows and
 * take no longer for them. Several organisations' rows interleave in commit order along the
 * primary key, so that a page of them is one range read with no sort.
 */
export function postingsSql(writers: Writers): { page: string; count: string } {
  // Pinned: on a young file the planner has no statistics to choose by.
  const [table, byWriter] =
    writers === 'one'
      ? ['entry_postings INDEXED BY entry_postings_by_writer', 'msp_id = ?']
      : ['entry_postings NOT INDEXED', 'msp_id IN (SELECT value FROM json_each(?))'];
  const readable = `chaincode = ? AND by_index = ? AND partition = ? AND ${byWriter}
      AND committed_at >= ? AND committed_at < ?
      AND (collection = '' OR collection IN (SELECT value FROM json_each(?)))`;
  return {
    page: `SELECT msp_id, committed_at, tx_id, seq, ids FROM ${table}
         WHERE ${readable} AND (committed_at, tx_id, seq) >= (?, ?, ?)
         ORDER BY committed_at, tx_id, seq LIMIT ?`,
    count: `SELECT coalesce(sum(entries), 0) AS entries, count(*) AS rows FROM (
           SELECT entries FROM ${table} WHERE ${readable} LIMIT ?)`,
  };
}

/** Where a bookmark says a page starts; the range's start for none. */
function positionIn(bookmark: string, from: string, to: string): Position {
  if (bookmark === '') {
    return [from, '', 0, 0];
  }
  let position: unknown;
  try {
    position = JSON.parse(bookmark);
  } catch {
    throw foreignBookmark();
  }
  if (
    !Array.isArray(position) ||
    position.length !== 4 ||
    typeof position[0] !== 'string' ||
    typeof position[1] !== 'string' ||
    !Number.isSafeInteger(position[2]) ||
    !Number.isSafeInteger(position[3]) ||
    (position[2] as number) < 0 ||
    (position[3] as number) < 0 ||
    position[0] < from ||
    position[0] >= to
  ) {
    throw foreignBookmark();
  }
  return position as Position;
}

function foreignBookmark(): LedgerError {
  return new LedgerError('INVALID_ARGUMENT', 'the bookmark does not belong to this query', [
    { path: 'bookmark', message: 'was not returned by this query' },
  ]);
}
