import * as grpc from '@grpc/grpc-js';
import type { Contract, Gateway, Network } from '@hyperledger/fabric-gateway';
import { common, peer as peerProtos } from '@hyperledger/fabric-protos';
import {
  canonicalJson,
  channelForm,
  standardConsortium,
  type AuditEntry,
  type Caller,
  type ReadEntry,
  type EntriesReceipt,
  type EntryRequest,
  type KindRegistry,
  type PseudonymKeyRecord,
} from '@audit-ledger/chaincode';
import type { Logger } from 'pino';
import { entryQueriesOf } from '../ledger/entry-query';
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
import type { BlockHeaderSource } from '../ledger/block-header-source';
import { consortiumReader } from '../ledger/entry-day-counts';
import { checkedQuery } from '../ledger/entry-postings';
import type { PeerCopies } from '../ledger/peer-copies';
import {
  blockInAnswer,
  type FabricProofMaterial,
  PackedHashes,
  type PeerBlockAnswer,
  PROOF_FORMAT,
  transactionIndexIn,
  validationCodeName,
} from '@audit-ledger/verifier';
import type { ProofSource } from '../proof/proof-source';
import type { BlockIndex } from './block-index';
import { BlockFollower, chainHeightOf } from './block-follower';
import { FabricCommittedBlocks } from './fabric-committed-blocks';
import type { CommittedBlocks } from '../ledger/committed-blocks';
import {
  certificateHash,
  connectGateway,
  peerClient,
  type PeerConnection,
} from './peer-connection';
import type { ConnectionFile } from './connection-file';
import { toLedgerError } from './fabric-errors';
import { peerBlockAnswer } from './peer-block-answer';
import { submitUntilCommitted } from './submit-until-committed';
import type { EnrolledIdentity, FabricIdentities } from './fabric-identities';
import { entriesConfirmed } from '../ledger/entries-confirmed';
import {
  detailsHolders,
  membersOfAll,
  recordedOne,
  recordEntriesCall,
  type RecordingCall,
} from '../ledger/recording-call';

const utf8 = new TextDecoder();
const { TxValidationCode } = peerProtos;

/** Re-endorsements after an MVCC conflict: the next simulation sees the winner's writes. */
const ENDORSE_ATTEMPTS = 3;
/** Peers of this many organisations vouch for the block in a proof: no one's word alone. */
const PEERS_PER_PROOF = 2;
/** How long a read waits for the block index to reach a just-committed transaction. */
const INDEX_WAIT_MS = 3_000;
/**
 * How long a query waits for an index catching up with the chain, as one does on a gateway just
 * started on a fresh data folder; past it, the query is answered 503 until the index holds the
 * chain.
 */
const CATCH_UP_WAIT_MS = 15_000;
/** How long a readiness check waits for each peer's answer. */
const READINESS_TIMEOUT_MS = 2_000;

export interface FabricLedgerOptions {
  connection: ConnectionFile;
  kinds: KindRegistry;
  identities: FabricIdentities;
  index: BlockIndex;
  /** The organisations this gateway acts for: their peers come first. */
  organizations: readonly string[];
  /** Identity the block index follows the channel as (any channel member can). */
  indexReader: Principal;
  logger: Logger;
}

