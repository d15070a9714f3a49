import { randomBytes } from 'node:crypto';
import {
  canonicalJson,
  channelForm,
  decodeErrorEnvelope,
  ENTRY_KEY_PREFIX,
  entryKey,
  peerOrganizations,
  type AuditEntry,
  type Caller,
  type ReadEntry,
  type EntriesReceipt,
  type EntryRequest,
  type Consortium,
  type KindRegistry,
  type PseudonymKeyRecord,
} from '@audit-ledger/chaincode';
import type { X509Identity } from '../identity/x509-identities';
import { entryQueriesOf } from '../ledger/entry-query';
import type { BlockHeaderSource } from '../ledger/block-header-source';
import {
  CHANNEL,
  type EmbeddedProofMaterial,
  type PackedHashes,
  PROOF_FORMAT,
  sha256Hex,
  validationReportBytes,
} from '@audit-ledger/verifier';
import {
  LedgerError,
  type DueErasure,
  type ErasureRequest,
  type Ledger,
  type LedgerEntry,
  type RecordedEntry,
  wholeEntry,
  type LedgerPage,
  type LedgerCount,
  type LedgerCountQuery,
  type LedgerDayCounts,
  type LedgerQuery,
  type LedgerReadiness,
  type Principal,
  unlessNotFound,
} from '../ledger/ledger';
import { consortiumReader } from '../ledger/entry-day-counts';
import { checkedQuery } from '../ledger/entry-postings';
import type { ProofSource } from '../proof/proof-source';
import { CommitterThread, type Committer } from './committer-thread';
import { loadKinds } from '../kinds-module';
import { ContractRunner } from './contract-runner';
import type { LedgerStore } from './ledger-store';
import { signWith, type CommitOutcome } from './transaction-committer';
import type { Proposal } from './transaction-stub';
import { entriesConfirmed } from '../ledger/entries-confirmed';
import { recordedOne, recordEntriesCall, type RecordingCall } from '../ledger/recording-call';

export interface IdentityResolver {
  identityFor(principal: Principal): Promise<X509Identity>;
  /** The signing identity of an organisation's peer, or of the orderer. */
  node(mspId: string): Promise<X509Identity>;
}

/** Blocks whose recorded entry hashes stay parsed (see recordedEntryHashes). */
const RECORDED_BLOCKS_KEPT = 16;

function toLedgerError(message: string): LedgerError {
  const envelope = decodeErrorEnvelope(message);
  return envelope === undefined
    ? new LedgerError('INTERNAL', message)
    : new LedgerError(envelope.code, envelope.message, envelope.details);
}

/**
 * The audit contract run in-process over SQLite, with a hash-chained block log. Writes are
 * serialised (one simulation and commit at a time, by the committer), which is what Fabric's
 * MVCC validation achieves between endorsement and commit: no two transactions both see an id
 * as unused. Reads run here, on the gateway's thread, over their own connection.
 */
export class EmbeddedLedger implements Ledger, ProofSource, BlockHeaderSource {
  readonly kind = 'embedded';
  /** The kinds this ledger's contract records. */
  readonly kinds: KindRegistry;
  private readonly queries: ReturnType<typeof entryQueriesOf>;
  private readonly runner: ContractRunner;
  private readonly now: () => number;
  private readonly committer: Committer;
  /** Settles when the last transaction was handed to the committer, so they go in order. */
  private sends: Promise<unknown> = Promise.resolve();
  private lastTimestampMicros = 0;
  private closed = false;
  private readonly recordedByBlock = new Map<number, Map<string, string>>();

  constructor(
    private readonly store: LedgerStore,
    private readonly identities: IdentityResolver,
    /** Whose peers endorse every transaction, and who orders blocks. */
    private readonly consortium: Consortium,
    options: {
      now?: () => number;
      committer?: Committer;
      /** See loadKinds: the kinds to record, when not the standard ones. */
      kindsModule?: string | undefined;
    } = {},
  ) {
    this.kinds = loadKinds(options.kindsModule);
    this.queries = entryQueriesOf(this.kinds);
    this.runner = new ContractRunner(this.kinds);
    this.now = options.now ?? Date.now;
    this.committer = options.committer ?? new CommitterThread(store.file, options.kindsModule);
    // After a restart too, and even if the clock went back, ledger time keeps increasing.
    const last = store.lastTimestamp();
    if (last !== undefined) {
      this.lastTimestampMicros =
        Date.parse(`${last.slice(0, 19)}Z`) * 1000 + Math.floor(Number(last.slice(20, 29)) / 1000);
    }
  }

