import type { TrustFile } from './transparency/trust-file';
import { fail, pass, type CheckResult } from './check-report';

/**
 * The organisations a majority of which had to endorse a transaction of block `blockNumber`:
 * those the channel held when the block was cut, as the trust file's membership periods say.
 */
export function endorsementPolicyAt(trust: TrustFile, blockNumber: number): readonly string[] {
  const { organizations, earlier = [] } = trust.endorsementPolicy;
  return earlier.find((period) => blockNumber < period.untilBlock)?.organizations ?? organizations;
}

/** Peers of a majority of the policy's organisations endorsed the result. */
export function checkEndorsementPolicy(
  endorsingOrganizations: readonly string[],
  policy: readonly string[],
): CheckResult {
  const required = Math.floor(policy.length / 2) + 1;
  const endorsed = policy.filter((mspId) => endorsingOrganizations.includes(mspId));
  return endorsed.length >= required
    ? pass(
        'endorsement policy',
        `endorsed by ${endorsed.join(', ')} (${required} of ${policy.length} required)`,
      )
    : fail(
        'endorsement policy',
        `valid endorsements from ${endorsed.length} of ${policy.length} organisations (${policy.join(', ')}), ${required} required`,
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
