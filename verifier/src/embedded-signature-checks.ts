import {
  sha256Hex,
  type Block,
  type IdentitySignature,
  type TransactionRecord,
} from './embedded/block-log';
import { blockSignatureBytes, endorsedResultBytes, proposalBytes } from './signed-payloads';
import type { TrustFile } from './transparency/trust-file';
import { fail, pass, type CheckResult } from './check-report';
import {
  signatureHolds,
  type NodeUnit,
  type Roots,
  type SignatureProblem,
} from './certificate-trust';
import { checkEndorsementPolicy, checkOrdererQuorum } from './policy-checks';

/** The certificate (PEM) whose text hashes to a SHA-256, where the caller keeps them. */
export type CertificateLookup = (certificateSha256: string) => string | undefined;

/** A signature by the certificate the lookup holds under the SHA-256 of its PEM text. */
export function embeddedSignatureHolds(
  certificateOf: CertificateLookup,
  signer: IdentitySignature,
  data: Buffer,
  roots: Roots,
  unit: NodeUnit,
): true | SignatureProblem {
  const pem = certificateOf(signer.certificateSha256);
  if (pem === undefined || sha256Hex(pem) !== signer.certificateSha256) {
    return {
      reason: 'UNTRUSTED_CERTIFICATE',
      detail: `no certificate ${signer.certificateSha256.slice(0, 12)}…`,
    };
  }
  return signatureHolds(
    { pem, mspId: signer.mspId },
    data,
    Buffer.from(signer.signature, 'base64'),
    roots,
    unit,
  );
}

/**
 * A transaction's signatures against the trusted roots: the creator's over its proposal, each
 * endorsing peer's over the result, and the endorsement policy.
 */
export function checkTransactionSignatures(
  record: TransactionRecord,
  certificateOf: CertificateLookup,
  trust: TrustFile,
): CheckResult[] {
  const checks: CheckResult[] = [];
  const creator = embeddedSignatureHolds(
    certificateOf,
    { ...record.creator, signature: record.creatorSignature },
    proposalBytes(record),
    trust.organizations,
    'client',
  );
  checks.push(
    creator === true
      ? pass('creator signature', `${record.creator.mspId} signed the proposal`)
      : fail(
          'creator signature',
          creator.detail,
          creator.reason === 'BAD_SIGNATURE' ? 'CREATOR_SIGNATURE' : creator.reason,
        ),
  );
  const endorsers: string[] = [];
  for (const endorsement of record.endorsements) {
    const endorsed = embeddedSignatureHolds(
      certificateOf,
      endorsement,
      endorsedResultBytes(record),
      trust.organizations,
      'peer',
    );
    if (endorsed === true) {
      endorsers.push(endorsement.mspId);
    } else {
      checks.push(
        fail(
          'endorsement signature',
          endorsed.detail,
          endorsed.reason === 'BAD_SIGNATURE' ? 'ENDORSEMENT_SIGNATURE' : endorsed.reason,
        ),
      );
    }
  }
  // The embedded ledger's organisations are the contract's consortium: they never change.
  checks.push(checkEndorsementPolicy(endorsers, trust.endorsementPolicy.organizations));
  return checks;
}

/** The orderer's signature over the block's header hash, against the orderers' roots. */
export function checkOrdererSignature(
  block: Block,
  certificateOf: CertificateLookup,
  trust: TrustFile,
): CheckResult {
  const signatures = block.ordererSignature === undefined ? [] : [block.ordererSignature];
  const signers = signatures
    .filter(
      (signature) =>
        embeddedSignatureHolds(
          certificateOf,
          signature,
          blockSignatureBytes(block.headerHash),
          trust.orderers,
          'orderer',
        ) === true,
    )
    .map((signature) => signature.certificateSha256);
  return checkOrdererQuorum(signers, trust);
}
