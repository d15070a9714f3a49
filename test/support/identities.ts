import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto);

/** Fabric CA's certificate extension for attributes: JSON `{"attrs": {...}}` as the raw value. */
export const FABRIC_ATTRIBUTES_OID = '1.2.3.4.5.6.7.8.1';

const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' };
const VALIDITY = {
  notBefore: new Date('2025-01-01T00:00:00Z'),
  notAfter: new Date('2035-01-01T00:00:00Z'),
};

export interface TestIdentity {
  mspId: string;
  certificatePem: string;
}

interface OrgCa {
  mspId: string;
  name: string;
  keys: webcrypto.CryptoKeyPair;
  certificate: x509.X509Certificate;
}

async function generateKeys(): Promise<webcrypto.CryptoKeyPair> {
  return webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']);
}

async function createOrgCa(mspId: string): Promise<OrgCa> {
  const keys = await generateKeys();
  const name = `C=CN, O=${mspId}, CN=ca.${mspId.toLowerCase()}`;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    name,
    keys,
    signingAlgorithm: SIGNING_ALGORITHM,
    ...VALIDITY,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
    ],
  });
  return { mspId, name, keys, certificate };
}

async function issueIdentity(
  ca: OrgCa,
  commonName: string,
  attributes: Record<string, string>,
): Promise<TestIdentity> {
  const keys = await generateKeys();
  const attributeJson = JSON.stringify({
    attrs: { 'hf.EnrollmentID': commonName, 'hf.Type': 'client', ...attributes },
  });
  const certificate = await x509.X509CertificateGenerator.create({
    subject: `C=CN, O=${ca.mspId}, OU=client, CN=${commonName}`,
    issuer: ca.name,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    signingAlgorithm: SIGNING_ALGORITHM,
    ...VALIDITY,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.Extension(FABRIC_ATTRIBUTES_OID, false, Buffer.from(attributeJson)),
    ],
  });
  return { mspId: ca.mspId, certificatePem: certificate.toString('pem') };
}

export interface TestIdentities {
  sandboxWriter: TestIdentity;
  /** A second system of the same organisation: another source. */
  secondSandboxWriter: TestIdentity;
  creditWriter: TestIdentity;
  regulator: TestIdentity;
  /** Holds the sandbox-writer role but belongs to CreditOrg: reads only CreditOrg's entries. */
  creditOrgSandboxWriter: TestIdentity;
  noRole: TestIdentity;
  unknownRole: TestIdentity;
}

let identities: Promise<TestIdentities> | undefined;

/** Real X.509 identities of three organisations, created once per test file. */
export function testIdentities(): Promise<TestIdentities> {
  identities ??= (async () => {
    const [sandbox, credit, regulator] = await Promise.all([
      createOrgCa('SandboxOrg'),
      createOrgCa('CreditOrg'),
      createOrgCa('RegulatorOrg'),
    ]);
    const role = (name: string) => ({ 'audit.role': name });
    return {
      sandboxWriter: await issueIdentity(sandbox, 'sandbox-platform', role('sandbox-writer')),
      secondSandboxWriter: await issueIdentity(sandbox, 'fl-coordinator', role('sandbox-writer')),
      creditWriter: await issueIdentity(credit, 'credit-system', role('credit-writer')),
      regulator: await issueIdentity(regulator, 'district-regulator', role('regulator')),
      creditOrgSandboxWriter: await issueIdentity(credit, 'credit-sandbox', role('sandbox-writer')),
      noRole: await issueIdentity(sandbox, 'no-role', {}),
      unknownRole: await issueIdentity(sandbox, 'unknown-role', role('auditor')),
    };
  })();
  return identities;
}
