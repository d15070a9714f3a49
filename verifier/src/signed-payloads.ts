import { canonicalJson } from '@audit-ledger/chaincode/dist/entry-format';
import { sha256Hex, type TransactionRecord } from './embedded/block-log';

/**
 * The exact bytes each party signs in the embedded ledger, shared by the signer and the offline
 * verifier. They mirror Fabric's roles: the creator signs its proposal, each endorsing peer
 * signs the proposal's result, the orderer signs the block header, and peers vouch for the
 * validation code.
 */

export const CHANNEL = 'audit';

type Proposed = Pick<TransactionRecord, 'txId' | 'timestamp' | 'creator' | 'fcn' | 'argsSha256'>;
type Endorsed = Proposed & Pick<TransactionRecord, 'writes' | 'privateWrites' | 'event'>;

export function proposalBytes(record: Proposed): Buffer {
  const { txId, timestamp, creator, fcn, argsSha256 } = record;
  return Buffer.from(
    canonicalJson({ channel: CHANNEL, txId, timestamp, creator, fcn, argsSha256 }),
  );
}

export function endorsedResultBytes(record: Endorsed): Buffer {
  return Buffer.from(
    canonicalJson({
      proposalSha256: sha256Hex(proposalBytes(record)),
      writes: record.writes,
      // Named only when present, so results endorsed before private data still verify.
      ...(record.privateWrites === undefined ? {} : { privateWrites: record.privateWrites }),
      event: record.event ?? null,
    }),
  );
}

export function blockSignatureBytes(headerHash: string): Buffer {
  return Buffer.from(canonicalJson({ channel: CHANNEL, headerHash }));
}

/** Fabric's names for a transaction's validation outcome (the ones the ledger can report). */
export type ValidationCode =
  'VALID' | 'ENDORSEMENT_POLICY_FAILURE' | 'MVCC_READ_CONFLICT' | 'INVALID_OTHER_REASON';

export function validationReportBytes(report: {
  block: number;
  txId: string;
  code: ValidationCode;
}): Buffer {
  const { block, txId, code } = report;
  return Buffer.from(canonicalJson({ channel: CHANNEL, block, txId, code }));
}
