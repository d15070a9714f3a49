import { readFileSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { request } from 'node:https';
import { basename, join } from 'node:path';
import { common } from '@hyperledger/fabric-protos';
import { progress } from '@audit-ledger/gateway/dist/cli/progress';
import type { ConnectionFile } from '@audit-ledger/gateway/dist/fabric/connection-file';
import {
  certificateHash,
  connectGateway,
  peerClient,
} from '@audit-ledger/gateway/dist/fabric/peer-connection';
import { metricSum, percentile, sampleEntry } from './bench-figures';
import { cpuSeconds } from './bench-gateway';

/**
 * What a benchmark on the Fabric network measures besides the gateway: the floor of the network
 * itself (a trivial contract through fabric-gateway directly), and where each entry's time goes
 * (every node's CPU, and the stage timings each peer reports on its operations endpoint).
 */

export const FLOOR_CONTRACT = 'floor';

export interface FloorRun {
  label: string;
  entries: number;
  seconds: number;
  latenciesMs: number[];
  errors: number;
}

/** The first organisation's peer, as its writer: what the benchmark talks to Fabric as. */
function connectWriter(connection: ConnectionFile) {
  const [organization] = Object.values(connection.organizations).filter(
    (org) => org.tlsClient !== undefined,
  );
  const [writer] = Object.entries(organization?.identities ?? {});
  if (organization?.tlsClient === undefined || writer === undefined) {
    throw new Error('the connection file names no organisation with a TLS client and a writer');
  }
  const client = peerClient(
    organization.tlsRootCertPath,
    organization.tlsClient,
    organization.peer.endpoint,
  );
  const gateway = connectGateway(
    { client, tlsCertificateHash: certificateHash(organization.tlsClient.certPath) },
    {
      mspId: organization.mspId,
      name: writer[0],
      certificatePem: readFileSync(writer[1].certPath, 'utf8'),
      privateKeyPem: readFileSync(writer[1].keyPath, 'utf8'),
    },
  );
  return {
    network: gateway.getNetwork(connection.channel),
    close() {
      gateway.close();
      client.close();
    },
  };
}

/** How many blocks the first organisation's peer holds (its channel's height). */
export async function chainHeight(connection: ConnectionFile): Promise<number> {
  const writer = connectWriter(connection);
  try {
    const answer = await writer.network
      .getContract('qscc')
      .evaluate('GetChainInfo', { arguments: [connection.channel] });
    return common.BlockchainInfo.deserializeBinary(answer).getHeight();
  } finally {
    writer.close();
  }
}

/**
 * Writes sample entries through the floor contract for `seconds`: `clients` transactions in
 * flight, each writing `keysPerTransaction` keys, as the first organisation's writer, endorsed by
 * the channel's policy as the audit contract's transactions are.
 */
export async function floorLoad(
  connection: ConnectionFile,
  options: { label: string; seconds: number; clients: number; keysPerTransaction: number },
): Promise<FloorRun> {
  const writer = connectWriter(connection);
  const contract = writer.network.getContract(FLOOR_CONTRACT);
  const latenciesMs: number[] = [];
  let entries = 0;
  let errors = 0;
  const started = Date.now();
  const deadline = started + options.seconds * 1000;
  const shown = progress(options.label, { unit: 's' });
  const ticker = setInterval(() => {
    shown.update(Math.round((Date.now() - started) / 1000), options.seconds, `${entries} entries`);
  }, 1000);
  try {
    await Promise.all(
      Array.from({ length: options.clients }, async () => {
        while (Date.now() < deadline) {
          const values = Array.from({ length: options.keysPerTransaction }, () =>
            JSON.stringify(sampleEntry()),
          );
          const sent = performance.now();
          try {
            await contract.submit('Write', { arguments: values });
            entries += values.length;
          } catch (error) {
            if (errors === 0) {
              process.stderr.write(`floor: ${(error as Error).message}\n`);
            }
            errors += values.length;
          }
          latenciesMs.push(performance.now() - sent);
        }
      }),
    );
  } finally {
    clearInterval(ticker);
    shown.finish(options.seconds, `${entries} entries`);
    writer.close();
  }
  return {
    label: options.label,
    entries,
    seconds: (Date.now() - started) / 1000,
    latenciesMs: latenciesMs.sort((a, b) => a - b),
    errors,
  };
}

/** Every network node's CPU seconds and every peer's stage timings, at one moment. */
export interface NetworkSample {
  cpuSeconds: Map<string, number>;
  /** Summed over the peers: seconds spent in each stage, by stage. */
  stageSeconds: Map<string, number>;
}

/**
 * The stages a peer times (Prometheus histograms' `_sum`, in seconds), and the label a sample
 * must carry to count: the contract's own endorsements and state requests, and the channel's
 * blocks (which hold nothing but the measured load while it runs).
 */
function stagesOf(contract: string): { stage: string; metric: string; label: string }[] {
  return [
    {
      stage: 'endorsement (proposal in, response signed)',
      metric: 'endorser_proposal_duration_sum',
      label: `chaincode="${contract}"`,
    },
    {
      stage: '  of which the contract’s state requests',
      metric: 'chaincode_shim_request_duration_sum',
      label: `chaincode="${contract}:`,
    },
    {
      stage: 'validation (signatures, policies)',
      metric: 'gossip_privdata_validation_duration_sum',
      label: '',
    },
    { stage: 'commit', metric: 'gossip_privdata_commit_block_duration_sum', label: '' },
    { stage: '  of which MVCC checks', metric: 'ledger_block_processing_time_sum', label: '' },
    {
      stage: '  of which the block store',
      metric: 'ledger_blockstorage_and_pvtdata_commit_time_sum',
      label: '',
    },
    { stage: '  of which the state database', metric: 'ledger_statedb_commit_time_sum', label: '' },
  ];
}

function getText(url: string, tls: { ca: Buffer; cert: Buffer; key: Buffer }): Promise<string> {
  return new Promise((done, fail) => {
    const outgoing = request(url, { ...tls, servername: 'localhost', timeout: 5000 }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.once('error', fail);
      answer.once('end', () => {
        if (answer.statusCode === 200) {
          done(Buffer.concat(chunks).toString('utf8'));
        } else {
          fail(new Error(`${url}: HTTP ${String(answer.statusCode)}`));
        }
      });
    });
    outgoing.once('timeout', () => outgoing.destroy(new Error(`${url}: no answer in 5 s`)));
    outgoing.once('error', fail);
    outgoing.end();
  });
}

