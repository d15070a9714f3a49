import { z } from 'zod';
import type { Block, IdentitySignature } from '../embedded/block-log';
import type { PeerBlockAnswer } from '../fabric/signed-block';
import type { LedgerEntry } from '../ledger/ledger';
import type { ValidationCode } from './signed-payloads';

export const PROOF_FORMAT = 'audit-ledger-proof/1';

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
  entry: LedgerEntry;
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

/** What the ledger contributes to a proof: everything but the checkpoint. */
export type ProofMaterial = EmbeddedProofMaterial | FabricProofMaterial;

export interface CheckpointInclusion {
  /** The signed, cosigned checkpoint note covering the block. */
  note: string;
  size: number;
  /** RFC 9162 audit path of the block's header hash (base64). */
  inclusion: string[];
}

/** A self-contained proof that an entry is on the ledger exactly as written. */
export type ProofBundle = ProofMaterial & { checkpoint: CheckpointInclusion };
export type EmbeddedProofBundle = EmbeddedProofMaterial & { checkpoint: CheckpointInclusion };
export type FabricProofBundle = FabricProofMaterial & { checkpoint: CheckpointInclusion };

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
      payload: z.record(z.string(), z.unknown()),
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
  z.discriminatedUnion('ledger', [
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
  ]),
);
