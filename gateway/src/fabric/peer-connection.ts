import { X509Certificate, createHash, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { connect, hash, signers, type Gateway } from '@hyperledger/fabric-gateway';
import type { EnrolledIdentity } from './fabric-identities';

/** One organisation's peer: its gRPC connection is shared by every identity using it. */
export interface PeerConnection {
  mspId: string;
  name: string;
  client: grpc.Client;
  /** SHA-256 of the TLS client certificate: peers bind event requests to the TLS session. */
  tlsCertificateHash: Uint8Array;
}

export function peerClient(
  tlsRootCertPath: string,
  tlsClient: { certPath: string; keyPath: string },
  endpoint: string,
): grpc.Client {
  return new grpc.Client(
    endpoint,
    grpc.credentials.createSsl(
      readFileSync(tlsRootCertPath),
      readFileSync(tlsClient.keyPath),
      readFileSync(tlsClient.certPath),
    ),
    // Peers listen on 127.0.0.1 with certificates naming localhost too.
    endpoint.startsWith('127.0.0.1:') ? { 'grpc.ssl_target_name_override': 'localhost' } : {},
  );
}

export function certificateHash(certPath: string): Uint8Array {
  return createHash('sha256')
    .update(new X509Certificate(readFileSync(certPath)).raw)
    .digest();
}

export function connectGateway(
  peer: Pick<PeerConnection, 'client' | 'tlsCertificateHash'>,
  identity: EnrolledIdentity,
): Gateway {
  return connect({
    client: peer.client,
    tlsClientCertificateHash: peer.tlsCertificateHash,
    identity: { mspId: identity.mspId, credentials: Buffer.from(identity.certificatePem) },
    signer: signers.newPrivateKeySigner(createPrivateKey(identity.privateKeyPem)),
    hash: hash.sha256,
    evaluateOptions: () => ({ deadline: Date.now() + 10_000 }),
    endorseOptions: () => ({ deadline: Date.now() + 30_000 }),
    submitOptions: () => ({ deadline: Date.now() + 30_000 }),
  });
}
