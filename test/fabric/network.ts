/**
 * The running network, as `network/` describes it in its connection file, and clients that talk
 * to it through @hyperledger/fabric-gateway with CA-enrolled identities.
 */
import { execFile } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import {
  connect,
  hash,
  signers,
  type Contract,
  type Gateway,
  type Network,
} from '@hyperledger/fabric-gateway';
import { connectionFile, type ConnectionFile } from '../../gateway/src/fabric/connection-file.js';
import { clientIdentity, type FoundingOrganization } from '../../network/topology.js';

const NETWORK_SCRIPT = resolve(__dirname, '../../network/network.sh');
const CONNECTION_FILE =
  process.env.FABRIC_CONNECTION ?? resolve(__dirname, '../../network/.state/connection.json');

export type { ConnectionFile };

/** Reads the connection file anew: adding or revoking an identity rewrites it. */
export function readConnection(): ConnectionFile {
  return connectionFile.parse(JSON.parse(readFileSync(CONNECTION_FILE, 'utf8')));
}

function org(connection: ConnectionFile, mspId: FoundingOrganization) {
  const found = connection.organizations[mspId];
  if (found === undefined) {
    throw new Error(`the connection file has no organisation ${mspId}`);
  }
  return found;
}

export interface Session {
  gateway: Gateway;
  network: Network;
  contract: Contract;
  close(): void;
}

/**
 * Connects an identity of `mspId` to a peer (its own organisation's by default), over mutual TLS
 * with the peer organisation's gateway TLS certificate.
 */
export function connectAs(
  mspId: FoundingOrganization,
  identityName: string,
  viaPeerOf: FoundingOrganization = mspId,
): Session {
  const connection = readConnection();
  const owner = org(connection, mspId);
  const identity = owner.identities[identityName];
  if (identity === undefined) {
    throw new Error(`${mspId} has no client identity ${identityName} in the connection file`);
  }
  const via = org(connection, viaPeerOf);
  const tlsClient = org(connection, mspId).tlsClient;
  if (tlsClient === undefined) {
    throw new Error(`the connection file holds no TLS client certificate of ${mspId}`);
  }
  const client = new grpc.Client(
    via.peer.endpoint,
    grpc.credentials.createSsl(
      readFileSync(via.tlsRootCertPath),
      readFileSync(tlsClient.keyPath),
      readFileSync(tlsClient.certPath),
    ),
    // Peers listen on 127.0.0.1; naming the host keeps TLS from being asked to match an IP.
    { 'grpc.ssl_target_name_override': 'localhost' },
  );
  const gateway = connect({
    client,
    identity: { mspId, credentials: readFileSync(identity.certPath) },
    signer: signers.newPrivateKeySigner(createPrivateKey(readFileSync(identity.keyPath))),
    hash: hash.sha256,
    evaluateOptions: () => ({ deadline: Date.now() + 10_000 }),
    endorseOptions: () => ({ deadline: Date.now() + 30_000 }),
    submitOptions: () => ({ deadline: Date.now() + 30_000 }),
    commitStatusOptions: () => ({ deadline: Date.now() + 60_000 }),
  });
  const network = gateway.getNetwork(connection.channel);
  return {
    gateway,
    network,
    contract: network.getContract(connection.chaincode),
    close() {
      gateway.close();
      client.close();
    },
  };
}

function client(mspId: FoundingOrganization) {
  return { mspId, name: clientIdentity(mspId) };
}

/** The client identity each organisation's CA enrolled for its role when the network started. */
export const CLIENTS = Object.freeze({
  sandbox: client('SandboxOrg'),
  credit: client('CreditOrg'),
  regulator: client('RegulatorOrg'),
});

const run = promisify(execFile);

/** Runs `network/network.sh` (stop, start, identity …) and returns what it printed. */
export async function networkCommand(...args: string[]): Promise<string> {
  const { stdout } = await run(NETWORK_SCRIPT, args, { timeout: 120_000 });
  return stdout;
}

/** The orderer that leads the channel's consensus now, as the orderers' metrics say. */
export async function consensusLeader(): Promise<string> {
  return (await networkCommand('leader')).trim();
}

export interface NodeStatus {
  state: 'running' | 'stopped';
  /** Chain height, for peers and orderers that answer. */
  height?: number;
}

/** Each node's state and, for peers and orderers, its chain height (`network.sh status`). */
export async function networkStatus(): Promise<Map<string, NodeStatus>> {
  const nodes = new Map<string, NodeStatus>();
  for (const line of (await networkCommand('status')).split('\n').slice(1)) {
    const [name, , state, , height] = line.trim().split(/\s+/);
    if (name !== undefined && (state === 'running' || state === 'stopped')) {
      const parsed = Number(height);
      nodes.set(name, Number.isInteger(parsed) ? { state, height: parsed } : { state });
    }
  }
  return nodes;
}

/**
 * Waits until every named node runs and reports the same chain height, e.g. after a restarted
 * node has caught up; returns that height. `whileWaiting` runs between polls: a SmartBFT orderer
 * that restarted notices it is behind only when the channel moves on, so callers keep writing.
 */
export async function waitForSameHeight(
  names: readonly string[],
  {
    timeoutMs = 60_000,
    whileWaiting = () => Promise.resolve(),
  }: { timeoutMs?: number; whileWaiting?: () => Promise<unknown> } = {},
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await networkStatus();
    const heights = names.map((name) => status.get(name)?.height);
    const [first] = heights;
    if (first !== undefined && heights.every((height) => height === first)) {
      return first;
    }
    if (Date.now() > deadline) {
      const report = names.map((name, i) => `${name}=${String(heights[i])}`).join(', ');
      throw new Error(`heights still differ after ${timeoutMs} ms: ${report}`);
    }
    await whileWaiting();
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