  recordEntry(principal: Principal, request: EntryRequest): Promise<RecordedEntry> {
    return recordedOne(this.kinds, request, {
      alone: async () => {
        // Arguments need not be canonical: the contract parses them, and the block hashes them as sent.
        const { payload, blockNumber } = await this.submit(principal, 'RecordEntry', {
          argument: JSON.stringify(request),
        });
        return { ...(JSON.parse(payload) as AuditEntry), blockNumber };
      },
      inBatch: (requests) => this.recordEntries(principal, requests),
    });
  }

  async recordEntries(principal: Principal, requests: EntryRequest[]): Promise<RecordedEntry[]> {
    const { payload, blockNumber } = await this.submit(
      principal,
      'RecordEntries',
      await recordEntriesCall(this.kinds, this.consortium, requests, (query) =>
        this.queryEntries(principal, query),
      ),
    );
    return entriesConfirmed(
      this.kinds,
      requests,
      JSON.parse(payload) as EntriesReceipt,
      blockNumber,
      async (id) => wholeEntry(await this.getEntry(principal, id)),
    );
  }

  async getEntry(principal: Principal, id: string): Promise<LedgerEntry> {
    const entry = this.locate(
      JSON.parse(await this.evaluate(principal, 'GetEntry', [id])) as ReadEntry,
    );
    this.assertRecorded(entry);
    return entry;
  }

  async eraseEntry(principal: Principal, request: ErasureRequest): Promise<LedgerEntry> {
    const { payload, blockNumber } = await this.submit(principal, 'EraseEntry', {
      argument: JSON.stringify(request),
    });
    return { ...(JSON.parse(payload) as AuditEntry), blockNumber };
  }

  async dueErasures(
    principal: Principal,
    page: { pageSize: number; bookmark: string },
  ): Promise<{ items: DueErasure[]; bookmark: string }> {
    return JSON.parse(await this.evaluate(principal, 'ListDueErasures', [canonicalJson(page)])) as {
      items: DueErasure[];
      bookmark: string;
    };
  }

  /**
   * A page found in the postings the commit thread keeps with each block, its entries then read
   * through the contract, which refuses any the caller may not read.
   */
  async queryEntries(principal: Principal, query: LedgerQuery): Promise<LedgerPage> {
    const checked = checkedQuery(this.queries.page, query);
    const reader = await this.readerFor(principal);
    const page = this.store.postingsPage(reader, this.consortium, checked);
    const items = (
      JSON.parse(
        await this.evaluate(principal, 'GetEntries', [canonicalJson(page.entries)]),
      ) as ReadEntry[]
    ).map((entry) => {
      const located = this.locate(entry);
      this.assertRecorded(located);
      return located;
    });
    return { items, bookmark: page.bookmark };
  }

  async countEntries(principal: Principal, query: LedgerCountQuery): Promise<LedgerCount> {
    const checked = checkedQuery(this.queries.count, query);
    return this.store.postingsCount(await this.readerFor(principal), this.consortium, checked);
  }

  async pseudonymKey(principal: Principal): Promise<PseudonymKeyRecord | undefined> {
    const payload = await unlessNotFound(this.evaluate(principal, 'GetPseudonymKey', []));
    return payload === undefined ? undefined : (JSON.parse(payload) as PseudonymKeyRecord);
  }

  async recordPseudonymKey(principal: Principal, fingerprint: string): Promise<PseudonymKeyRecord> {
    const { payload } = await this.submit(principal, 'RecordPseudonymKey', {
      argument: fingerprint,
    });
    return JSON.parse(payload) as PseudonymKeyRecord;
  }

  /** From the counts the commit thread keeps with each block: one small read, no contract call. */
  async countEntriesPerDay(
    principal: Principal,
    days: { from: string; to: string },
  ): Promise<LedgerDayCounts> {
    return this.store.entriesPerDay(await this.readerFor(principal), days);
  }

