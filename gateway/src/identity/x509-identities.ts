// @peculiar/x509 needs the Reflect metadata polyfill loaded before it.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto);

/** Fabric CA's attribute extension: the raw value is JSON `{"attrs": {...}}`. */
export const FABRIC_ATTRIBUTES_OID = '1.2.3.4.5.6.7.8.1';

const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' };

export interface Validity {
  notBefore: Date;
  notAfter: Date;
}

export interface CertificateAuthority {
  mspId: string;
  certificatePem: string;
  privateKeyPem: string;
}

/** An X.509 identity as Fabric MSPs know them: a certificate, its key, its organisation. */
export interface X509Identity {
  mspId: string;
  certificatePem: string;
  privateKeyPem: string;
}

async function generateKeys(): Promise<webcrypto.CryptoKeyPair> {
  return webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']);
}

async function privateKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key)).toString('base64');
  return `-----BEGIN PRIVATE KEY-----\n${pkcs8.replace(/.{1,64}/g, '$&\n')}-----END PRIVATE KEY-----\n`;
}

async function importPrivateKey(pem: string): Promise<webcrypto.CryptoKey> {
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  return webcrypto.subtle.importKey('pkcs8', der, KEY_ALGORITHM, true, ['sign']);
}

function distinguishedName(mspId: string, commonName: string, unit?: string): string {
  const safe = (value: string) => value.replace(/[,+=\\<>#;"]/g, '\\$&');
  return [
    `C=CN`,
    `O=${safe(mspId)}`,
    ...(unit ? [`OU=${unit}`] : []),
    `CN=${safe(commonName)}`,
  ].join(', ');
}

export async function createCertificateAuthority(
  mspId: string,
  validity: Validity,
): Promise<CertificateAuthority> {
  const keys = await generateKeys();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    name: distinguishedName(mspId, `ca.${mspId.toLowerCase()}`),
    keys,
    signingAlgorithm: SIGNING_ALGORITHM,
    ...validity,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return {
    mspId,
    certificatePem: certificate.toString('pem'),
    privateKeyPem: await privateKeyPem(keys.privateKey),
  };
}

async function issue(
  ca: CertificateAuthority,
  commonName: string,
  unit: 'client' | 'peer' | 'orderer',
  extensions: x509.Extension[],
  validity: Validity,
): Promise<X509Identity> {
  const keys = await generateKeys();
  const caCertificate = new x509.X509Certificate(ca.certificatePem);
  const certificate = await x509.X509CertificateGenerator.create({
    subject: distinguishedName(ca.mspId, commonName, unit),
    issuer: caCertificate.subject,
    publicKey: keys.publicKey,
    signingKey: await importPrivateKey(ca.privateKeyPem),
    signingAlgorithm: SIGNING_ALGORITHM,
    ...validity,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      await x509.AuthorityKeyIdentifierExtension.create(caCertificate),
      ...extensions,
    ],
  });
  return {
    mspId: ca.mspId,
    certificatePem: certificate.toString('pem'),
    privateKeyPem: await privateKeyPem(keys.privateKey),
  };
}

/**
 * Issues a client certificate the way Fabric CA enrols one: the enrolment id as common name,
 * `OU=client`, and the attributes (e.g. `audit.role`) in Fabric's attribute extension.
 */
export function issueClientIdentity(
  ca: CertificateAuthority,
  commonName: string,
  attributes: Record<string, string>,
  validity: Validity,
): Promise<X509Identity> {
  const attributeJson = JSON.stringify({
    attrs: { 'hf.EnrollmentID': commonName, 'hf.Type': 'client', ...attributes },
  });
  return issue(
    ca,
    commonName,
    'client',
    [new x509.Extension(FABRIC_ATTRIBUTES_OID, false, Buffer.from(attributeJson))],
    validity,
  );
}

/** A peer's or orderer's signing identity (`OU=peer` / `OU=orderer`), as Fabric nodes have. */
export function issueNodeIdentity(
  ca: CertificateAuthority,
  commonName: string,
  unit: 'peer' | 'orderer',
  validity: Validity,
): Promise<X509Identity> {
  return issue(ca, commonName, unit, [], validity);
}
