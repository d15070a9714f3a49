import { defineConsortium, standardConsortium } from '../../chaincode/src/index.js';
import {
  createCertificateAuthority,
  issueClientIdentity,
  type X509Identity,
} from '../../gateway/src/identity/x509-identities.js';

export type TestIdentity = X509Identity;

/** A consortium where CreditOrg also grants sandbox-writer: two organisations share a role. */
export const sharedRoleConsortium = defineConsortium({
  ordererOrganization: 'OrdererOrg',
  organizations: [
    { mspId: 'SandboxOrg', roles: ['sandbox-writer'] },
    { mspId: 'CreditOrg', roles: ['credit-writer', 'sandbox-writer'] },
    { mspId: 'RegulatorOrg', roles: ['regulator'] },
  ],
  collections: standardConsortium.collections,
});

/** Three organisations that write the sandbox's kinds, and the regulator's. */
export const threeWriterConsortium = defineConsortium({
  ordererOrganization: 'OrdererOrg',
  organizations: [
    { mspId: 'SandboxOrg', roles: ['sandbox-writer'] },
    { mspId: 'CreditOrg', roles: ['credit-writer', 'sandbox-writer'] },
    { mspId: 'ResearchOrg', roles: ['sandbox-writer'] },
    { mspId: 'RegulatorOrg', roles: ['regulator'] },
  ],
  collections: standardConsortium.collections,
});

const VALIDITY = {
  notBefore: new Date('2025-01-01T00:00:00Z'),
  notAfter: new Date('2035-01-01T00:00:00Z'),
};

export interface TestIdentities {
  sandboxWriter: TestIdentity;
  /** A second system of the same organisation: another source. */
  secondSandboxWriter: TestIdentity;
  creditWriter: TestIdentity;
  regulator: TestIdentity;
  /**
   * Holds the sandbox-writer role but belongs to CreditOrg: refused by the standard consortium,
   * and in one where CreditOrg grants that role, reads only CreditOrg's entries.
   */
  creditOrgSandboxWriter: TestIdentity;
  /** SandboxOrg's CA vouching for roles only other organisations grant: always refused. */
  sandboxOrgRegulator: TestIdentity;
  sandboxOrgCreditWriter: TestIdentity;
  noRole: TestIdentity;
  unknownRole: TestIdentity;
}

let identities: Promise<TestIdentities> | undefined;

/** Real X.509 identities of three organisations, created once per test file. */
export function testIdentities(): Promise<TestIdentities> {
  identities ??= (async () => {
    const [sandbox, credit, regulator] = await Promise.all(
      ['SandboxOrg', 'CreditOrg', 'RegulatorOrg'].map((mspId) =>
        createCertificateAuthority(mspId, VALIDITY),
      ),
    );
    if (sandbox === undefined || credit === undefined || regulator === undefined) {
      throw new Error('certificate authorities were not created');
    }
    const issue = (ca: typeof sandbox, name: string, role?: string) =>
      issueClientIdentity(ca, name, role === undefined ? {} : { 'audit.role': role }, VALIDITY);
    return {
      sandboxWriter: await issue(sandbox, 'sandbox-platform', 'sandbox-writer'),
      secondSandboxWriter: await issue(sandbox, 'fl-coordinator', 'sandbox-writer'),
      creditWriter: await issue(credit, 'credit-system', 'credit-writer'),
      regulator: await issue(regulator, 'district-regulator', 'regulator'),
      creditOrgSandboxWriter: await issue(credit, 'credit-sandbox', 'sandbox-writer'),
      sandboxOrgRegulator: await issue(sandbox, 'self-made-regulator', 'regulator'),
      sandboxOrgCreditWriter: await issue(sandbox, 'self-made-credit-writer', 'credit-writer'),
      noRole: await issue(sandbox, 'no-role'),
      unknownRole: await issue(sandbox, 'unknown-role', 'auditor'),
    };
  })();
  return identities;
}

/** A sandbox writer of ResearchOrg, the third writing organisation of threeWriterConsortium. */
export async function researchWriter(): Promise<TestIdentity> {
  const research = await createCertificateAuthority('ResearchOrg', VALIDITY);
  return issueClientIdentity(
    research,
    'research-platform',
    { 'audit.role': 'sandbox-writer' },
    VALIDITY,
  );
}