function isRetryableStatus(code: number): boolean {
  return (
    code === TxValidationCode.MVCC_READ_CONFLICT || code === TxValidationCode.PHANTOM_READ_CONFLICT
  );
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The audit contract on a Fabric network, through @hyperledger/fabric-gateway: each principal
 * signs with its own CA-enrolled identity, over gRPC connections shared per peer. A write is
 * endorsed by the channel's majority policy, ordered, and answered once its block commits.
 */
export class FabricLedger implements Ledger, ProofSource, BlockHeaderSource, PeerCopies {
  readonly kind = 'fabric';

  /** The kinds the channel's contract records: its receipts are read with them. */
  get kinds(): KindRegistry {
    return this.options.kinds;
  }
  private readonly peers: PeerConnection[];
  private readonly gateways = new Map<string, Gateway>();
  private readonly follower: BlockFollower;
  private readonly queries: ReturnType<typeof entryQueriesOf>;
  /**
   * The chain height that holds every write this gateway saw commit: the peer its index
   * follows may be a block or two behind the one that answered the write.
   */
  private writtenHeight = 0;
  /** Each organisation's peer's chain height, as last read (see peerHoldsOwnWrites). */
  private readonly peerHeights = new Map<string, number>();
  private closed = false;

  constructor(private readonly options: FabricLedgerOptions) {
    const { connection, organizations } = options;
    const ordered = [
      ...organizations,
      ...Object.keys(connection.organizations).filter((mspId) => !organizations.includes(mspId)),
    ];
    const tlsClient = connection.organizations[organizations[0] ?? '']?.tlsClient;
    this.peers = ordered.flatMap((mspId) => {
      const org = connection.organizations[mspId];
      if (org === undefined || tlsClient === undefined) {
        return [];
      }
      return [
        {
          mspId,
          name: org.peer.name,
          client: peerClient(org.tlsRootCertPath, tlsClient, org.peer.endpoint),
          tlsCertificateHash: certificateHash(tlsClient.certPath),
        },
      ];
    });
    this.follower = new BlockFollower(() => this.channel(), options.index, options.logger, {
      chainHeight: () => this.highestChainHeight(),
    });
    this.queries = entryQueriesOf(options.kinds);
  }

  /** Every committed block's entries, on a delivery stream of their own. */
  committedBlocks(): CommittedBlocks {
    return new FabricCommittedBlocks(
      () => this.channel(),
      this.options.connection.channel,
      this.options.connection.chaincode,
      (principal) => this.readerFor(principal),
      this.options.logger,
      { chainHeight: () => this.highestChainHeight() },
    );
  }

  /**
   * The channel, as the index's reading identity sees it through a peer of its own
   * organisation: only such a peer holds, and delivers, that organisation's private data.
   */
  private async channel(): Promise<Network> {
    const { indexReader, identities, connection } = this.options;
    const { mspId } = await identities.identityFor(indexReader);
    return (await this.contractFor(indexReader, mspId)).gateway.getNetwork(connection.channel);
  }

  /** Starts following the channel's blocks into the index, in the background. */
  start(): void {
    this.follower.start();
  }

  recordEntry(principal: Principal, request: EntryRequest): Promise<RecordedEntry> {
    return recordedOne(this.kinds, request, {
      alone: async () => {
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
      await recordEntriesCall(this.kinds, standardConsortium, requests, (query) =>
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
    const entry = JSON.parse(
      await this.evaluate(principal, 'GetEntry', id, await this.detailsReaders(principal)),
    ) as ReadEntry;
    return { ...entry, blockNumber: await this.blockOf(principal, entry.txId) };
  }

  async eraseEntry(principal: Principal, request: ErasureRequest): Promise<LedgerEntry> {
    // Only the collections' members hold the details it reads and purges; an entry that holds
    // none is refused by them alike.
    const { payload, blockNumber } = await this.submit(principal, 'EraseEntry', {
      argument: JSON.stringify(request),
      endorsingOrganizations: detailsHolders(this.kinds, standardConsortium),
    });
    return { ...(JSON.parse(payload) as AuditEntry), blockNumber };
  }

  async dueErasures(
    principal: Principal,
    page: { pageSize: number; bookmark: string },
  ): Promise<{ items: DueErasure[]; bookmark: string }> {
    return JSON.parse(await this.evaluate(principal, 'ListDueErasures', canonicalJson(page))) as {
      items: DueErasure[];
      bookmark: string;
    };
  }

  /**
   * Where a read that may return private details is evaluated: the reader's own organisation's
   * peers when it holds a collection (another organisation's peer may not hold the details),
   * anywhere otherwise.
   */
  private async detailsReaders(principal: Principal): Promise<string[] | undefined> {
    const { mspId } = await this.options.identities.identityFor(principal);
    return standardConsortium.collections.some((collection) => collection.members.includes(mspId))
      ? [mspId]
      : undefined;
  }

  /**
   * The entry's block as the reading organisation's peer serves it, and the same block from a
   * peer of another organisation, each signed by its peer: no organisation's word alone.
   */
  async proofOf(principal: Principal, id: string): Promise<FabricProofMaterial> {
    const entry = await this.getEntry(principal, id);
    const identity = await this.options.identities.identityFor(principal);
    const { channel } = this.options.connection;
    const answers: PeerBlockAnswer[] = [];
    const answered = new Set<string>();
    const problems: string[] = [];
    // The reader's own organisation's peer first.
    const peers = [...this.peers].sort(
      (a, b) => Number(b.mspId === identity.mspId) - Number(a.mspId === identity.mspId),
    );
    for (const { mspId, name, client } of peers) {
      if (answers.length === PEERS_PER_PROOF || answered.has(mspId)) {
        continue;
      }
      try {
        answers.push(await peerBlockAnswer(client, identity, channel, entry.blockNumber));
        answered.add(mspId);
      } catch (error) {
        problems.push(`${name}: ${(error as Error).message}`);
      }
    }
    const [first] = answers;
    if (first === undefined || answers.length < PEERS_PER_PROOF) {
      throw new LedgerError(
        'LEDGER_UNAVAILABLE',
        `a proof needs block ${entry.blockNumber} from peers of ${PEERS_PER_PROOF} organisations; ${problems.join('; ')}`,
      );
    }
    const block = blockInAnswer(Buffer.from(first.proposalResponsePayload, 'base64'));
    const { blockNumber: _position, ...committed } = entry;
    return {
      format: PROOF_FORMAT,
      ledger: 'fabric',
      channel,
      entry,
      canonicalEntry: canonicalJson(channelForm(committed)),
      transactionIndex: transactionIndexIn(block, entry.txId),
      peerBlocks: answers,
    };
  }

  /** The header hashes of the blocks followed so far: the leaves of the checkpoint tree. */
  blockHeaderHashes(): Promise<PackedHashes> {
    const hashes = new PackedHashes();
    for (const hash of this.options.index.headerHashes()) {
      hashes.push(hash);
    }
    return Promise.resolve(hashes);
  }

  queryEntries(principal: Principal, query: LedgerQuery): Promise<LedgerPage> {
    return this.query(principal, query);
  }

  /** From the postings the index keeps with each block: no contract call, no entry read. */
  async countEntries(principal: Principal, query: LedgerCountQuery): Promise<LedgerCount> {
    const checked = checkedQuery(this.queries.count, query);
    const reader = await this.readerFor(principal);
    await this.indexReadToChainHeight();
    const { index, connection } = this.options;
    return index.postingsCount(reader, standardConsortium, connection.chaincode, checked);
  }

  async pseudonymKey(principal: Principal): Promise<PseudonymKeyRecord | undefined> {
    const payload = await unlessNotFound(this.evaluate(principal, 'GetPseudonymKey'));
    return payload === undefined ? undefined : (JSON.parse(payload) as PseudonymKeyRecord);
  }

  async recordPseudonymKey(principal: Principal, fingerprint: string): Promise<PseudonymKeyRecord> {
    const { payload } = await this.submit(principal, 'RecordPseudonymKey', {
      argument: fingerprint,
    });
    return JSON.parse(payload) as PseudonymKeyRecord;
  }

  /**
   * From the counts the block follower keeps as it indexes blocks: one look at the chain's
   * height, so that a write this gateway just answered is counted, and one small read.
   */
  async countEntriesPerDay(
    principal: Principal,
    days: { from: string; to: string },
  ): Promise<LedgerDayCounts> {
    const reader = await this.readerFor(principal);
    const complete = await this.follower.readToChainHeight(INDEX_WAIT_MS, {
      atLeast: this.writtenHeight,
    });
    if (this.closed) {
      throw new LedgerError('LEDGER_UNAVAILABLE', 'the ledger is closed');
    }
    const { chaincode } = this.options.connection;
    return { counts: this.options.index.entriesPerDay(reader, chaincode, days), complete };
  }

  get organizations(): string[] {
    return this.peers.map((peer) => peer.mspId);
  }

  organizationsHolding(query: LedgerQuery): string[] {
    const collections = new Set(
      this.kinds.versions.flatMap((version) =>
        version.details !== undefined &&
        (query.by === 'stream' || version.indexNames.includes(query.by))
          ? [version.details.collection]
          : [],
      ),
    );
    if (collections.size === 0) {
      return this.organizations;
    }
    const members = membersOfAll(standardConsortium, collections);
    return this.organizations.filter((mspId) => members.includes(mspId));
  }

  /** The query evaluated by a peer of `mspId` alone, to compare that organisation's copy. */
  queryEntriesOn(mspId: string, principal: Principal, query: LedgerQuery): Promise<LedgerPage> {
    return this.query(principal, query, [mspId]);
  }

  /**
   * A page found in the postings the index keeps with each block, once it holds every block the
   * peers do, its entries then read through the contract on `onPeersOf`'s peers (by default
   * where the reader's details are), which refuses any the caller may not read.
   */
  private async query(
    principal: Principal,
    query: LedgerQuery,
    onPeersOf?: string[],
  ): Promise<LedgerPage> {
    const checked = checkedQuery(this.queries.page, query);
    const reader = await this.readerFor(principal);
    await this.indexReadToChainHeight();
    const { index, connection } = this.options;
    const page = index.postingsPage(reader, standardConsortium, connection.chaincode, checked);
    const entries = JSON.parse(
      await this.evaluate(
        principal,
        'GetEntries',
        canonicalJson(page.entries),
        onPeersOf ?? (await this.detailsReaders(principal)),
      ),
    ) as ReadEntry[];
    const items: LedgerEntry[] = [];
    for (const entry of entries) {
      items.push({ ...entry, blockNumber: await this.blockOf(principal, entry.txId) });
    }
    return { items, bookmark: page.bookmark };
  }

  /** The caller as the contract's canRead judges it, for reads that do not run the contract. */
  private async readerFor(principal: Principal): Promise<Caller> {
    const { mspId } = await this.options.identities.identityFor(principal);
    return consortiumReader(standardConsortium, mspId, principal);
  }

  /**
   * Waits for the index to hold every block the peers hold now (see readToChainHeight); refuses
   * while it is still catching up, rather than answer from fewer blocks.
   */
  private async indexReadToChainHeight(): Promise<void> {
    const indexed = await this.follower.readToChainHeight(CATCH_UP_WAIT_MS, {
      whileCatchingUp: true,
      atLeast: this.writtenHeight,
    });
    if (!indexed) {
      throw new LedgerError(
        'LEDGER_UNAVAILABLE',
        `this gateway's index holds ${this.options.index.readHeight()} blocks and is catching up with the peers; ask again shortly`,
      );
    }
    if (this.closed) {
      throw new LedgerError('LEDGER_UNAVAILABLE', 'the ledger is closed');
    }
  }

  /**
   * Each organisation's peer, and the chain height it reported if it answered within 2 s; ready
   * while a majority can endorse. An answer, not the connection's state, is what counts: a
   * connection can read as up for a moment after its peer has gone. The index is catching up
   * while it is further behind the highest peer than the few blocks a moment in flight.
   */
  async readiness(): Promise<LedgerReadiness> {
    if (this.closed) {
      return { ready: false, parts: [], reason: 'the ledger is closed' };
    }
    const { index, indexReader, identities } = this.options;
    let identity: EnrolledIdentity;
    try {
      identity = await identities.identityFor(indexReader);
    } catch (error) {
      return {
        ready: false,
        parts: this.peers.map((peer) => ({ name: partName(peer), reachable: false })),
        reason: `the gateway's own identity is unavailable: ${(error as Error).message}`,
      };
    }
    const parts = await Promise.all(
      this.peers.map(async (peer) => {
        const name = partName(peer);
        const height = await this.peerHeight(peer, identity);
        return height === undefined
          ? { name, reachable: false }
          : { name, reachable: true, height };
      }),
    );
    const heights = parts.flatMap((part) => (part.height === undefined ? [] : [part.height]));
    const up = heights.length;
    const majority = Math.floor(this.peers.length / 2) + 1;
    if (up < majority) {
      return {
        ready: false,
        parts,
        reason: `${up} of ${this.peers.length} organisations' peers are reachable; ${majority} must endorse`,
      };
    }
    const chainHeight = Math.max(...heights);
    return {
      ready: true,
      parts,
      blocks: index.height(),
      indexedBlocks: index.readHeight(),
      chainHeight,
      catchingUp: this.follower.isCatchingUp(chainHeight),
    };
  }

  /**
   * The highest chain height a peer reports in READINESS_TIMEOUT_MS, or undefined when none
   * does. Every peer is asked: the one a block stream comes from may be the one that went away.
   */
  private async highestChainHeight(): Promise<number | undefined> {
    let identity: EnrolledIdentity;
    try {
      identity = await this.options.identities.identityFor(this.options.indexReader);
    } catch {
      return undefined;
    }
    const heights = (
      await Promise.all(this.peers.map((peer) => this.peerHeight(peer, identity)))
    ).filter((height) => height !== undefined);
    return heights.length === 0 ? undefined : Math.max(...heights);
  }

  /** `peer`'s chain height, or undefined when it does not answer in READINESS_TIMEOUT_MS. */
  private async peerHeight(
    peer: PeerConnection,
    identity: EnrolledIdentity,
  ): Promise<number | undefined> {
    const network = this.gatewayFor(peer, identity).getNetwork(this.options.connection.channel);
    try {
      return await chainHeightOf(network, Date.now() + READINESS_TIMEOUT_MS);
    } catch {
      return undefined;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.follower.stop();
    for (const gateway of this.gateways.values()) {
      gateway.close();
    }
    for (const { client } of this.peers) {
      client.close();
    }
    this.options.index.close();
  }

  /**
   * Endorses, then submits until committed (see submitUntilCommitted); a transaction that loses
   * an MVCC race is endorsed again, and then sees the winner.
   */
  private async submit(
    principal: Principal,
    transaction: string,
    call: RecordingCall,
  ): Promise<{ payload: string; blockNumber: number }> {
    const { argument, transient, endorsingOrganizations } = call;
    for (let endorsement = 1; ; endorsement += 1) {
      const { contract } = await this.contractFor(principal);
      let txId: string | undefined;
      try {
        const endorsed = await contract
          .newProposal(transaction, {
            arguments: [argument],
            ...(transient === undefined ? {} : { transientData: transient }),
            ...(endorsingOrganizations === undefined ? {} : { endorsingOrganizations }),
          })
          .endorse();
        txId = endorsed.getTransactionId();
        const { status } = await submitUntilCommitted(endorsed);
        if (status.successful) {
          const blockNumber = Number(status.blockNumber);
          this.writtenHeight = Math.max(this.writtenHeight, blockNumber + 1);
          return { payload: utf8.decode(endorsed.getResult()), blockNumber };
        }
        if (!isRetryableStatus(status.code) || endorsement === ENDORSE_ATTEMPTS) {
          throw new LedgerError(
            status.code === TxValidationCode.ENDORSEMENT_POLICY_FAILURE
              ? 'LEDGER_UNAVAILABLE'
              : 'INTERNAL',
            `transaction ${txId} was invalidated at commit (${validationCodeName(status.code)})`,
            undefined,
            undefined,
            txId,
          );
        }
      } catch (error) {
        throw toLedgerError(error, txId);
      }
    }
  }

  private async evaluate(
    principal: Principal,
    transaction: string,
    argument?: string,
    onPeersOf?: string[],
  ): Promise<string> {
    const { contract } = await this.contractFor(principal);
    for (const mspId of onPeersOf ?? []) {
      await this.peerHoldsOwnWrites(principal, mspId);
    }
    try {
      const result = await contract.evaluate(transaction, {
        arguments: argument === undefined ? [] : [argument],
        ...(onPeersOf === undefined ? {} : { endorsingOrganizations: onPeersOf }),
      });
      return utf8.decode(result);
    } catch (error) {
      throw toLedgerError(error);
    }
  }

  /**
   * Waits, up to INDEX_WAIT_MS, for `mspId`'s peer to hold the block of this gateway's last
   * write: the write's commit was reported by the peer the gateway submitted through, and a read
   * sent to another organisation's peer right after could otherwise miss it (an erasure read
   * back without its mark). The height each peer was last seen at saves asking again.
   */
  private async peerHoldsOwnWrites(principal: Principal, mspId: string): Promise<void> {
    const deadline = Date.now() + INDEX_WAIT_MS;
    while ((this.peerHeights.get(mspId) ?? 0) < this.writtenHeight && Date.now() < deadline) {
      const { gateway } = await this.contractFor(principal, mspId);
      try {
        const network = gateway.getNetwork(this.options.connection.channel);
        this.peerHeights.set(mspId, await chainHeightOf(network));
      } catch (error) {
        throw toLedgerError(error);
      }
      if ((this.peerHeights.get(mspId) ?? 0) < this.writtenHeight) {
        await delay(50);
      }
    }
  }

  /** The block of a transaction, from the index; a fresh one may need a moment to arrive there. */
  private async blockOf(principal: Principal, txId: string): Promise<number> {
    const deadline = Date.now() + INDEX_WAIT_MS;
    for (;;) {
      const block = this.options.index.blockOf(txId);
      if (block !== undefined) {
        return block;
      }
      if (Date.now() > deadline) {
        return this.blockFromPeer(principal, txId);
      }
      await delay(50);
    }
  }

  private async blockFromPeer(principal: Principal, txId: string): Promise<number> {
    const { gateway } = await this.contractFor(principal);
    const qscc = gateway.getNetwork(this.options.connection.channel).getContract('qscc');
    try {
      const bytes = await qscc.evaluateTransaction(
        'GetBlockByTxID',
        this.options.connection.channel,
        txId,
      );
      return common.Block.deserializeBinary(bytes).getHeader()?.getNumber() ?? 0;
    } catch (error) {
      throw toLedgerError(error, txId);
    }
  }

  /**
   * The contract as `principal` calls it, through the first reachable peer (of `peersOf`'s
   * organisation first, when given).
   */
  private async contractFor(
    principal: Principal,
    peersOf?: string,
  ): Promise<{ gateway: Gateway; contract: Contract }> {
    if (this.closed) {
      throw new LedgerError('LEDGER_UNAVAILABLE', 'the ledger is closed');
    }
    const identity = await this.options.identities.identityFor(principal);
    const peer =
      (await this.firstReachablePeer(
        this.peers.filter((candidate) => candidate.mspId === peersOf),
      )) ??
      (await this.firstReachablePeer(this.peers)) ??
      this.peers[0];
    if (peer === undefined) {
      throw new LedgerError('LEDGER_UNAVAILABLE', 'the connection file names no peer');
    }
    const gateway = this.gatewayFor(peer, identity);
    const contract = gateway
      .getNetwork(this.options.connection.channel)
      .getContract(this.options.connection.chaincode);
    return { gateway, contract };
  }

  /** The gateway connection `identity` uses through `peer`, one per pair. */
  private gatewayFor(peer: PeerConnection, identity: EnrolledIdentity): Gateway {
    const key = `${peer.mspId}/${identity.mspId}/${identity.name}`;
    let gateway = this.gateways.get(key);
    if (gateway === undefined) {
      gateway = connectGateway(peer, identity);
      this.gateways.set(key, gateway);
    }
    return gateway;
  }

  private async firstReachablePeer(
    peers: readonly PeerConnection[],
  ): Promise<PeerConnection | undefined> {
    for (const peer of peers) {
      if (await reachable(peer.client, 1000)) {
        return peer;
      }
    }
    return undefined;
  }
}

/** How readiness names an organisation's peer. */
function partName({ mspId, name }: PeerConnection): string {
  return `${mspId} ${name}`;
}

/** Whether the peer's connection is up, or comes up within `timeoutMs`. */
function reachable(client: grpc.Client, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    client.waitForReady(Date.now() + timeoutMs, (error) => {
      resolve(error === undefined);
    });
  });
}
