import {
  ENTRY_KEY_PREFIX,
  entryKey,
  standardKinds,
  type AuditEntry,
  type Caller,
  type Consortium,
  type KindRegistry,
} from '@audit-ledger/chaincode';
import Database from 'better-sqlite3';
import {
  type Block,
  buildBlock,
  dataHashOf,
  GENESIS_PREVIOUS_HASH,
  headerHashOf,
  type IdentitySignature,
  PackedHashes,
  sha256Hex,
  type TransactionRecord,
} from '@audit-ledger/verifier';
import {
  EntryDayCounts,
  districtDateOf,
  type CountedEntry,
  type DayCount,
} from '../ledger/entry-day-counts';
import {
  EntryPostings,
  postedTransaction,
  type PostedTransaction,
  type PostingsPage,
  type PostingsQuery,
} from '../ledger/entry-postings';
import { LedgerError } from '../ledger/ledger';
import { openDurableDatabase } from '../sqlite';
import { EMBEDDED_CHAINCODE, type StateReader } from './transaction-stub';
import type { PrivateWrite, PrivateWrites, StateWrite } from './write-set';

export interface IntegrityProblem {
  /**
   * `block` (chain, header or data hash), `signature` (one that does not verify against the
   * trusted roots), `checkpoint` (a block unlike the one a witness cosigned) or `state` (a value
   * that no block wrote).
   */
  kind: 'block' | 'signature' | 'checkpoint' | 'state';
  where: string;
  message: string;
}

export interface IntegrityReport {
  height: number;
  stateKeys: number;
  /** Keys held in private collections, all collections together. */
  privateKeys: number;
  problems: IntegrityProblem[];
}

/** One transaction of a block to append, with the writes its record hashes. */
export interface CommittedTransaction {
  record: TransactionRecord;
  writes: ReadonlyMap<string, StateWrite>;
  privateWrites: PrivateWrites;
}

interface BlockRow {
  number: number;
  previous_hash: string;
  data_hash: string;
  header_hash: string;
  data: string;
  orderer_signature: string | null;
}

function rowToBlock(row: BlockRow): Block {
  const block: Block = {
    header: { number: row.number, previousHash: row.previous_hash, dataHash: row.data_hash },
    headerHash: row.header_hash,
    transactions: JSON.parse(row.data) as TransactionRecord[],
  };
  if (row.orderer_signature !== null) {
    block.ordererSignature = JSON.parse(row.orderer_signature) as IdentitySignature;
  }
  return block;
}

const utf8 = new TextDecoder();

const PRIVATE_STATE_COLUMNS = `(
  collection TEXT NOT NULL,
  key BLOB NOT NULL,
  value BLOB NOT NULL,
  PRIMARY KEY (collection, key)
) WITHOUT ROWID`;

/**
 * The entries a transaction recorded, as counted: read from the values it wrote under entry
 * keys (each entry once; entries are never written again), with the entry's own commit time,
 * kind and writing organisation.
 */
function countedEntries(
  transaction: TransactionRecord,
  valueOf: (key: string) => Uint8Array | undefined,
): CountedEntry[] {
  const counted: CountedEntry[] = [];
  // A transaction's entries share their commit time: its date is worked out once.
  let date = { of: '', is: '' };
  for (const { key } of transaction.writes) {
    const value = key.startsWith(ENTRY_KEY_PREFIX) ? valueOf(key) : undefined;
    if (value !== undefined) {
      const entry = JSON.parse(utf8.decode(value)) as Pick<
        AuditEntry,
        'committedAt' | 'kind' | 'submitter'
      >;
      if (date.of !== entry.committedAt) {
        date = { of: entry.committedAt, is: districtDateOf(entry.committedAt) };
      }
      counted.push({
        chaincode: EMBEDDED_CHAINCODE,
        date: date.is,
        kind: entry.kind,
        mspId: entry.submitter.mspId,
      });
    }
  }
  return counted;
}

