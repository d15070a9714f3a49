import { X509Certificate, verify } from 'node:crypto';
import { canonicalJson, entryDigest, entryKey } from '@audit-ledger/chaincode';
import { dataHashOf, headerHashOf, sha256Hex, type IdentitySignature } from '../embedded/block-log';
import type { ProofBundle } from '../proof/proof-bundle';
import {
  blockSignatureBytes,
  endorsedResultBytes,
  proposalBytes,
  validationReportBytes,
} from '../proof/signed-payloads';
import { leafHash, verifyInclusion } from '../transparency/merkle-tree';
import type { TrustFile } from '../transparency/trust-file';
import type { CheckResult } from './check-report';
import { checkCheckpoint } from './checkpoint-checks';

type Roots = TrustFile['organizations'];

const pass = (check: string, detail: string): CheckResult => ({ check, ok: true, detail });
const fail = (check: string, detail: string, reason: string): CheckResult => ({
  check,
  ok: false,
  detail,
  reason,
});

/**
 * The certificate a signature names, if the bundle carries it, it chains to the org's root, and
 * it belongs to the kind of node that signature needs (a peer endorses, an orderer orders).
 */
function trustedCertificate(
  bundle: ProofBundle,
  signer: { mspId: string; certificateSha256: string },
  roots: Roots,
  unit: 'client' | 'peer' | 'orderer',
): X509Certificate | string {
  const pem = bundle.certificates[signer.certificateSha256];
  if (pem === undefined || sha256Hex(pem) !== signer.certificateSha256) {
    return `no certificate ${signer.certificateSha256.slice(0, 12)}… in the bundle`;
  }
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch {
    return 'the certificate cannot be parsed';
  }
  const anchors = roots.find((org) => org.mspId === signer.mspId)?.rootCertificates ?? [];
  const chained = anchors.some((rootPem) => {
    const root = new X509Certificate(rootPem);
    return certificate.checkIssued(root) && certificate.verify(root.publicKey);
  });
  if (!chained) {
    return `the certificate does not chain to a trusted root of ${signer.mspId}`;
  }
  return new RegExp(`^OU=${unit}$`, 'm').test(certificate.subject)
    ? certificate
    : `the certificate of ${signer.mspId} is not a ${unit} certificate`;
}

function signatureHolds(
  bundle: ProofBundle,
  signer: IdentitySignature,
  data: Buffer,
  roots: Roots,
  unit: 'client' | 'peer' | 'orderer',
): true | { reason: 'UNTRUSTED_CERTIFICATE' | 'BAD_SIGNATURE'; detail: string } {
  const certificate = trustedCertificate(bundle, signer, roots, unit);
  if (typeof certificate === 'string') {
    return { reason: 'UNTRUSTED_CERTIFICATE', detail: certificate };
  }
  let valid: boolean;
  try {
    valid = verify('sha256', data, certificate.publicKey, Buffer.from(signer.signature, 'base64'));
  } catch {
    valid = false;
  }
  return valid
    ? true
    : { reason: 'BAD_SIGNATURE', detail: `the signature of ${signer.mspId} does not verify` };
}

/**
 * Every check a regulator needs to believe one entry, offline: the entry, its transaction's
 * place in the block, the block's hashes, every signature against the trusted roots, the
 * endorsement policy, the orderer's signature, the peers' validation reports, and the block's
 * inclusion in a witnessed checkpoint. Each failure names its reason.
 */