export async function sampleNetwork(
  connection: ConnectionFile,
  pidDirs: readonly string[],
  contract: string,
): Promise<NetworkSample> {
  const cpu = new Map<string, number>();
  for (const pidDir of pidDirs) {
    for (const file of await readdir(pidDir)) {
      const pid = Number(await readFile(join(pidDir, file), 'utf8'));
      try {
        cpu.set(basename(file, '.pid'), await cpuSeconds(pid));
      } catch {
        // a node that is not running costs nothing
      }
    }
  }
  const stageSeconds = new Map<string, number>();
  for (const organization of Object.values(connection.organizations)) {
    if (organization.tlsClient === undefined) {
      continue;
    }
    // Operations endpoints serve metrics to clients of the peer's own organisation only.
    const text = await getText(`${organization.peer.operationsUrl}/metrics`, {
      ca: readFileSync(organization.tlsRootCertPath),
      cert: readFileSync(organization.tlsClient.certPath),
      key: readFileSync(organization.tlsClient.keyPath),
    });
    for (const { stage, metric, label } of stagesOf(contract)) {
      const seconds = metricSum(text, metric, [`channel="${connection.channel}"`, label]);
      stageSeconds.set(stage, (stageSeconds.get(stage) ?? 0) + seconds);
    }
  }
  return { cpuSeconds: cpu, stageSeconds };
}

/**
 * Milliseconds per entry between two samples: CPU by node (summed over each kind of node:
 * peers, orderers, contract services, witnesses, CAs) and stage wall time per peer.
 */
export function costPerEntry(
  before: NetworkSample,
  after: NetworkSample,
  entries: number,
  peers: number,
): { cpuMs: Record<string, number>; stageMs: Record<string, number> } {
  const perEntry = (seconds: number) => Math.round(((seconds * 1000) / entries) * 1000) / 1000;
  const cpuByKind = new Map<string, number>();
  for (const [node, seconds] of after.cpuSeconds) {
    const kind = node.replace(/[.\d].*$/, '');
    const spent = seconds - (before.cpuSeconds.get(node) ?? seconds);
    cpuByKind.set(kind, (cpuByKind.get(kind) ?? 0) + spent);
  }
  const stageMs: Record<string, number> = {};
  for (const [stage, seconds] of after.stageSeconds) {
    stageMs[stage] = perEntry((seconds - (before.stageSeconds.get(stage) ?? 0)) / peers);
  }
  return {
    cpuMs: Object.fromEntries([...cpuByKind].map(([kind, seconds]) => [kind, perEntry(seconds)])),
    stageMs,
  };
}

export function floorFigures(run: FloorRun) {
  return {
    entriesPerSec: Math.round(run.entries / run.seconds),
    p50Ms: Math.round(percentile(run.latenciesMs, 0.5)),
    p99Ms: Math.round(percentile(run.latenciesMs, 0.99)),
  };
}
