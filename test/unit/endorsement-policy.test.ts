/**
 * The endorsement policy a transaction is checked against is the one in force when its block was
 * cut: an organisation that joined later is not needed for older blocks, and one that left no
 * longer counts for newer ones.
 */
import { describe, expect, test } from 'vitest';
import { trustFile, type TrustFile } from '../../verifier/src/transparency/trust-file.js';
import { checkEndorsementPolicy, endorsementPolicyAt } from '../../verifier/src/policy-checks.js';

const FOUNDERS = ['CreditOrg', 'RegulatorOrg', 'SandboxOrg'];
const WITH_BUREAU = ['CreditBureauOrg', ...FOUNDERS];

function trustWith(endorsementPolicy: unknown): TrustFile {
  return trustFile.parse({
    format: 'audit-ledger-trust/1',
    ledger: 'fabric',
    channel: 'audit',
    chaincode: 'audit',
    organizations: WITH_BUREAU.map((mspId) => ({ mspId, rootCertificates: ['root'] })),
    orderers: [{ mspId: 'OrdererOrg', rootCertificates: ['root'] }],
    endorsementPolicy,
    ordererSignaturesRequired: 1,
    validationReportsRequired: 2,
    checkpoints: { origin: 'o', logKey: 'k', witnessKeys: [], witnessQuorum: 0 },
  });
}

// Founded with three organisations; the bureau joined in config block 9 and left in block 20.
const history = trustWith({
  rule: 'MAJORITY',
  organizations: FOUNDERS,
  earlier: [
    { organizations: FOUNDERS, untilBlock: 10 },
    { organizations: WITH_BUREAU, untilBlock: 21 },
  ],
});

describe('endorsement policy by block', () => {
  test('each block is checked against the organisations the channel held when it was cut', () => {
    expect(endorsementPolicyAt(history, 1)).toEqual(FOUNDERS);
    expect(endorsementPolicyAt(history, 9)).toEqual(FOUNDERS);
    expect(endorsementPolicyAt(history, 10)).toEqual(WITH_BUREAU);
    expect(endorsementPolicyAt(history, 20)).toEqual(WITH_BUREAU);
    expect(endorsementPolicyAt(history, 21)).toEqual(FOUNDERS);
    expect(endorsementPolicyAt(history, 5000)).toEqual(FOUNDERS);
  });

  test('two founders suffice for a block before the bureau joined, not while it was a member', () => {
    const twoFounders = ['SandboxOrg', 'CreditOrg'];
    expect(checkEndorsementPolicy(twoFounders, endorsementPolicyAt(history, 5)).ok).toBe(true);
    const whileFour = checkEndorsementPolicy(twoFounders, endorsementPolicyAt(history, 15));
    expect(whileFour).toMatchObject({ ok: false, reason: 'ENDORSEMENT_POLICY' });
    expect(
      checkEndorsementPolicy([...twoFounders, 'CreditBureauOrg'], endorsementPolicyAt(history, 15))
        .ok,
    ).toBe(true);
  });

  test('after it left, the bureau endorsement counts for nothing', () => {
    const result = checkEndorsementPolicy(
      ['SandboxOrg', 'CreditBureauOrg'],
      endorsementPolicyAt(history, 30),
    );
    expect(result).toMatchObject({ ok: false, reason: 'ENDORSEMENT_POLICY' });
  });

  test('a trust file without earlier periods applies its policy to every block', () => {
    const founded = trustWith({ rule: 'MAJORITY', organizations: FOUNDERS });
    expect(endorsementPolicyAt(founded, 1)).toEqual(FOUNDERS);
    expect(endorsementPolicyAt(founded, 10_000)).toEqual(FOUNDERS);
  });

  test('periods out of block order are refused when the trust file is read', () => {
    expect(() =>
      trustWith({
        rule: 'MAJORITY',
        organizations: FOUNDERS,
        earlier: [
          { organizations: WITH_BUREAU, untilBlock: 21 },
          { organizations: FOUNDERS, untilBlock: 10 },
        ],
      }),
    ).toThrow(/block order/);
  });
});
