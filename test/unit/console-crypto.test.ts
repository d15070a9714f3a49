/**
 * The console runs the command line's verifier with `node:crypto` mapped to its own subset on
 * pure-JS libraries. Each function of that subset must answer as Node does on the same inputs,
 * or a bundle could verify in one place and not the other.
 */
import * as node from 'node:crypto';
import { describe, expect, test } from 'vitest';
import * as browser from '../../console/src/verifier/node-crypto-subset.js';
import {
  createCertificateAuthority,
  issueClientIdentity,
  issueNodeIdentity,
} from '../../gateway/src/identity/x509-identities.js';
import { generateNoteKey, noteSigner } from '../../verifier/src/transparency/signed-note.js';

const VALIDITY = {
  notBefore: new Date('2025-01-01T00:00:00Z'),
  notAfter: new Date('2035-01-01T00:00:00Z'),
};

async function organisation(mspId: string) {
  const ca = await createCertificateAuthority(mspId, VALIDITY);
  const client = await issueClientIdentity(
    ca,
    'analyst-07',
    { 'audit.role': 'regulator' },
    VALIDITY,
  );
  const peer = await issueNodeIdentity(ca, `peer0.${mspId.toLowerCase()}`, 'peer', VALIDITY);
  return { ca, client, peer };
}

describe('the console’s node:crypto subset answers as Node does', () => {
  test('SHA-256, one-shot and incremental, of text and bytes', () => {
    const bytes = Buffer.from([0, 1, 2, 255, 128]);
    for (const data of ['', 'audit', '审计账本', bytes]) {
      expect(browser.hash('sha256', data)).toBe(node.hash('sha256', data, 'hex'));
      expect(
        browser.hash('sha256', data, 'buffer').equals(node.hash('sha256', data, 'buffer')),
      ).toBe(true);
    }
    const incremental = browser.createHash('sha256').update('audit').update(bytes);
    const expected = node.createHash('sha256').update('audit').update(bytes);
    expect(incremental.digest('hex')).toBe(expected.digest('hex'));
    expect(() => browser.hash('sha512', 'audit')).toThrow(/SHA-256 only/);
  });

  test('certificates: subject, issuer and signature checks', async () => {
    const sandbox = await organisation('SandboxOrg');
    const credit = await organisation('CreditOrg');
    for (const pem of [
      sandbox.ca.certificatePem,
      sandbox.client.certificatePem,
      sandbox.peer.certificatePem,
    ]) {
      expect(new browser.X509Certificate(pem).subject).toBe(new node.X509Certificate(pem).subject);
    }
    const pairs = [
      [sandbox.client, sandbox.ca],
      [sandbox.peer, sandbox.ca],
      [sandbox.client, credit.ca],
      [credit.peer, sandbox.ca],
    ] as const;
    for (const [identity, ca] of pairs) {
      const [ours, theirs] = [browser, node].map((crypto) => {
        const certificate = new crypto.X509Certificate(identity.certificatePem);
        const root = new crypto.X509Certificate(ca.certificatePem);
        return [
          certificate.checkIssued(root as never),
          certificate.verify(root.publicKey as never),
        ];
      });
      expect(ours).toEqual(theirs);
    }
    expect(() => new browser.X509Certificate('not a certificate')).toThrow();
  });

  test('ECDSA P-256 signatures over SHA-256, as Fabric identities make them', async () => {
    const { client } = await organisation('RegulatorOrg');
    const data = Buffer.from('a proposal');
    const signature = node.sign('sha256', data, client.privateKeyPem);
    const publicKey = new browser.X509Certificate(client.certificatePem).publicKey;
    expect(browser.verify('sha256', data, publicKey, signature)).toBe(true);
    expect(browser.verify('sha256', Buffer.from('another proposal'), publicKey, signature)).toBe(
      false,
    );
    const flipped = Buffer.from(signature);
    flipped[flipped.length - 1] = (flipped.at(-1) ?? 0) ^ 1;
    expect(browser.verify('sha256', data, publicKey, flipped)).toBe(
      node.verify('sha256', data, client.certificatePem, flipped),
    );
  });

  test('Ed25519 signatures of checkpoint notes', () => {
    const { signerKey, verifierKey } = generateNoteKey('witness.regulatororg');
    const line = noteSigner(signerKey).signatureLine('audit-ledger.local/embedded\n3\nAAAA\n');
    const signed = Buffer.from(line.trim().split(' ').at(-1) ?? '', 'base64').subarray(4);
    const raw = Buffer.from(verifierKey.split('+').slice(2).join('+'), 'base64').subarray(1);
    const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw]);
    const ours = browser.createPublicKey({ key: spki, format: 'der', type: 'spki' });
    const theirs = node.createPublicKey({ key: spki, format: 'der', type: 'spki' });
    for (const body of [
      'audit-ledger.local/embedded\n3\nAAAA\n',
      'audit-ledger.local/embedded\n4\nAAAA\n',
    ]) {
      const data = Buffer.from(body);
      expect(browser.verify(null, data, ours, signed)).toBe(
        node.verify(null, data, theirs, signed),
      );
    }
    expect(() => browser.createPublicKey({ key: raw, format: 'der', type: 'spki' })).toThrow(
      /Ed25519 public keys only/,
    );
  });

  test('signing is refused: the console holds no key', () => {
    expect(() => browser.sign()).toThrow(/signs nothing/);
    expect(() => browser.generateKeyPairSync()).toThrow(/signs nothing/);
  });
});