/**
 * World state, private collections' state and block log in one SQLite file. A block and the
 * state writes it records are committed in one SQLite transaction (WAL, synchronous=FULL), so a
 * crash never leaves half of either, and a restart resumes at the same height. Keys are BLOBs of
 * their UTF-8 bytes, so SQLite's ordering is Fabric's; statements take keys as text and cast
 * them, which spares a buffer per key. A private value deleted or purged leaves the files'
 * bytes: SQLite zeroes what it deletes (secure_delete), and the block that deleted it is
 * checkpointed out of the write-ahead log, which is then truncated (older frames there still
 * hold the value).
 */
export class LedgerStore implements StateReader {
  private readonly db: Database.Database;
  private readonly statements: ReturnType<LedgerStore['prepareStatements']>;
  /** Entries per day, counted with each block; none when the ledger is opened read-only. */
  private readonly counts: EntryDayCounts | undefined;
  /** Which entries each index partition lists, posted with each block; likewise. */
  private readonly postings: EntryPostings | undefined;
  /** The kinds the contract records, whose indexes the postings follow. */
  private readonly kinds: KindRegistry;
  /** Whether a deleted private value may still be in the write-ahead log's bytes. */
  private logHoldsErasedData = false;

  /**
   * `readOnly` opens an existing ledger without changing it (for offline checks); `kinds` are
   * those the contract records, when not the standard ones.
   */
  constructor(
    readonly file: string,
    options: { readOnly?: boolean; kinds?: KindRegistry } = {},
  ) {
    this.kinds = options.kinds ?? standardKinds;
    this.db = options.readOnly
      ? new Database(file, { readonly: true, fileMustExist: true })
      : openDurableDatabase(file);
    if (!options.readOnly) {
      // Each block rewrites the last page of every index partition it touches. Checkpointing
      // the log into the database every ~40 MB instead of every 4 MB copies such a page once
      // for many blocks instead of once per block.
      this.db.pragma('wal_autocheckpoint = 10000');
      // Always, not only for private data: a page split moving a private value while this was
      // off would leave a copy that a later purge could not find.
      this.db.pragma('secure_delete = ON');
      this.createSchema();
    } else if (!this.hasPrivateState()) {
      // A ledger from before private data, which this connection may not add a table to. It
      // holds no private data, as an empty table of this connection's own says.
      this.db.exec(`CREATE TEMP TABLE private_state ${PRIVATE_STATE_COLUMNS}`);
    }
    this.statements = this.prepareStatements();
    this.counts = options.readOnly ? undefined : new EntryDayCounts(this.db);
    this.postings = options.readOnly ? undefined : new EntryPostings(this.db);
  }

  private hasPrivateState(): boolean {
    return (
      this.db
        .prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'private_state'")
        .get() !== undefined
    );
  }

