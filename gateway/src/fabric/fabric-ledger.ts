import { X509Certificate, createHash, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { connect, hash, signers, type Contract, type Gateway } from '@hyperledger/fabric-gateway';
import { common, peer as peerProtos } from '@hyperledger/fabric-protos';
import {
  canonicalJson,
  type AuditEntry,
  type EntryPage,
  type EntryRequest,
} from '@audit-ledger/chaincode';
import type { Logger } from 'pino';
import {
  LedgerError,
  type Ledger,
  type LedgerEntry,
  type LedgerPage,
  type LedgerQuery,
  type LedgerReadiness,
  type Principal,
} from '../ledger/ledger';
import type { BlockIndex } from './block-index';
import { indexedBlockOf } from './block-index';
import type { ConnectionFile } from './connection-file';
import { toLedgerError } from './fabric-errors';
import { submitUntilCommitted } from './submit-until-committed';
import type { EnrolledIdentity, FabricIdentities } from './fabric-identities';

const utf8 = new TextDecoder();
const { TxValidationCode } = peerProtos;

/** Re-endorsements after an MVCC conflict: the next simulation sees the winner's writes. */
const ENDORSE_ATTEMPTS = 3;
/** How long a read waits for the block index to reach a just-committed transaction. */
const INDEX_WAIT_MS = 3_000;

/** One organisation's peer: its gRPC connection is shared by every identity using it. */
interface PeerConnection {
  mspId: string;
  name: string;
  client: grpc.Client;
  /** SHA-256 of the TLS client certificate: peers bind event requests to the TLS session. */
  tlsCertificateHash: Uint8Array;
}

export interface FabricLedgerOptions {
  connection: ConnectionFile;
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

function validationCodeName(code: number): string {
  return Object.entries(TxValidationCode).find(([, value]) => value === code)?.[0] ?? String(code);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The audit contract on a Fabric network, through @hyperledger/fabric-gateway: each principal
 * signs with its own CA-enrolled identity, over gRPC connections shared per peer. A write is
 * endorsed by the channel's majority policy, ordered, and answered once its block commits.
 */
export class FabricLedger implements Ledger {
  readonly kind = 'fabric';
  private readonly peers: PeerConnection[];
  private readonly gateways = new Map<string, Gateway>();
  private indexing: Promise<void> | undefined;
  private closed = false;
  private stopIndexing: (() => void) | undefined;

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
  }

  /** Starts following the channel's blocks into the index, in the background. */
  start(): void {
    this.indexing = this.followBlocks();
  }

  async recordEntry(principal: Principal, request: EntryRequest): Promise<LedgerEntry> {
    const { payload, blockNumber } = await this.submit(
      principal,
      'RecordEntry',
      JSON.stringify(request),
    );
    return { ...(JSON.parse(payload) as AuditEntry), blockNumber };
  }

  async recordEntries(principal: Principal, requests: EntryRequest[]): Promise<LedgerEntry[]> {
    const { payload, blockNumber } = await this.submit(
      principal,
      'RecordEntries',
      JSON.stringify(requests),
    );
    return (JSON.parse(payload) as AuditEntry[]).map((entry) => ({ ...entry, blockNumber }));
  }

  async getEntry(principal: Principal, id: string): Promise<LedgerEntry> {
    const entry = JSON.parse(await this.evaluate(principal, 'GetEntry', id)) as AuditEntry;
    return { ...entry, blockNumber: await this.blockOf(principal, entry.txId) };
  }

  async queryEntries(principal: Principal, query: LedgerQuery): Promise<LedgerPage> {
    const page = JSON.parse(
      await this.evaluate(principal, 'QueryEntries', canonicalJson(query)),
    ) as EntryPage;
    const items: LedgerEntry[] = [];
    for (const entry of page.items) {
      items.push({ ...entry, blockNumber: await this.blockOf(principal, entry.txId) });
    }
    return { items, bookmark: page.bookmark };
  }

  /** Each organisation's peer, reachable or not; ready while a majority can endorse. */
  async readiness(): Promise<LedgerReadiness> {
    if (this.closed) {
      return { ready: false, parts: [], reason: 'the ledger is closed' };
    }
    const parts = await Promise.all(
      this.peers.map(async ({ mspId, name, client }) => ({
        name: `${mspId} ${name}`,
        reachable: await reachable(client),
      })),
    );
    const up = parts.filter((part) => part.reachable).length;
    const majority = Math.floor(this.peers.length / 2) + 1;
    return up >= majority
      ? { ready: true, parts }
      : {
          ready: false,
          parts,
          reason: `${up} of ${this.peers.length} organisations' peers are reachable; ${majority} must endorse`,
        };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopIndexing?.();
    await this.indexing;
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
    argument: string,
  ): Promise<{ payload: string; blockNumber: number }> {
    for (let endorsement = 1; ; endorsement += 1) {
      const { contract } = await this.contractFor(principal);
      let txId: string | undefined;
      try {
        const endorsed = await contract
          .newProposal(transaction, { arguments: [argument] })
          .endorse();
        txId = endorsed.getTransactionId();
        const { status } = await submitUntilCommitted(endorsed);
        if (status.successful) {
          return {
            payload: utf8.decode(endorsed.getResult()),
            blockNumber: Number(status.blockNumber),
          };
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
    argument: string,
  ): Promise<string> {
    const { contract } = await this.contractFor(principal);
    try {
      return utf8.decode(await contract.evaluateTransaction(transaction, argument));
    } catch (error) {
      throw toLedgerError(error);
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

  /** Follows every block from the index's height, reconnecting after a failure. */
  private async followBlocks(): Promise<void> {
    const stopped = new Promise<void>((resolve) => {
      this.stopIndexing = resolve;
    });
    while (!this.isClosed()) {
      try {
        const { gateway } = await this.contractFor(this.options.indexReader);
        const events = await gateway
          .getNetwork(this.options.connection.channel)
          .getBlockEvents({ startBlock: BigInt(this.options.index.height()) });
        void stopped.then(() => {
          events.close();
        });
        for await (const block of events) {
          this.options.index.add(indexedBlockOf(block));
        }
      } catch (error) {
        if (error instanceof LedgerError && error.code === 'LEDGER_INTEGRITY') {
          this.options.logger.error({ err: error }, 'a peer served a block that does not chain');
        } else if (!this.isClosed()) {
          this.options.logger.warn({ err: error }, 'following Fabric blocks failed; retrying');
        }
      }
      await Promise.race([delay(1000), stopped]);
    }
  }

  /** Read through a method: a loop's own awaits are where `close()` can change it. */
  private isClosed(): boolean {
    return this.closed;
  }

  /** A principal's gateway over the first reachable peer, its own organisation's first. */
  private async contractFor(
    principal: Principal,
  ): Promise<{ gateway: Gateway; contract: Contract }> {
    if (this.closed) {
      throw new LedgerError('LEDGER_UNAVAILABLE', 'the ledger is closed');
    }
    const identity = await this.options.identities.identityFor(principal);
    const peer = (await this.firstReachablePeer()) ?? this.peers[0];
    if (peer === undefined) {
      throw new LedgerError('LEDGER_UNAVAILABLE', 'the connection file names no peer');
    }
    const key = `${peer.mspId}/${identity.mspId}/${identity.name}`;
    let gateway = this.gateways.get(key);
    if (gateway === undefined) {
      gateway = connectGateway(peer, identity);
      this.gateways.set(key, gateway);
    }
    const contract = gateway
      .getNetwork(this.options.connection.channel)
      .getContract(this.options.connection.chaincode);
    return { gateway, contract };
  }

  private async firstReachablePeer(): Promise<PeerConnection | undefined> {
    for (const peer of this.peers) {
      if (await reachable(peer.client, 1000)) {
        return peer;
      }
    }
    return undefined;
  }
}

function peerClient(
  tlsRootCertPath: string,
  tlsClient: { certPath: string; keyPath: string },
  endpoint: string,
): grpc.Client {
  return new grpc.Client(
    endpoint,
    grpc.credentials.createSsl(
      readFileSync(tlsRootCertPath),
      readFileSync(tlsClient.keyPath),
      readFileSync(tlsClient.certPath),
    ),
    // Peers listen on 127.0.0.1 with certificates naming localhost too.
    endpoint.startsWith('127.0.0.1:') ? { 'grpc.ssl_target_name_override': 'localhost' } : {},
  );
}

function certificateHash(certPath: string): Uint8Array {
  return createHash('sha256')
    .update(new X509Certificate(readFileSync(certPath)).raw)
    .digest();
}

function connectGateway(peer: PeerConnection, identity: EnrolledIdentity): Gateway {
  return connect({
    client: peer.client,
    tlsClientCertificateHash: peer.tlsCertificateHash,
    identity: { mspId: identity.mspId, credentials: Buffer.from(identity.certificatePem) },
    signer: signers.newPrivateKeySigner(createPrivateKey(identity.privateKeyPem)),
    hash: hash.sha256,
    evaluateOptions: () => ({ deadline: Date.now() + 10_000 }),
    endorseOptions: () => ({ deadline: Date.now() + 30_000 }),
    submitOptions: () => ({ deadline: Date.now() + 30_000 }),
  });
}

/** Whether the peer's connection is up, or comes up within `timeoutMs`. */
function reachable(client: grpc.Client, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    client.waitForReady(Date.now() + timeoutMs, (error) => {
      resolve(error === undefined);
    });
  });
}