export function checkBundle(bundle: ProofBundle, trust: TrustFile): CheckResult[] {
  const checks: CheckResult[] = [];
  const { entry, block } = bundle;
  const record = block.transactions[bundle.transactionIndex];

  checks.push(
    entryDigest(entry) === entry.digest
      ? pass('entry digest', `${entry.digest} recomputed from the payload`)
      : fail('entry digest', 'the payload does not hash to the committed digest', 'ENTRY_DIGEST'),
  );
  const { blockNumber: _position, ...committed } = entry;
  checks.push(
    canonicalJson(committed) === bundle.canonicalEntry
      ? pass('canonical entry', 'the entry is the one written')
      : fail('canonical entry', 'the entry differs from its canonical form', 'ENTRY_MISMATCH'),
  );
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
  );
  checks.push(
    dataHashOf(block.transactions) === block.header.dataHash
      ? pass('data hash', 'the block header covers its transactions')
      : fail('data hash', "the transactions do not hash to the header's data hash", 'DATA_HASH'),
  );
  checks.push(
    headerHashOf(block.header) === block.headerHash
      ? pass('header hash', block.headerHash)
      : fail('header hash', 'the header does not hash to the block hash', 'HEADER_HASH'),
  );

  const creator = signatureHolds(
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
  );

  checks.push(
    entry.submitter.mspId === record.creator.mspId
      ? pass('submitter', `${entry.submitter.mspId} is the transaction's creator`)
      : fail(
          'submitter',
          `the entry names ${entry.submitter.mspId}, the creator is ${record.creator.mspId}`,
          'SUBMITTER_MISMATCH',
        ),
  );

  const endorsingOrganizations = new Set<string>();
  for (const endorsement of record.endorsements) {
    const holds = signatureHolds(
      bundle,
      endorsement,
      endorsedResultBytes(record),
      trust.organizations,
      'peer',
    );
    if (holds === true) {
      endorsingOrganizations.add(endorsement.mspId);
    } else {
      checks.push(
        fail(
          'endorsement signature',
          holds.detail,
          holds.reason === 'BAD_SIGNATURE' ? 'ENDORSEMENT_SIGNATURE' : holds.reason,
        ),
      );
    }
  }
  const policy = trust.endorsementPolicy.organizations;
  const required = Math.floor(policy.length / 2) + 1;
  const endorsed = policy.filter((mspId) => endorsingOrganizations.has(mspId));
  checks.push(
    endorsed.length >= required
      ? pass(
          'endorsement policy',
          `endorsed by ${endorsed.join(', ')} (${required} of ${policy.length} required)`,
        )
      : fail(
          'endorsement policy',
          `valid endorsements from ${endorsed.length} of ${policy.length} organisations, ${required} required`,
          'ENDORSEMENT_POLICY',
        ),
  );

  const ordererSignatures = block.ordererSignature === undefined ? [] : [block.ordererSignature];
  const ordererValid = ordererSignatures.filter(
    (signature) =>
      signatureHolds(
        bundle,
        signature,
        blockSignatureBytes(block.headerHash),
        trust.orderers,
        'orderer',
      ) === true,
  );
  checks.push(
    ordererValid.length >= trust.ordererSignaturesRequired
      ? pass(
          'orderer signature',
          `${ordererValid.length} valid (${trust.ordererSignaturesRequired} required)`,
        )
      : fail(
          'orderer signature',
          `${ordererValid.length} valid, ${trust.ordererSignaturesRequired} required`,
          'ORDERER_SIGNATURE',
        ),
  );

  const validating = new Set(
    bundle.validation
      .filter(
        (report) =>
          report.code === 'VALID' &&
          report.block === block.header.number &&
          report.txId === record.txId &&
          signatureHolds(
            bundle,
            report,
            validationReportBytes(report),
            trust.organizations,
            'peer',
          ) === true,
      )
      .map((report) => report.mspId),
  );
  checks.push(
    validating.size >= trust.validationReportsRequired
      ? pass('validation code', `VALID, reported by ${[...validating].join(', ')}`)
      : fail(
          'validation code',
          `VALID reported by ${validating.size} organisations, ${trust.validationReportsRequired} required`,
          'VALIDATION_CODE',
        ),
  );

  const witnessed = checkCheckpoint('checkpoint', bundle.checkpoint.note, trust);
  checks.push(...witnessed.checks);
  if (witnessed.checkpoint !== undefined) {
    const included = verifyInclusion(
      leafHash(Buffer.from(block.headerHash, 'hex')),
      block.header.number,
      witnessed.checkpoint.size,
      bundle.checkpoint.inclusion.map((hash) => Buffer.from(hash, 'base64')),
      witnessed.checkpoint.rootHash,
    );
    checks.push(
      included
        ? pass(
            'block in checkpoint',
            `block ${block.header.number} is in the tree of ${witnessed.checkpoint.size}`,
          )
        : fail(
            'block in checkpoint',
            'the inclusion proof does not lead to the checkpoint root',
            'INCLUSION_PROOF',
          ),
    );
  }
  return checks;
}