  private createSchema(): void {
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS state (key BLOB PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS private_state ${PRIVATE_STATE_COLUMNS};
      CREATE TABLE IF NOT EXISTS blocks (
        number INTEGER PRIMARY KEY,
        previous_hash TEXT NOT NULL,
        data_hash TEXT NOT NULL,
        header_hash TEXT NOT NULL,
        data TEXT NOT NULL,
        orderer_signature TEXT
      );
      CREATE TABLE IF NOT EXISTS certificates (sha256 TEXT PRIMARY KEY, pem TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS transactions (
        tx_id TEXT PRIMARY KEY,
        block_number INTEGER NOT NULL REFERENCES blocks (number)
      ) WITHOUT ROWID;
    `);
  }

  private prepareStatements() {
    return {
      get: this.db.prepare<[string], { value: Buffer }>(
        'SELECT value FROM state WHERE key = CAST(? AS BLOB)',
      ),
      range: this.db.prepare<[string, string, number], { key: Buffer }>(
        'SELECT key FROM state WHERE key >= CAST(? AS BLOB) AND key < CAST(? AS BLOB) ORDER BY key LIMIT ?',
      ),
      put: this.db.prepare<[string, Uint8Array]>(
        'INSERT INTO state (key, value) VALUES (CAST(? AS BLOB), ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
      delete: this.db.prepare<[string]>('DELETE FROM state WHERE key = CAST(? AS BLOB)'),
      getPrivate: this.db.prepare<[string, string], { value: Buffer }>(
        'SELECT value FROM private_state WHERE collection = ? AND key = CAST(? AS BLOB)',
      ),
      privateRange: this.db.prepare<[string, string, string, string], { key: Buffer }>(
        "SELECT key FROM private_state WHERE collection = ? AND key >= CAST(? AS BLOB) AND (? = '' OR key < CAST(? AS BLOB)) ORDER BY key",
      ),
      putPrivate: this.db.prepare<[string, string, Uint8Array]>(
        'INSERT INTO private_state (collection, key, value) VALUES (?, CAST(? AS BLOB), ?) ON CONFLICT (collection, key) DO UPDATE SET value = excluded.value',
      ),
      deletePrivate: this.db.prepare<[string, string]>(
        'DELETE FROM private_state WHERE collection = ? AND key = CAST(? AS BLOB)',
      ),
      allPrivate: this.db.prepare<[], { collection: string; key: Buffer; value: Buffer }>(
        'SELECT collection, key, value FROM private_state',
      ),
      head: this.db.prepare<[], BlockRow>('SELECT * FROM blocks ORDER BY number DESC LIMIT 1'),
      // Without the head block's data, which can be a megabyte: a read asks for it often.
      height: this.db.prepare<[], { height: number | null }>(
        'SELECT MAX(number) + 1 AS height FROM blocks',
      ),
      block: this.db.prepare<[number], BlockRow>('SELECT * FROM blocks WHERE number = ?'),
      allBlocks: this.db.prepare<[], BlockRow>('SELECT * FROM blocks ORDER BY number'),
      allState: this.db.prepare<[], { key: Buffer; value: Buffer }>('SELECT key, value FROM state'),
      insertBlock: this.db.prepare<[number, string, string, string, string, string]>(
        'INSERT INTO blocks (number, previous_hash, data_hash, header_hash, data, orderer_signature) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      insertCertificate: this.db.prepare<[string, string]>(
        'INSERT INTO certificates (sha256, pem) VALUES (?, ?) ON CONFLICT (sha256) DO NOTHING',
      ),
      certificate: this.db.prepare<[string], { pem: string }>(
        'SELECT pem FROM certificates WHERE sha256 = ?',
      ),
      insertTransaction: this.db.prepare<[string, number]>(
        'INSERT INTO transactions (tx_id, block_number) VALUES (?, ?)',
      ),
      headerHashes: this.db.prepare<[], { header_hash: string }>(
        'SELECT header_hash FROM blocks ORDER BY number',
      ),
      blockOfTransaction: this.db.prepare<[string], { block_number: number }>(
        'SELECT block_number FROM transactions WHERE tx_id = ?',
      ),
    };
  }

  get(key: string): Uint8Array | undefined {
    return this.statements.get.get(key)?.value;
  }

  keysInRange(startKey: string, endKey: string, limit: number): string[] {
    return this.statements.range
      .all(startKey, endKey, limit)
      .map((row) => row.key.toString('utf8'));
  }

  getPrivate(collection: string, key: string): Uint8Array | undefined {
    return this.statements.getPrivate.get(collection, key)?.value;
  }

  privateKeysInRange(collection: string, startKey: string, endKey: string): string[] {
    return this.statements.privateRange
      .all(collection, startKey, endKey, endKey)
      .map((row) => row.key.toString('utf8'));
  }

  /** Number of blocks; the next block's number. */
  height(): number {
    return this.statements.height.get()?.height ?? 0;
  }

  /** How many blocks, from block 0, have their entries counted and posted (see indexBacklog). */
  indexedHeight(): number {
    return Math.min(this.dayCounts().countedHeight(), this.entryPostings().postedHeight());
  }

  /**
   * Appends one block holding `transactions`, signed by `signBlock` over its header hash, and
   * applies their writes, public and private, atomically. `certificates` are the PEMs the
   * signatures refer to. Once a block deleted or purged a private value, the write-ahead log is
   * emptied into the database and truncated, so no earlier version of it stays in either file.
   */
  appendBlock(
    transactions: CommittedTransaction[],
    signBlock: (headerHash: string) => IdentitySignature,
    certificates: readonly string[],
  ): Block {
    const block = this.db
      .transaction(() => {
        const head = this.statements.head.get();
        const block = buildBlock(
          head === undefined ? 0 : head.number + 1,
          head === undefined ? GENESIS_PREVIOUS_HASH : head.header_hash,
          transactions.map(({ record }) => record),
        );
        block.ordererSignature = signBlock(block.headerHash);
        const { header } = block;
        this.statements.insertBlock.run(
          header.number,
          header.previousHash,
          header.dataHash,
          block.headerHash,
          JSON.stringify(block.transactions),
          JSON.stringify(block.ordererSignature),
        );
        for (const pem of certificates) {
          this.statements.insertCertificate.run(sha256Hex(pem), pem);
        }
        for (const { record, writes, privateWrites } of transactions) {
          this.statements.insertTransaction.run(record.txId, header.number);
          for (const [key, write] of writes) {
            if (write.kind === 'put') {
              this.statements.put.run(key, write.value);
            } else {
              this.statements.delete.run(key);
            }
          }
          this.applyPrivateWrites(privateWrites);
        }
        // Neither counted nor posted here while older blocks wait for indexBacklog, which does
        // it in turn; read from the writes in hand, not from the state they were just put in.
        this.counts?.addBlock(header.number, () =>
          transactions.flatMap(({ record, writes }) =>
            countedEntries(record, (key) => putValue(writes.get(key))),
          ),
        );
        this.postings?.addBlock(header.number, () =>
          transactions.map(({ record, writes, privateWrites }) =>
            this.postedBy(
              record,
              (key) => putValue(writes.get(key)),
              (collection, key) => putValue(privateWrites.get(collection)?.get(key)),
            ),
          ),
        );
        return block;
      })
      .immediate();
    if (this.logHoldsErasedData) {
      this.truncateLog();
    }
    return block;
  }

  private applyPrivateWrites(privateWrites: PrivateWrites): void {
    for (const [collection, writes] of privateWrites) {
      for (const [key, write] of writes) {
        if (write.kind === 'put') {
          this.statements.putPrivate.run(collection, key, write.value);
        } else {
          this.statements.deletePrivate.run(collection, key);
          this.logHoldsErasedData = true;
        }
      }
    }
  }

  /**
   * Copies the log into the database (whose pages then hold only zeroes where erased values
   * were) and truncates it. A reader still on an older snapshot can hold it up past SQLite's
   * busy timeout; the block is committed all the same, and the next one tries again.
   */
  private truncateLog(): void {
    let reason: string;
    try {
      const [result] = this.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
      this.logHoldsErasedData = result?.busy !== 0;
      reason = 'readers kept it busy';
    } catch (error) {
      reason = (error as Error).message;
    }
    if (this.logHoldsErasedData) {
      process.emitWarning(
        `${this.file}: the write-ahead log still holds erased private data (${reason}); the next block tries again`,
      );
    }
  }

  /**
   * Counts and posts blocks stored before this ledger kept counts or postings (see
   * EntryDayCounts, EntryPostings), oldest first, in one SQLite transaction of about
   * `maxEntries` entries at most; says whether any remain.
   */
  indexBacklog(maxEntries: number): boolean {
    const counts = this.dayCounts();
    const postings = this.entryPostings();
    return this.db
      .transaction(() => {
        const height = this.height();
        let entries = 0;
        const from = this.indexedHeight();
        for (let number = from; number < height; number += 1) {
          if (entries >= maxEntries) {
            return true;
          }
          const transactions = this.block(number)?.transactions ?? [];
          counts.addBlock(number, () =>
            transactions.flatMap((transaction) =>
              countedEntries(transaction, (key) => this.get(key)),
            ),
          );
          postings.addBlock(number, () =>
            transactions.map((record) =>
              this.postedBy(
                record,
                (key) => this.get(key),
                (collection, key) => this.getPrivate(collection, key),
              ),
            ),
          );
          for (const { writes } of transactions) {
            entries += writes.filter(({ key }) => key.startsWith(ENTRY_KEY_PREFIX)).length;
          }
        }
        return false;
      })
      .immediate();
  }

  /**
   * What a committed transaction posts: its entries, read with `valueOf`, and the details of
   * those whose details `detailsOf` still finds (erased ones are not).
   */
  private postedBy(
    record: TransactionRecord,
    valueOf: (key: string) => Uint8Array | undefined,
    detailsOf: (collection: string, key: string) => Uint8Array | undefined,
  ): PostedTransaction {
    return postedTransaction(
      this.kinds,
      EMBEDDED_CHAINCODE,
      {
        entries: record.writes.flatMap(({ key, isDelete }) => {
          const value =
            isDelete === true || !key.startsWith(ENTRY_KEY_PREFIX) ? undefined : valueOf(key);
          return value === undefined ? [] : [value];
        }),
        keys: record.writes.map(({ key }) => key),
      },
      (collection, entry) => detailsOf(collection, entryKey(entry.id, entry.submitter.mspId)),
    );
  }

  /**
   * A page of one index partition's entries that `reader` may read (see EntryPostings.page).
   * Refused while blocks stored before postings were kept are still being posted.
   */
  postingsPage(
    reader: Caller,
    consortium: Consortium,
    query: PostingsQuery & { pageSize: number; bookmark: string },
  ): PostingsPage {
    return this.whilePosted(() =>
      this.entryPostings().page(reader, consortium, EMBEDDED_CHAINCODE, query),
    );
  }

  /** How many of one partition's entries `reader` may read (see EntryPostings.count). */
  postingsCount(
    reader: Caller,
    consortium: Consortium,
    query: PostingsQuery,
  ): { count: number; complete: boolean } {
    return this.whilePosted(() =>
      this.entryPostings().count(reader, consortium, EMBEDDED_CHAINCODE, query),
    );
  }

  /** `read`, in one read transaction with the check that every block is posted. */
  private whilePosted<T>(read: () => T): T {
    return this.db.transaction(() => {
      const posted = this.entryPostings().postedHeight();
      const height = this.height();
      if (posted < height) {
        throw new LedgerError(
          'LEDGER_UNAVAILABLE',
          `the ledger's index is being built from its blocks (${posted} of ${height}); ask again shortly`,
        );
      }
      return read();
    })();
  }

  /**
   * What `reader` may read of the entries committed on the district days `from` to `to`, by
   * day and kind; complete when every block is counted.
   */
  entriesPerDay(
    reader: Caller,
    days: { from: string; to: string },
  ): { counts: DayCount[]; complete: boolean } {
    const counts = this.dayCounts();
    // The counts and the height they are compared with, from one snapshot.
    return this.db.transaction(() => {
      const visible = counts.visibleTo(reader, EMBEDDED_CHAINCODE, days);
      return { counts: visible.counts, complete: visible.countedHeight >= this.height() };
    })();
  }

  block(number: number): Block | undefined {
    const row = this.statements.block.get(number);
    return row === undefined ? undefined : rowToBlock(row);
  }

  /** Ledger time of the last committed transaction, or undefined for an empty ledger. */
  lastTimestamp(): string | undefined {
    const head = this.statements.head.get();
    return head === undefined ? undefined : rowToBlock(head).transactions.at(-1)?.timestamp;
  }

  /** Every block's header hash, in block order: the leaves of the checkpoint tree. */
  headerHashes(): PackedHashes {
    const hashes = new PackedHashes();
    for (const row of this.statements.headerHashes.iterate()) {
      hashes.push(row.header_hash);
    }
    return hashes;
  }

  /** A certificate a stored signature refers to, by the SHA-256 of its PEM text. */
  certificate(sha256: string): string | undefined {
    return this.statements.certificate.get(sha256)?.pem;
  }

  blockNumberOf(txId: string): number | undefined {
    return this.statements.blockOfTransaction.get(txId)?.block_number;
  }

  /**
   * Recomputes every header and data hash, follows the chain from the first block, and checks
   * that each stored value, public or private, is the last value a block recorded for its key
   * (a key whose last write was a delete or purge must hold none). `checkBlock` adds its own
   * findings for each block, read once.
   */
  checkIntegrity(checkBlock?: (block: Block) => IntegrityProblem[]): IntegrityReport {
    const problems: IntegrityProblem[] = [];
    /** The value hash each key's last write recorded; undefined for a delete. */
    const lastWrite = new Map<string, string | undefined>();
    /** Likewise by collection and key hash: blocks name private keys by hash only. */
    const lastPrivateWrite = new Map<string, string | undefined>();
    let previousHash = GENESIS_PREVIOUS_HASH;
    let height = 0;
    for (const row of this.statements.allBlocks.iterate()) {
      const block = rowToBlock(row);
      const where = `block ${block.header.number}`;
      if (block.header.number !== height) {
        problems.push({ kind: 'block', where, message: `expected block number ${height}` });
      }
      if (block.header.previousHash !== previousHash) {
        problems.push({ kind: 'block', where, message: 'previous hash does not match the chain' });
      }
      if (dataHashOf(block.transactions) !== block.header.dataHash) {
        problems.push({
          kind: 'block',
          where,
          message: 'data hash does not match its transactions',
        });
      }
      if (headerHashOf(block.header) !== block.headerHash) {
        problems.push({ kind: 'block', where, message: 'header hash does not match its header' });
      }
      problems.push(...(checkBlock?.(block) ?? []));
      for (const transaction of block.transactions) {
        for (const write of transaction.writes) {
          lastWrite.set(write.key, write.valueSha256);
        }
        for (const { collection, writes } of transaction.privateWrites ?? []) {
          for (const write of writes) {
            lastPrivateWrite.set(privateWhere(collection, write.keySha256), write.valueSha256);
          }
        }
      }
      previousHash = block.headerHash;
      height += 1;
    }
    let stateKeys = 0;
    for (const { key, value } of this.statements.allState.iterate()) {
      stateKeys += 1;
      const textKey = key.toString('utf8');
      problems.push(...valueProblems(lastWrite, textKey, value, JSON.stringify(textKey)));
    }
    let privateKeys = 0;
    for (const { collection, key, value } of this.statements.allPrivate.iterate()) {
      privateKeys += 1;
      const where = privateWhere(collection, sha256Hex(key));
      problems.push(...valueProblems(lastPrivateWrite, where, value, where));
    }
    // What valueProblems left: keys no stored value was found under.
    for (const [key, valueSha256] of lastWrite) {
      if (valueSha256 !== undefined) {
        problems.push(missingWrite(JSON.stringify(key)));
      }
    }
    for (const [where, valueSha256] of lastPrivateWrite) {
      if (valueSha256 !== undefined) {
        problems.push(missingWrite(where));
      }
    }
    return { height, stateKeys, privateKeys, problems };
  }

  close(): void {
    this.db.close();
  }

  private entryPostings(): EntryPostings {
    if (this.postings === undefined) {
      throw new Error('a ledger opened read-only keeps no postings');
    }
    return this.postings;
  }

  private dayCounts(): EntryDayCounts {
    if (this.counts === undefined) {
      throw new Error('a ledger opened read-only keeps no entries per day');
    }
    return this.counts;
  }
}

