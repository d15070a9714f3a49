import type { Block, IdentitySignature } from '../embedded/block-log';
import type { LedgerEntry } from '../ledger/ledger';
import type { ValidationCode } from './signed-payloads';

export const PROOF_FORMAT = 'audit-ledger-proof/1';

/** A peer's signed statement of a transaction's validation code. */
export type ValidationReport = IdentitySignature & {
  block: number;
  txId: string;
  code: ValidationCode;
};

/** What the ledger contributes to a proof: everything but the checkpoint. */
export interface ProofMaterial {
  format: typeof PROOF_FORMAT;
  ledger: 'embedded';
  channel: string;
  entry: LedgerEntry;
  /** The entry exactly as written to the ledger (its canonical JSON, without blockNumber). */
  canonicalEntry: string;
  /** Position of the entry's transaction in the block. */
  transactionIndex: number;
  block: Block;
  /** Certificates (PEM) of every signer, by the SHA-256 of the PEM text. */
  certificates: Record<string, string>;
  validation: ValidationReport[];
}

/** A self-contained proof that an entry is on the ledger exactly as written. */
export interface ProofBundle extends ProofMaterial {
  checkpoint: {
    /** The signed, cosigned checkpoint note covering the block. */
    note: string;
    size: number;
    /** RFC 9162 audit path of the block's header hash (base64). */
    inclusion: string[];
  };
}
