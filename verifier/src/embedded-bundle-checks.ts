import { entryKey } from '@audit-ledger/chaincode/dist/entry-format';
import { dataHashOf, headerHashOf, sha256Hex } from './embedded/block-log';
import type { EmbeddedProofBundle } from './proof-bundle';
import { validationReportBytes } from './signed-payloads';
import type { TrustFile } from './transparency/trust-file';
import { fail, pass, type CheckResult } from './check-report';
import {
  checkOrdererSignature,
  checkTransactionSignatures,
  embeddedSignatureHolds,
} from './embedded-signature-checks';
import { checkBlockInCheckpoint, checkEntry } from './entry-checks';
import { checkValidationQuorum } from './policy-checks';

/**
 * The embedded ledger's bundle: its JSON block, every signature against the trusted roots,
 * the endorsement policy, the orderer's signature, the peers' validation reports, and the
 * block's inclusion in a witnessed checkpoint.
 */
export function checkEmbeddedBundle(bundle: EmbeddedProofBundle, trust: TrustFile): CheckResult[] {
  const { entry, block } = bundle;
  const checks = checkEntry(entry, bundle.canonicalEntry);
  const certificateOf = (sha256: string) => bundle.certificates[sha256];
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
  const write = record.writes.find(
    (candidate) => candidate.key === entryKey(entry.id, entry.submitter.mspId),
  );
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

  const [creatorCheck, ...endorsementChecks] = checkTransactionSignatures(
    record,
    certificateOf,
    trust,
  );
  checks.push(
    ...(creatorCheck === undefined ? [] : [creatorCheck]),
    entry.submitter.mspId === record.creator.mspId
      ? pass('submitter', `${entry.submitter.mspId} is the transaction's creator`)
      : fail(
          'submitter',
          `the entry names ${entry.submitter.mspId}, the creator is ${record.creator.mspId}`,
          'SUBMITTER_MISMATCH',
        ),
    ...endorsementChecks,
    checkOrdererSignature(block, certificateOf, trust),
  );

  const validating = bundle.validation
    .filter(
      (report) =>
        report.code === 'VALID' &&
        report.block === block.header.number &&
        report.txId === record.txId &&
        embeddedSignatureHolds(
          certificateOf,
          report,
          validationReportBytes(report),
          trust.organizations,
          'peer',
        ) === true,
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
