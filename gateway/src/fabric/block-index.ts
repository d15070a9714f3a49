import { createHash } from 'node:crypto';
import type { Caller, Consortium, KindRegistry } from '@audit-ledger/chaincode';
import { common, ledger } from '@hyperledger/fabric-protos';
import type Database from 'better-sqlite3';
import { EntryDayCounts, type CountedEntry, type DayCount } from '../ledger/entry-day-counts';
import {
  EntryPostings,
  type PostedTransaction,
  type PostingsPage,
  type PostingsQuery,
} from '../ledger/entry-postings';
import { LedgerError } from '../ledger/ledger';
import { openRebuildableDatabase } from '../sqlite';
import { blockHeaderHash, channelHeaderOf, headerFieldsOf } from '@audit-ledger/verifier';
import { entriesRecordedBy, postedBy, recordingTransaction } from './block-entries';

/** One committed block as the index keeps it: its header and each transaction's id and code. */
export interface IndexedBlock {
  number: number;
  /** The header's hash, as the next block's `previous_hash` names it. */
  headerHash: Buffer;
  previousHash: Buffer;
  transactions: { txId: string; validationCode: number }[];
  /**
   * The entries its valid transactions recorded, to count per day; left out for an index that
   * keeps blocks only, which counts nothing.
   */
  entries?: CountedEntry[];
  /**
   * What its valid transactions post to the contract's index; when left out, the block is to be
   * read again (see nextBlock).
   */
  posted?: PostedTransaction[];
  /**
   * The SHA-256 of each envelope and the peer's validation code of each, in block order, for a
   * witness to state; when left out, the block is to be read again (see nextBlock).
   */
  envelopes?: EnvelopeDigests;
}

export interface EnvelopeDigests {
  hashes: Buffer[];
  validationCodes: number[];
}

/** What a witness states of one block: its header's hash and its envelopes' digests. */
export interface BlockTransactions {
  headerHash: Buffer;
  envelopeHashes: Buffer[];
  validationCodes: number[];
}

const HASH_BYTES = 32;

function sha256(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest();
}

/** The contract whose entries an index posts: its chaincode name and the kinds it records. */
export interface PostedContract {
  chaincode: string;
  kinds: KindRegistry;
}

/** What a block's postings are worked out with: the contract, and the block's private data. */
export interface BlockPostings extends PostedContract {
  /**
   * The private write sets a peer delivered with the block, by transaction number in it: those
   * of the collections the follower's organisation holds.
   */
  privateData: ReadonlyMap<number, ledger.rwset.TxPvtReadWriteSet>;
}

/**
 * Reads a block's transaction ids and the peer's validation code for each (Fabric's layout), and
 * each envelope's hash; with `postings`, the entries its transactions recorded and what they
 * post to the contract's index. Without, no transaction is read past its header: an index that
 * keeps blocks only (a witness's) needs nothing more. A block whose envelopes do not hash to its
 * header's data hash is refused: its header would vouch for other transactions than the ones it
 * carries.
 */
export function indexedBlockOf(block: common.Block, postings?: BlockPostings): IndexedBlock {
  const fields = headerFieldsOf(block);
  const number = Number(fields.number);
  const previousHash = Buffer.from(fields.previousHash);
  const headerHash = blockHeaderHash(fields);
  const flags =
    block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.TRANSACTIONS_FILTER] ??
    new Uint8Array();
  const envelopes = block.getData()?.getDataList_asU8() ?? [];
  // Fabric's data hash: SHA-256 over every envelope's bytes, concatenated in block order.
  if (!sha256(Buffer.concat(envelopes)).equals(fields.dataHash)) {
    throw new LedgerError(
      'LEDGER_INTEGRITY',
      `block ${number}'s transactions do not hash to its header's data hash`,
    );
  }
  const validationCodes = envelopes.map((_, index) => flags[index] ?? 255);
  const transactions = envelopes.map((bytes, index) => ({
    txId: channelHeaderOf(bytes).getTxId(),
    validationCode: validationCodes[index] ?? 255,
  }));
  const indexed = {
    number,
    headerHash,
    previousHash,
    transactions: transactions.filter(({ txId }) => txId !== ''),
    envelopes: { hashes: envelopes.map(sha256), validationCodes },
  };
  if (postings === undefined) {
    return indexed;
  }
  // Each envelope read once, for its counts and its postings alike.
  const recording = envelopes.map((bytes, index) =>
    recordingTransaction(bytes, validationCodes[index] ?? 255),
  );
  return {
    ...indexed,
    entries: recording.flatMap((transaction) =>
      transaction === undefined ? [] : entriesRecordedBy(transaction),
    ),
    posted: recording.flatMap(
      (transaction, index) =>
        (transaction &&
          postedBy(
            transaction,
            postings.chaincode,
            postings.kinds,
            postings.privateData.get(index),
          )) ??
        [],
    ),
  };
}

