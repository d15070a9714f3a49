import { ed25519 } from '@noble/curves/ed25519';
import { p256 } from '@noble/curves/nist';
import { sha256 } from '@noble/hashes/sha2';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate, Name } from '@peculiar/asn1-x509';
import { Buffer } from 'buffer';

/**
 * The part of `node:crypto` the offline verifier uses, on audited pure-JS libraries (noble for
 * SHA-256, P-256 ECDSA and Ed25519; @peculiar's ASN.1 schemas for X.509), so the console runs the
 * very verifier the command line runs. The console's build maps `node:crypto` here; a unit test
 * holds every function to Node's answers on the same inputs.
 *
 * Fabric's identities here are P-256 ECDSA and checkpoint keys Ed25519; a key of any other kind
 * does not verify.
 */

type Bytes = Uint8Array;

const utf8 = new TextEncoder();
const bytesOf = (data: string | Bytes): Bytes =>
  typeof data === 'string' ? utf8.encode(data) : data;

const EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
/** The DER of the OID of P-256 (prime256v1), as an EC key's algorithm parameters hold it. */
const P256_PARAMETERS = '06082a8648ce3d030107';

/** Short names Node prints in a certificate's subject, by attribute type. */
const ATTRIBUTE_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'street',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.17': 'postalCode',
};

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export type KeyObject =
  | { readonly type: 'public'; readonly curve: 'P-256'; readonly point: Bytes }
  | { readonly type: 'public'; readonly curve: 'Ed25519'; readonly raw: Bytes }
  | { readonly type: 'public'; readonly curve: 'unsupported'; readonly algorithm: string };

function assertSha256(algorithm: string): void {
  if (algorithm.toLowerCase() !== 'sha256') {
    throw new Error(`the console hashes with SHA-256 only, not ${algorithm}`);
  }
}

function encoded(digest: Bytes, encoding?: 'hex' | 'base64' | 'buffer'): Buffer | string {
  const buffer = Buffer.from(digest);
  return encoding === undefined || encoding === 'buffer' ? buffer : buffer.toString(encoding);
}

export function hash(algorithm: string, data: string | Bytes, outputEncoding?: 'hex'): string;
export function hash(algorithm: string, data: string | Bytes, outputEncoding: 'buffer'): Buffer;
export function hash(
  algorithm: string,
  data: string | Bytes,
  outputEncoding: 'hex' | 'buffer' = 'hex',
): Buffer | string {
  assertSha256(algorithm);
  return encoded(sha256(bytesOf(data)), outputEncoding);
}

export function createHash(algorithm: string) {
  assertSha256(algorithm);
  const state = sha256.create();
  const hasher = {
    update(data: string | Bytes) {
      state.update(bytesOf(data));
      return hasher;
    },
    digest: ((encoding?: 'hex' | 'base64') => encoded(state.digest(), encoding)) as {
      (): Buffer;
      (encoding: 'hex' | 'base64'): string;
    },
  };
  return hasher;
}

/** An Ed25519 public key as DER SubjectPublicKeyInfo, the form the note verifier builds. */
export function createPublicKey(input: { key: Bytes; format: 'der'; type: 'spki' }): KeyObject {
  const der = Buffer.from(input.key);
  if (
    der.length !== ED25519_SPKI_PREFIX.length + 32 ||
    !der.subarray(0, ED25519_SPKI_PREFIX.length).equals(ED25519_SPKI_PREFIX)
  ) {
    throw new Error('the console reads Ed25519 public keys only');
  }
  return { type: 'public', curve: 'Ed25519', raw: der.subarray(ED25519_SPKI_PREFIX.length) };
}

/** ECDSA over SHA-256 (DER signature) for a P-256 key, or Ed25519 with no digest. */
export function verify(
  algorithm: string | null,
  data: Bytes,
  key: KeyObject,
  signature: Bytes,
): boolean {
  if (key.curve === 'Ed25519' && algorithm === null) {
    return ed25519.verify(signature, data, key.raw);
  }
  if (key.curve === 'P-256' && algorithm !== null) {
    assertSha256(algorithm);
    // Node accepts high-S signatures; so does this, so both answer alike.
    return p256.verify(signature, sha256(data), key.point, { lowS: false, format: 'der' });
  }
  throw new Error('the console verifies P-256 ECDSA over SHA-256 and Ed25519 signatures only');
}

