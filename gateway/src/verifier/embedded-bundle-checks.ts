import { entryKey } from '@audit-ledger/chaincode';
import { dataHashOf, headerHashOf, sha256Hex, type IdentitySignature } from '../embedded/block-log';
import type { EmbeddedProofBundle } from '../proof/proof-bundle';
import {
  blockSignatureBytes,
  endorsedResultBytes,
  proposalBytes,
  validationReportBytes,
} from '../proof/signed-payloads';
import type { TrustFile } from '../transparency/trust-file';
import { fail, pass, type CheckResult } from './check-report';
import {
  signatureHolds,
  type NodeUnit,
  type Roots,
  type SignatureProblem,
} from './certificate-trust';
import { checkBlockInCheckpoint, checkEntry } from './entry-checks';
import { checkEndorsementPolicy, checkOrdererQuorum, checkValidationQuorum } from './policy-checks';

/** A signature by a certificate the bundle carries under the SHA-256 of its PEM text. */
function holds(
  bundle: EmbeddedProofBundle,
  signer: IdentitySignature,
  data: Buffer,
  roots: Roots,
  unit: NodeUnit,
): true | SignatureProblem {
  const pem = bundle.certificates[signer.certificateSha256];
  if (pem === undefined || sha256Hex(pem) !== signer.certificateSha256) {
    return {
      reason: 'UNTRUSTED_CERTIFICATE',
      detail: `no certificate ${signer.certificateSha256.slice(0, 12)}… in the bundle`,
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
 * The embedded ledger's bundle: its JSON block, every signature against the trusted roots,
 * the endorsement policy, the orderer's signature, the peers' validation reports, and the
 * block's inclusion in a witnessed checkpoint.
 */
export function checkEmbeddedBundle(bundle: EmbeddedProofBundle, trust: TrustFile): CheckResult[] {
  const { entry, block } = bundle;
  const checks = checkEntry(entry, bundle.canonicalEntry);
  const record = block.transactions[bundle.transactionIndex];
  if (record?.txId !== entry.txId) {
    checks.push(
      fail(
        'transaction in block',
        `no transaction ${entry.txId} at that position`,
        'TX_NOT_IN_BLOCK',
      ),
    );
    return checks;
  }
  checks.push(
    pass(
      'transaction in block',
      `${record.txId} at position ${bundle.transactionIndex} of block ${block.header.number}`,
    ),
  );
  const write = record.writes.find((candidate) => candidate.key === entryKey(entry.id));
  checks.push(
    write?.valueSha256 === sha256Hex(bundle.canonicalEntry)
      ? pass('write set', 'the transaction wrote exactly this entry')
      : fail('write set', "the transaction's write set does not hold this entry", 'WRITE_SET'),
    dataHashOf(block.transactions) === block.header.dataHash
      ? pass('data hash', 'the block header covers its transactions')
      : fail('data hash', "the transactions do not hash to the header's data hash", 'DATA_HASH'),
    headerHashOf(block.header) === block.headerHash
      ? pass('header hash', block.headerHash)
      : fail('header hash', 'the header does not hash to the block hash', 'HEADER_HASH'),
  );

  const creator = holds(
    bundle,
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
    entry.submitter.mspId === record.creator.mspId
      ? pass('submitter', `${entry.submitter.mspId} is the transaction's creator`)
      : fail(
          'submitter',
          `the entry names ${entry.submitter.mspId}, the creator is ${record.creator.mspId}`,
          'SUBMITTER_MISMATCH',
        ),
  );

  const endorsers: string[] = [];
  for (const endorsement of record.endorsements) {
    const endorsed = holds(
      bundle,
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
  checks.push(checkEndorsementPolicy(endorsers, trust));

  const ordererSignatures = block.ordererSignature === undefined ? [] : [block.ordererSignature];
  const ordererSigners = ordererSignatures
    .filter(
      (signature) =>
        holds(
          bundle,
          signature,
          blockSignatureBytes(block.headerHash),
          trust.orderers,
          'orderer',
        ) === true,
    )
    .map((signature) => signature.certificateSha256);
  checks.push(checkOrdererQuorum(ordererSigners, trust));

  const validating = bundle.validation
    .filter(
      (report) =>
        report.code === 'VALID' &&
        report.block === block.header.number &&
        report.txId === record.txId &&
        holds(bundle, report, validationReportBytes(report), trust.organizations, 'peer') === true,
    )
    .map((report) => report.mspId);
  checks.push(checkValidationQuorum(validating, trust));

  checks.push(
    ...checkBlockInCheckpoint(
      bundle.checkpoint,
      block.header.number,
      Buffer.from(block.headerHash, 'hex'),
      trust,
    ),
  );
  return checks;
}