  /**
   * The caller as the contract's canRead judges it, for reads that do not run the contract: the
   * ledger's postings and counts, and the events and findings fed from its blocks.
   */
  async readerFor(principal: Principal): Promise<Caller> {
    if (this.closed) {
      throw new LedgerError('LEDGER_UNAVAILABLE', 'the ledger is closed');
    }
    const { mspId } = await this.identities.identityFor(principal);
    return consortiumReader(this.consortium, mspId, principal);
  }

  /**
   * The entry, its block, every signer's certificate, and each endorsing organisation's peer's
   * signed report of the transaction's validation code.
   */
  async proofOf(principal: Principal, id: string): Promise<EmbeddedProofMaterial> {
    const entry = await this.getEntry(principal, id);
    const block = this.store.block(entry.blockNumber);
    const transactionIndex =
      block?.transactions.findIndex((record) => record.txId === entry.txId) ?? -1;
    const record = block?.transactions[transactionIndex];
    if (block === undefined || record === undefined || block.ordererSignature === undefined) {
      throw new LedgerError(
        'LEDGER_INTEGRITY',
        `block ${entry.blockNumber} does not hold entry ${id}`,
      );
    }
    const { blockNumber: _located, ...committed } = entry;
    const peers = await Promise.all(
      peerOrganizations(this.consortium).map((mspId) => this.identities.node(mspId)),
    );
    const validation = peers.map((peer) => {
      const report = { block: block.header.number, txId: record.txId, code: 'VALID' as const };
      return { ...report, ...signWith(peer, validationReportBytes(report)) };
    });
    const hashes = [
      record.creator.certificateSha256,
      ...record.endorsements.map((endorsement) => endorsement.certificateSha256),
      block.ordererSignature.certificateSha256,
    ];
    const certificates = Object.fromEntries(
      hashes.map((hash) => [hash, this.store.certificate(hash) ?? '']),
    );
    for (const peer of peers) {
      certificates[sha256Hex(peer.certificatePem)] = peer.certificatePem;
    }
    return {
      format: PROOF_FORMAT,
      ledger: 'embedded',
      channel: CHANNEL,
      entry,
      canonicalEntry: canonicalJson(channelForm(committed)),
      transactionIndex,
      block,
      certificates,
      validation,
    };
  }

  blockHeaderHashes(): Promise<PackedHashes> {
    if (this.closed) {
      return Promise.reject(new LedgerError('LEDGER_UNAVAILABLE', 'the ledger is closed'));
    }
    return Promise.resolve(this.store.headerHashes());
  }

  /** Starts the commit thread; resolves once it can take transactions. */
  start(): Promise<void> {
    return this.committer.start();
  }

