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

/**
 * The longest wait between attempts to reconnect to a peer that went away. gRPC's default grows
 * to 120 s, so after a long outage a peer already back stayed unreachable to this gateway for
 * as long: 19–25 s after a minute down, measured. A gateway talks to a handful of peers; trying
 * each every few seconds while it is down costs nothing.
 */
const MAX_RECONNECT_BACKOFF_MS = 5_000;

/**
 * Pings on an open connection, so that one whose peer went away without closing it is dropped
 * (after the ping's timeout) rather than left to hold calls and streams that never end. A peer
 * refuses pings more often than once a minute by default (peer.keepalive.minInterval); Fabric's
 * own clients ping at that interval with a 20 s timeout.
 */
const KEEPALIVE_MS = 60_000;
const KEEPALIVE_TIMEOUT_MS = 20_000;

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
    {
      'grpc.max_reconnect_backoff_ms': MAX_RECONNECT_BACKOFF_MS,
      'grpc.keepalive_time_ms': KEEPALIVE_MS,
      'grpc.keepalive_timeout_ms': KEEPALIVE_TIMEOUT_MS,
      'grpc.keepalive_permit_without_calls': 1,
      // Peers listen on 127.0.0.1 with certificates naming localhost too.
      ...(endpoint.startsWith('127.0.0.1:')
        ? { 'grpc.ssl_target_name_override': 'localhost' }
        : {}),
    },
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
