import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { canonicalJson, formatTxTimestamp, type KindRegistry } from '@audit-ledger/chaincode';
import type { X509Identity } from '../identity/x509-identities';
import {
  blockSignatureBytes,
  CHANNEL,
  endorsedResultBytes,
  type IdentitySignature,
  proposalBytes,
  sha256Hex,
  type TransactionRecord,
} from '@audit-ledger/verifier';
import { ContractRunner, type Simulator } from './contract-runner';
import type { LedgerStore } from './ledger-store';
import type { TransientData } from './transaction-stub';
import { privateWriteRecords, writeRecords } from './write-set';

/** One transaction to simulate and commit, with everyone who signs it. */
export interface CommitRequest {
  fcn: string;
  args: string[];
  txId: string;
  timestamp: { seconds: number; nanos: number };
  creator: X509Identity;
  endorsers: X509Identity[];
  orderer: X509Identity;
  /** For the contract alone: never recorded, hashed or logged. */
  transient?: TransientData;
}

/** The contract's payload and where it landed, or the contract's refusal. */
export type CommitOutcome =
  { ok: true; payload: string; blockNumber: number } | { ok: false; message: string };

// Parsing a PEM key costs more than the signature it makes: keep each parsed key.
const signingKeys = new Map<string, KeyObject>();

export function signWith(identity: X509Identity, data: Buffer): IdentitySignature {
  let key = signingKeys.get(identity.privateKeyPem);
  if (key === undefined) {
    key = createPrivateKey(identity.privateKeyPem);
    signingKeys.set(identity.privateKeyPem, key);
  }
  return {
    mspId: identity.mspId,
    certificateSha256: sha256Hex(identity.certificatePem),
    signature: sign('sha256', data, key).toString('base64'),
  };
}

/**
 * Simulates a transaction with the audit contract over committed state and, when the contract
 * accepts it, signs it as Fabric's parties would (creator, endorsing peers, orderer) and appends
 * it to the store as one block. Commits must come one at a time: each simulation reads the state
 * the previous commit left.
 */
export class TransactionCommitter {
  constructor(
    private readonly store: LedgerStore,
    kinds?: KindRegistry,
    private readonly runner: Simulator = new ContractRunner(kinds),
  ) {}

  async commit(request: CommitRequest): Promise<CommitOutcome> {
    const { creator: identity, endorsers, orderer } = request;
    const simulation = await this.runner.simulate(this.store, {
      channel: CHANNEL,
      fcn: request.fcn,
      args: request.args,
      txId: request.txId,
      timestamp: request.timestamp,
      creator: { mspid: identity.mspId, idBytes: Buffer.from(identity.certificatePem) },
      transient: request.transient,
    });
    if (!simulation.ok) {
      return simulation;
    }
    const result = {
      txId: request.txId,
      timestamp: formatTxTimestamp(request.timestamp),
      creator: { mspId: identity.mspId, certificateSha256: sha256Hex(identity.certificatePem) },
      fcn: request.fcn,
      argsSha256: sha256Hex(canonicalJson(request.args)),
      writes: writeRecords(simulation.writes),
      ...(simulation.privateWrites.size === 0
        ? {}
        : { privateWrites: privateWriteRecords(simulation.privateWrites) }),
      ...(simulation.event === undefined
        ? {}
        : {
            event: {
              name: simulation.event.name,
              payloadSha256: sha256Hex(simulation.event.payload),
            },
          }),
    };
    const record: TransactionRecord = {
      ...result,
      creatorSignature: signWith(identity, proposalBytes(result)).signature,
      endorsements: endorsers.map((endorser) => signWith(endorser, endorsedResultBytes(result))),
    };
    const block = this.store.appendBlock(
      [{ record, writes: simulation.writes, privateWrites: simulation.privateWrites }],
      (headerHash) => signWith(orderer, blockSignatureBytes(headerHash)),
      [identity, ...endorsers, orderer].map((signer) => signer.certificatePem),
    );
    return { ok: true, payload: simulation.payload, blockNumber: block.header.number };
  }
}