/** The first DER element of `der`, whole (tag, length and content). */
function firstElement(der: Bytes): Bytes {
  const [, first = 0] = der;
  const lengthBytes = first < 0x80 ? 0 : first & 0x7f;
  let length = first < 0x80 ? first : 0;
  for (let index = 0; index < lengthBytes; index += 1) {
    length = length * 256 + (der[2 + index] ?? 0);
  }
  return der.subarray(0, 2 + lengthBytes + length);
}

/** The content of the outer DER SEQUENCE. */
function sequenceContent(der: Bytes): Bytes {
  const [, first = 0] = der;
  return der.subarray(2 + (first < 0x80 ? 0 : first & 0x7f));
}

function subjectText(name: Name): string {
  return name
    .map((rdn) =>
      rdn
        .map(
          (attribute) =>
            `${ATTRIBUTE_NAMES[attribute.type] ?? attribute.type}=${attribute.value.toString()}`,
        )
        .join('+'),
    )
    .join('\n');
}

/** A parsed X.509 certificate: its subject as Node prints it, its key, and its issuer's check. */
export class X509Certificate {
  readonly subject: string;
  readonly publicKey: KeyObject;
  readonly #issuer: Buffer;
  readonly #subjectName: Buffer;
  readonly #signedPart: Bytes;
  readonly #signature: Bytes;
  readonly #signatureAlgorithm: string;

  constructor(pem: string | Bytes) {
    const text = typeof pem === 'string' ? pem : new TextDecoder().decode(pem);
    const base64 = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(text)?.[1];
    if (base64 === undefined) {
      throw new Error('not a PEM certificate');
    }
    const der = Buffer.from(base64.replace(/\s+/g, ''), 'base64');
    const certificate = AsnConvert.parse(der, Certificate);
    const { tbsCertificate } = certificate;
    const keyInfo = tbsCertificate.subjectPublicKeyInfo;
    const { algorithm, parameters } = keyInfo.algorithm;
    this.subject = subjectText(tbsCertificate.subject);
    this.#issuer = Buffer.from(AsnConvert.serialize(tbsCertificate.issuer));
    this.#subjectName = Buffer.from(AsnConvert.serialize(tbsCertificate.subject));
    this.#signedPart = firstElement(sequenceContent(der));
    this.#signature = new Uint8Array(certificate.signatureValue);
    this.#signatureAlgorithm = certificate.signatureAlgorithm.algorithm;
    this.publicKey =
      algorithm === EC_PUBLIC_KEY &&
      parameters !== null &&
      parameters !== undefined &&
      Buffer.from(parameters).toString('hex') === P256_PARAMETERS
        ? { type: 'public', curve: 'P-256', point: new Uint8Array(keyInfo.subjectPublicKey) }
        : { type: 'public', curve: 'unsupported', algorithm };
  }

  /** Whether `issuer`'s subject is this certificate's issuer name. */
  checkIssued(issuer: X509Certificate): boolean {
    return this.#issuer.equals(issuer.#subjectName);
  }

  /** Whether `key` signed this certificate. */
  verify(key: KeyObject): boolean {
    if (this.#signatureAlgorithm !== ECDSA_WITH_SHA256 || key.curve !== 'P-256') {
      return false;
    }
    return verify('sha256', this.#signedPart, key, this.#signature);
  }
}

const SIGNING_UNAVAILABLE = 'the console verifies; it holds no key and signs nothing';

export function createPrivateKey(): never {
  throw new Error(SIGNING_UNAVAILABLE);
}

export function generateKeyPairSync(): never {
  throw new Error(SIGNING_UNAVAILABLE);
}

export function sign(): never {
  throw new Error(SIGNING_UNAVAILABLE);
}