/**
 * Which block holds each transaction, kept in SQLite under the gateway's data folder and fed
 * from the channel's block events: entries carry their transaction id, and a reader is told the
 * block too, as on the embedded ledger. Each block's header hash is kept, and a block whose
 * `previous_hash` does not name the header before it is refused: the chain a peer serves is
 * checked as it is followed. Entries per day are counted, and each envelope's hash and validation
 * code kept, in the same SQLite transaction as their block is indexed; an index made before
 * either was kept gets them as its blocks are followed again from the first block lacking them
 * (see nextBlock).
 */
export class BlockIndex {
  private readonly db: Database.Database;
  private readonly lookup: Database.Statement<[string], { block: number }>;
  private readonly insertTransaction: Database.Statement<[string, number, number]>;
  private readonly insertHeader: Database.Statement<[number, Buffer, Buffer | null, Buffer | null]>;
  private readonly fillEnvelopes: Database.Statement<[Buffer, Buffer, number]>;
  private readonly headerQuery: Database.Statement<[number], { header_hash: Buffer }>;
  private readonly transactionsQuery: Database.Statement<
    [number],
    { header_hash: Buffer; envelope_hashes: Buffer | null; validation_codes: Buffer | null }
  >;
  private readonly heightQuery: Database.Statement<[], { height: number | null }>;
  private readonly unreadQuery: Database.Statement<[], { number: number | null }>;
  private readonly headersQuery: Database.Statement<[], { header_hash: Buffer }>;
  private readonly counts: EntryDayCounts;
  private readonly postings: EntryPostings;
  /** Whether the write-ahead log may still hold postings an erasure deleted. */
  private logHoldsErased = false;

