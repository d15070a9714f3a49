import { X509Certificate, verify } from 'node:crypto';
import type { TrustFile } from './transparency/trust-file';

export type Roots = TrustFile['organizations'];

/** The kind of node a signature needs: clients propose, peers endorse and validate, orderers order. */
export type NodeUnit = 'client' | 'peer' | 'orderer';

export interface SignatureProblem {
  reason: 'UNTRUSTED_CERTIFICATE' | 'BAD_SIGNATURE';
  detail: string;
}

/**
 * The certificate, if it parses, chains to a root of `mspId` in the trust file, and belongs to
 * the kind of node the signature needs (its NodeOU); otherwise why not.
 */
export function trustedCertificate(
  pem: string,
  mspId: string,
  roots: Roots,
  unit: NodeUnit,
): X509Certificate | string {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch {
    return 'the certificate cannot be parsed';
  }
  const anchors = roots.find((org) => org.mspId === mspId)?.rootCertificates ?? [];
  const chained = anchors.some((rootPem) => {
    const root = new X509Certificate(rootPem);
    return certificate.checkIssued(root) && certificate.verify(root.publicKey);
  });
  if (!chained) {
    return `the certificate does not chain to a trusted root of ${mspId}`;
  }
  return new RegExp(`^OU=${unit}$`, 'm').test(certificate.subject)
    ? certificate
    : `the certificate of ${mspId} is not a ${unit} certificate`;
}

/** Whether `signature` (DER ECDSA over SHA-256) over `data` holds for a trusted certificate. */
export function signatureHolds(
  signer: { pem: string; mspId: string },
  data: Uint8Array,
  signature: Uint8Array,
  roots: Roots,
  unit: NodeUnit,
): true | SignatureProblem {
  const certificate = trustedCertificate(signer.pem, signer.mspId, roots, unit);
  if (typeof certificate === 'string') {
    return { reason: 'UNTRUSTED_CERTIFICATE', detail: certificate };
  }
  let valid: boolean;
  try {
    valid = verify('sha256', data, certificate.publicKey, signature);
  } catch {
    valid = false;
  }
  return valid
    ? true
    : { reason: 'BAD_SIGNATURE', detail: `the signature of ${signer.mspId} does not verify` };
}

/** A certificate's common name (the name the contract records for its holder). */
export function commonNameOf(pem: string): string | undefined {
  try {
    return /^CN=(.*)$/m.exec(new X509Certificate(pem).subject)?.[1];
  } catch {
    return undefined;
  }
}
