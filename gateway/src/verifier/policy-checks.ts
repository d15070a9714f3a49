import type { TrustFile } from '../transparency/trust-file';
import { fail, pass, type CheckResult } from './check-report';

/** Peers of a majority of the policy's organisations endorsed the result. */
export function checkEndorsementPolicy(
  endorsingOrganizations: readonly string[],
  trust: TrustFile,
): CheckResult {
  const policy = trust.endorsementPolicy.organizations;
  const required = Math.floor(policy.length / 2) + 1;
  const endorsed = policy.filter((mspId) => endorsingOrganizations.includes(mspId));
  return endorsed.length >= required
    ? pass(
        'endorsement policy',
        `endorsed by ${endorsed.join(', ')} (${required} of ${policy.length} required)`,
      )
    : fail(
        'endorsement policy',
        `valid endorsements from ${endorsed.length} of ${policy.length} organisations, ${required} required`,
        'ENDORSEMENT_POLICY',
      );
}

/** Enough distinct orderers signed the block: one for Raft, a quorum for BFT. */
export function checkOrdererQuorum(validSigners: readonly string[], trust: TrustFile): CheckResult {
  const distinct = new Set(validSigners).size;
  const required = trust.ordererSignaturesRequired;
  return distinct >= required
    ? pass('orderer signature', `${distinct} valid (${required} required)`)
    : fail('orderer signature', `${distinct} valid, ${required} required`, 'ORDERER_SIGNATURE');
}

/** Peers of enough distinct organisations hold the transaction as VALID. */
export function checkValidationQuorum(
  validatingOrganizations: readonly string[],
  trust: TrustFile,
): CheckResult {
  const distinct = [...new Set(validatingOrganizations)];
  const required = trust.validationReportsRequired;
  return distinct.length >= required
    ? pass('validation code', `VALID, reported by ${distinct.join(', ')}`)
    : fail(
        'validation code',
        `VALID reported by ${distinct.length} organisations, ${required} required`,
        'VALIDATION_CODE',
      );
}