/** The value a write put, if it put one. */
function putValue(write: PrivateWrite | undefined): Uint8Array | undefined {
  return write?.kind === 'put' ? write.value : undefined;
}

/** Where a private value is, in integrity reports: its collection and its key's hash. */
function privateWhere(collection: string, keySha256: string): string {
  return `${collection} key sha256:${keySha256}`;
}

/**
 * What is wrong with `value`, stored under `key`, against the value hash its last recorded
 * write left in `lastWrites` (undefined for a delete); takes the key out of `lastWrites`.
 */
function valueProblems(
  lastWrites: Map<string, string | undefined>,
  key: string,
  value: Uint8Array,
  where: string,
): IntegrityProblem[] {
  const written = lastWrites.has(key);
  const recorded = lastWrites.get(key);
  lastWrites.delete(key);
  if (!written) {
    return [{ kind: 'state', where, message: 'no block wrote this key' }];
  }
  if (recorded === undefined) {
    return [{ kind: 'state', where, message: 'a block deleted this key, yet it holds a value' }];
  }
  return recorded === sha256Hex(value)
    ? []
    : [{ kind: 'state', where, message: 'value differs from what its block recorded' }];
}

function missingWrite(where: string): IntegrityProblem {
  return { kind: 'state', where, message: 'recorded write is missing' };
}
