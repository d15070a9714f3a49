import type { ReadEntry } from '@audit-ledger/chaincode/dist/entry-format';
import { z } from 'zod';
import type { Block, IdentitySignature } from './embedded/block-log';
import type { PeerBlockAnswer } from './fabric/signed-block';
import type { ValidationCode } from './signed-payloads';

export const PROOF_FORMAT = 'audit-ledger-proof/1';

/** An entry as a ledger reads it, with the block that holds its transaction. */
export type ProvenEntry = ReadEntry & { blockNumber: number };

/** A peer's signed statement of a transaction's validation code (embedded ledger). */
export type ValidationReport = IdentitySignature & {
  block: number;
  txId: string;
  code: ValidationCode;
};

/** What every bundle says about its entry, whichever ledger holds it. */
interface EntryMaterial {
  format: typeof PROOF_FORMAT;
  channel: string;
  entry: ProvenEntry;
  /** The entry exactly as written to the ledger (its canonical JSON, without blockNumber). */
  canonicalEntry: string;
  /** Position of the entry's transaction in the block. */
  transactionIndex: number;
}

/** The embedded ledger's block, in its own JSON form, with its signers' certificates. */
export interface EmbeddedProofMaterial extends EntryMaterial {
  ledger: 'embedded';
  block: Block;
  /** Certificates (PEM) of every signer, by the SHA-256 of the PEM text. */
  certificates: Record<string, string>;
  validation: ValidationReport[];
}

/**
 * A Fabric block in Fabric's own bytes, as peers of different organisations served it: the
 * first from the reading organisation's peer, each further one from another organisation's.
 */
export interface FabricProofMaterial extends EntryMaterial {
  ledger: 'fabric';
  peerBlocks: PeerBlockAnswer[];
}

/**
 * A Fabric block reduced to the entry's own transaction, for a caller who may not read the
 * block's other transactions: those are only their envelopes' SHA-256, and the organisations'
 * witnesses' signed statements say that these hashes are the block's (each witness recomputed
 * the data hash from the whole block its own peer served).
 */
export interface FabricTransactionMaterial extends EntryMaterial {
  ledger: 'fabric';
  disclosure: 'transaction';
  block: {
    number: number;
    /** The header's other fields (base64), as its hash covers them. */
    previousHash: string;
    dataHash: string;
    /** The block's SIGNATURES metadata (a `common.Metadata`, base64): the orderers' signatures. */
    signatures: string;
    /** The entry's transaction: the envelope at `transactionIndex` (base64). */
    transaction: string;
    /** SHA-256 of every envelope of the block, in order (base64). */
    envelopeHashes: string[];
  };
  /** Signed notes (see transparency/block-statement.ts), one per witness that gave one. */
  statements: string[];
}

/** What the ledger contributes to a proof: everything but the checkpoint. */
export type ProofMaterial = EmbeddedProofMaterial | FabricProofMaterial;

export interface CheckpointInclusion {
  /** The signed, cosigned checkpoint note covering the block. */
  note: string;
  size: number;
  /** RFC 9162 audit path of the block's header hash (base64). */
  inclusion: string[];
}

/** A bundle with the entry's whole block, as a ledger's material makes it. */
export type BlockProofBundle = ProofMaterial & { checkpoint: CheckpointInclusion };
/** A self-contained proof that an entry is on the ledger exactly as written. */
export type ProofBundle = BlockProofBundle | FabricTransactionBundle;
export type EmbeddedProofBundle = EmbeddedProofMaterial & { checkpoint: CheckpointInclusion };
export type FabricProofBundle = FabricProofMaterial & { checkpoint: CheckpointInclusion };
export type FabricTransactionBundle = FabricTransactionMaterial & {
  checkpoint: CheckpointInclusion;
};

const base64 = z.base64();

/**
 * A bundle's outer shape, so that the verifier reads well-typed input and a malformed file gets
 * a clear refusal; every value inside is then checked by the verifier itself.
 */
export const proofBundleShape = z.intersection(
  z.object({
    format: z.literal(PROOF_FORMAT),
    channel: z.string(),
    entry: z.looseObject({
      kind: z.string(),
      id: z.string(),
      // Absent once the entry's details are erased: its digest and details hash remain.
      payload: z.record(z.string(), z.unknown()).optional(),
      txId: z.string(),
      digest: z.string(),
      blockNumber: z.int().nonnegative(),
      submitter: z.looseObject({ mspId: z.string(), name: z.string() }),
    }),
    canonicalEntry: z.string(),
    transactionIndex: z.int().nonnegative(),
    checkpoint: z.object({
      note: z.string(),
      size: z.int().nonnegative(),
      inclusion: z.array(base64),
    }),
  }),
  z.union([
    z.object({
      ledger: z.literal('embedded'),
      block: z.looseObject({
        header: z.looseObject({ number: z.int().nonnegative() }),
        headerHash: z.string(),
        transactions: z.array(z.looseObject({ txId: z.string() })),
      }),
      certificates: z.record(z.string(), z.string()),
      validation: z.array(z.looseObject({ mspId: z.string() })),
    }),
    z.object({
      ledger: z.literal('fabric'),
      peerBlocks: z.array(
        z.strictObject({ proposalResponsePayload: base64, endorser: base64, signature: base64 }),
      ),
    }),
    z.object({
      ledger: z.literal('fabric'),
      disclosure: z.literal('transaction'),
      block: z.strictObject({
        number: z.int().nonnegative(),
        previousHash: base64,
        dataHash: base64,
        signatures: base64,
        transaction: base64,
        envelopeHashes: z.array(base64),
      }),
      statements: z.array(z.string()),
    }),
  ]),
);