  /** Ready when the store answers and a commit thread runs (this starts one if none does). */
  readiness(): Promise<LedgerReadiness> {
    try {
      if (this.closed) {
        throw new LedgerError('LEDGER_UNAVAILABLE', 'the ledger is closed');
      }
      const blocks = this.store.height();
      const indexedBlocks = this.store.indexedHeight();
      this.committer.checkReady();
      return Promise.resolve({
        ready: true,
        parts: [],
        blocks,
        indexedBlocks,
        catchingUp: indexedBlocks < blocks,
      });
    } catch (error) {
      return Promise.resolve({ ready: false, parts: [], reason: (error as Error).message });
    }
  }

  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.closed = true;
    await this.sends;
    await this.committer.close();
    this.store.close();
  }

  private async submit(
    principal: Principal,
    fcn: string,
    call: RecordingCall,
  ): Promise<Extract<CommitOutcome, { ok: true }>> {
    if (this.closed) {
      throw new LedgerError('LEDGER_UNAVAILABLE', 'the ledger is closed');
    }
    const signers = Promise.all([
      this.identities.identityFor(principal),
      Promise.all(peerOrganizations(this.consortium).map((mspId) => this.identities.node(mspId))),
      this.identities.node(this.consortium.ordererOrganization),
    ]);
    // Awaited only when this transaction's turn comes; until then a failure must not go unhandled.
    signers.catch(() => undefined);
    // Transactions reach the committer in the order they came, each with a later ledger time.
    // The commit is wrapped so that the next send waits for this send only, not for its commit.
    const sending = this.sends.then(async () => {
      const [creator, endorsers, orderer] = await signers;
      const args = [call.argument];
      const { txId, timestamp } = this.proposal(creator, fcn, args);
      return {
        committed: this.committer.commit({
          fcn,
          args,
          txId,
          timestamp,
          creator,
          endorsers,
          orderer,
          transient: call.transient,
        }),
      };
    });
    this.sends = sending.catch(() => undefined);
    const outcome = await (await sending).committed;
    if (!outcome.ok) {
      throw toLedgerError(outcome.message);
    }
    return outcome;
  }

  private async evaluate(principal: Principal, fcn: string, args: string[]): Promise<string> {
    if (this.closed) {
      throw new LedgerError('LEDGER_UNAVAILABLE', 'the ledger is closed');
    }
    const identity = await this.identities.identityFor(principal);
    const simulation = await this.runner.simulate(this.store, {
      ...this.proposal(identity, fcn, args),
    });
    if (!simulation.ok) {
      throw toLedgerError(simulation.message);
    }
    return simulation.payload;
  }

  private proposal(identity: X509Identity, fcn: string, args: string[]): Proposal {
    // Strictly increasing microseconds, so ledger time order is commit order.
    const micros = Math.max(this.now() * 1000, this.lastTimestampMicros + 1);
    this.lastTimestampMicros = micros;
    const seconds = Math.floor(micros / 1e6);
    const creator = { mspid: identity.mspId, idBytes: Buffer.from(identity.certificatePem) };
    return {
      channel: CHANNEL,
      fcn,
      args,
      // Fabric's transaction id: SHA-256 of a fresh nonce and the creator.
      txId: sha256Hex(Buffer.concat([randomBytes(24), creator.idBytes])),
      timestamp: { seconds, nanos: (micros - seconds * 1e6) * 1000 },
      creator,
    };
  }

  private locate(entry: ReadEntry): LedgerEntry {
    const blockNumber = this.store.blockNumberOf(entry.txId);
    if (blockNumber === undefined) {
      throw new LedgerError(
        'LEDGER_INTEGRITY',
        `entry ${entry.id} names a transaction no block holds`,
      );
    }
    return { ...entry, blockNumber };
  }

  /**
   * What the channel stores of the entry must be, byte for byte, what its block recorded writing
   * (the details held privately are checked against their hash by the contract as it reads them).
   */
  private assertRecorded(entry: LedgerEntry): void {
    const { blockNumber: _located, ...read } = entry;
    const canonicalEntry = canonicalJson(channelForm(read));
    const recorded = this.recordedEntryHashes(entry.blockNumber)?.get(
      `${entry.txId}\u0000${entryKey(entry.id, entry.submitter.mspId)}`,
    );
    if (recorded !== sha256Hex(canonicalEntry)) {
      throw new LedgerError(
        'LEDGER_INTEGRITY',
        `the stored entry ${entry.id} differs from what block ${entry.blockNumber} recorded`,
      );
    }
  }

  /**
   * What block `number` recorded writing under each entry key (`txId`, U+0000, key → value
   * SHA-256). Parsing a 500-entry block costs milliseconds, and reads come in runs from one
   * block (a page, neighbouring GETs, a retried batch), so the last few blocks' maps are kept.
   * Blocks never change once committed; a kept map can only be stricter than a rewritten row.
   */
  private recordedEntryHashes(number: number): Map<string, string> | undefined {
    let recorded = this.recordedByBlock.get(number);
    if (recorded === undefined) {
      const block = this.store.block(number);
      if (block === undefined) {
        return undefined;
      }
      recorded = new Map();
      for (const transaction of block.transactions) {
        for (const write of transaction.writes) {
          if (write.key.startsWith(ENTRY_KEY_PREFIX) && write.valueSha256 !== undefined) {
            recorded.set(`${transaction.txId}\u0000${write.key}`, write.valueSha256);
          }
        }
      }
    }
    // Most recently used last; the first key is the one to drop.
    this.recordedByBlock.delete(number);
    this.recordedByBlock.set(number, recorded);
    const [oldest] = this.recordedByBlock.keys();
    if (this.recordedByBlock.size > RECORDED_BLOCKS_KEPT && oldest !== undefined) {
      this.recordedByBlock.delete(oldest);
    }
    return recorded;
  }
}