  /**
   * `contract`: the contract whose entries it posts, read with the private data of the
   * collections the follower's organisation holds; none for an index that keeps blocks only
   * (a witness's).
   */
  constructor(
    file: string,
    readonly contract?: PostedContract,
  ) {
    // Every block is on the peers: blocks lost in a machine crash are followed again.
    this.db = openRebuildableDatabase(file);
    // Postings name subjects: an erasure must leave none of their bytes in the file's free
    // pages (see forgetErased).
    this.db.pragma('secure_delete = ON');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS headers (
        number INTEGER PRIMARY KEY,
        header_hash BLOB NOT NULL,
        envelope_hashes BLOB,
        validation_codes BLOB
      );
      CREATE TABLE IF NOT EXISTS transactions (
        tx_id TEXT PRIMARY KEY,
        block INTEGER NOT NULL,
        validation_code INTEGER NOT NULL
      );
    `);
    // An index made before envelopes were kept: its blocks are read again to fill them.
    const columns = this.db
      .prepare<[], { name: string }>("SELECT name FROM pragma_table_info('headers')")
      .all()
      .map(({ name }) => name);
    for (const column of ['envelope_hashes', 'validation_codes']) {
      if (!columns.includes(column)) {
        this.db.exec(`ALTER TABLE headers ADD COLUMN ${column} BLOB`);
      }
    }
    this.db.exec(
      'CREATE INDEX IF NOT EXISTS headers_unread ON headers (number) WHERE envelope_hashes IS NULL',
    );
    this.lookup = this.db.prepare('SELECT block FROM transactions WHERE tx_id = ?');
    // A transaction id can appear again in a later block, as an invalid duplicate: keep the first.
    this.insertTransaction = this.db.prepare(
      'INSERT OR IGNORE INTO transactions (tx_id, block, validation_code) VALUES (?, ?, ?)',
    );
    this.insertHeader = this.db.prepare(
      `INSERT OR IGNORE INTO headers (number, header_hash, envelope_hashes, validation_codes)
       VALUES (?, ?, ?, ?)`,
    );
    this.fillEnvelopes = this.db.prepare(
      `UPDATE headers SET envelope_hashes = ?, validation_codes = ?
       WHERE number = ? AND envelope_hashes IS NULL`,
    );
    this.headerQuery = this.db.prepare('SELECT header_hash FROM headers WHERE number = ?');
    this.transactionsQuery = this.db.prepare(
      'SELECT header_hash, envelope_hashes, validation_codes FROM headers WHERE number = ?',
    );
    this.heightQuery = this.db.prepare('SELECT MAX(number) + 1 AS height FROM headers');
    this.unreadQuery = this.db.prepare(
      'SELECT MIN(number) AS number FROM headers WHERE envelope_hashes IS NULL',
    );
    this.headersQuery = this.db.prepare('SELECT header_hash FROM headers ORDER BY number');
    this.counts = new EntryDayCounts(this.db);
    this.postings = new EntryPostings(this.db);
  }

  /** How many blocks, from block 0, are indexed. */
  height(): number {
    return this.heightQuery.get()?.height ?? 0;
  }

  /**
   * The block to follow from: the first one not indexed, not counted, not posted, or without
   * envelopes yet.
   */
  nextBlock(): number {
    const height = this.height();
    return Math.min(this.readHeight(), this.unreadQuery.get()?.number ?? height);
  }

  /**
   * How many blocks, from block 0, have their entries counted and posted; for an index that
   * keeps blocks only, every block it holds.
   */
  readHeight(): number {
    const height = this.height();
    return this.contract === undefined
      ? height
      : Math.min(height, this.counts.countedHeight(), this.postings.postedHeight());
  }

  /**
   * Adds the next block; refuses one that does not extend the chain indexed so far. A block
   * already indexed fills in what the index lacks of it, if it is the very block indexed.
   */
  add(block: IndexedBlock): void {
    const height = this.height();
    if (block.number < height) {
      this.completeIndexed(block);
      return;
    }
    const previous = height === 0 ? undefined : this.headerQuery.get(height - 1)?.header_hash;
    if (
      block.number !== height ||
      (previous !== undefined && !previous.equals(block.previousHash))
    ) {
      throw new LedgerError(
        'LEDGER_INTEGRITY',
        `block ${block.number} does not extend the ${height} blocks indexed so far`,
      );
    }
    const envelopes = block.envelopes === undefined ? undefined : packed(block.envelopes);
    this.db.transaction(() => {
      for (const { txId, validationCode } of block.transactions) {
        this.insertTransaction.run(txId, block.number, validationCode);
      }
      this.insertHeader.run(
        block.number,
        block.headerHash,
        envelopes?.hashes ?? null,
        envelopes?.validationCodes ?? null,
      );
      this.takeEntries(block);
    })();
    this.forgetErased(block);
  }

  /**
   * Counts the block's entries and posts them, each if the block is the next to count or post
   * and was read with them; an index that keeps blocks only does neither.
   */
  private takeEntries({ number, entries, posted }: IndexedBlock): void {
    if (this.contract === undefined) {
      return;
    }
    this.counts.addBlock(number, () => entries ?? []);
    if (posted !== undefined) {
      this.postings.addBlock(number, () => posted);
    }
  }

  /**
   * A page of one index partition's entries of `chaincode` that `reader` may read, as far as
   * blocks are posted (see EntryPostings.page).
   */
  postingsPage(
    reader: Caller,
    consortium: Consortium,
    chaincode: string,
    query: PostingsQuery & { pageSize: number; bookmark: string },
  ): PostingsPage {
    return this.postings.page(reader, consortium, chaincode, query);
  }

  /** How many of one partition's entries `reader` may read (see EntryPostings.count). */
  postingsCount(
    reader: Caller,
    consortium: Consortium,
    chaincode: string,
    query: PostingsQuery,
  ): { count: number; complete: boolean } {
    return this.postings.count(reader, consortium, chaincode, query);
  }

  /**
   * What `reader` may read of `chaincode`'s entries on the district days `from` to `to`, by
   * day and kind, as far as blocks are counted.
   */
  entriesPerDay(reader: Caller, chaincode: string, days: { from: string; to: string }): DayCount[] {
    return this.counts.visibleTo(reader, chaincode, days).counts;
  }

  /**
   * Block `number` read again: its entries are counted and posted if it is the next block to
   * count or post, its envelopes kept if they were not. Counting and posting go in block order,
   * so a block beyond the next to complete is refused, as is a block other than the one indexed
   * under its number.
   */
  private completeIndexed(block: IndexedBlock): void {
    const indexed = this.headerQuery.get(block.number)?.header_hash;
    if (block.number > this.readHeight() || !indexed?.equals(block.headerHash)) {
      throw new LedgerError(
        'LEDGER_INTEGRITY',
        `block ${block.number} is not the block indexed under its number, next to be completed`,
      );
    }
    const envelopes = block.envelopes === undefined ? undefined : packed(block.envelopes);
    this.db.transaction(() => {
      this.takeEntries(block);
      if (envelopes !== undefined) {
        this.fillEnvelopes.run(envelopes.hashes, envelopes.validationCodes, block.number);
      }
    })();
    this.forgetErased(block);
  }

  /**
   * After a block that erased entries' details, copies the write-ahead log into the database,
   * whose pages then hold zeroes where the erased postings were, and truncates it: its older
   * frames still hold them. A reader on an older snapshot can hold that up; the next block
   * tries again.
   */
  private forgetErased({ posted }: IndexedBlock): void {
    if (posted?.some(({ erased }) => erased.length > 0) === true) {
      this.logHoldsErased = true;
    }
    if (!this.logHoldsErased) {
      return;
    }
    const [result] = this.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    this.logHoldsErased = result?.busy !== 0;
    if (this.logHoldsErased) {
      process.emitWarning(
        "the block index's write-ahead log still holds erased postings (readers kept it busy); the next block tries again",
      );
    }
  }

  /** Every indexed block's header hash, in block order: the leaves of a checkpoint tree. */
  headerHashes(): Buffer[] {
    return this.headersQuery.all().map((row) => row.header_hash);
  }

  /**
   * Block `number`'s header hash and its envelopes' hashes and validation codes; undefined
   * while the block is not indexed, or indexed without its envelopes and not read again yet.
   */
  blockTransactions(number: number): BlockTransactions | undefined {
    const row = this.transactionsQuery.get(number);
    if (row?.envelope_hashes == null || row.validation_codes == null) {
      return undefined;
    }
    const hashes = row.envelope_hashes;
    const envelopeHashes: Buffer[] = [];
    for (let offset = 0; offset < hashes.length; offset += HASH_BYTES) {
      envelopeHashes.push(hashes.subarray(offset, offset + HASH_BYTES));
    }
    return {
      headerHash: row.header_hash,
      envelopeHashes,
      validationCodes: [...row.validation_codes],
    };
  }

  blockOf(txId: string): number | undefined {
    return this.lookup.get(txId)?.block;
  }

  close(): void {
    this.db.close();
  }
}

/** A block's envelope hashes as one BLOB of 32 bytes each, its codes one byte each. */
function packed({ hashes, validationCodes }: EnvelopeDigests): {
  hashes: Buffer;
  validationCodes: Buffer;
} {
  if (
    hashes.length !== validationCodes.length ||
    hashes.some((hash) => hash.length !== HASH_BYTES)
  ) {
    throw new RangeError('one 32-byte hash and one validation code per envelope');
  }
  return { hashes: Buffer.concat(hashes), validationCodes: Buffer.from(validationCodes) };
}
