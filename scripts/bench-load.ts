import { existsSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { resolve } from 'node:path';
import { progress } from '@audit-ledger/gateway/dist/cli/progress';
import type { ConnectionFile } from '@audit-ledger/gateway/dist/fabric/connection-file';
import { chainHeight, sampleNetwork, type costPerEntry, type NetworkSample } from './bench-fabric';
import { metricSum, sampleAdmissions, sampleEntry } from './bench-figures';
import {
  cpuSeconds,
  rssMb,
  startGateway,
  stopGateway,
  writeBatch,
  type Gateway,
} from './bench-gateway';
import { openLoop } from './open-loop';
import { watchEvents, type EventLatencies } from './bench-events';

/**
 * The load the benchmarks drive through the real HTTP API: a gateway in its own process on a
 * fresh data folder, clients in this one, closed or open loop, and the network's cost sampled
 * around each run on Fabric.
 */

/** The network's state: the one `npm run network:up` keeps, or a host's own (NETWORK_STATE_DIR). */
export const NETWORK_STATE =
  process.env.NETWORK_STATE_DIR ?? resolve(__dirname, '../../network/.state');
export const NETWORK_SCRIPT = resolve(__dirname, '../../network/network.sh');

/** The Fabric network measured: how the gateway reaches it, and where its nodes' pids are. */
export interface FabricUnderTest {
  connection: ConnectionFile;
  /** The folders of the pid files of the nodes whose CPU is counted: every host's, across hosts. */
  pidDirs: string[];
}

/**
 * The gateway's settings for the ledger measured: the embedded one in the gateway's own data
 * folder, or the network `npm run network:up` started, through one gateway holding every
 * organisation's identities (each write still needs a majority of the organisations' peers).
 */
export function ledgerUnderTest(
  ledger: string | undefined,
  connectionFile: string,
  organization: string | undefined,
): Record<string, string> {
  if (ledger === 'embedded') {
    return {};
  }
  if (ledger !== 'fabric') {
    throw new Error(`--ledger ${ledger ?? ''}: embedded or fabric`);
  }
  if (!existsSync(connectionFile)) {
    throw new Error(
      `no Fabric network: ${connectionFile} is missing; start one with npm run network:up`,
    );
  }
  return {
    LEDGER: 'fabric',
    FABRIC_CONNECTION: connectionFile,
    // One organisation's gateway with its own keys, or one holding every organisation's.
    ...(organization === undefined
      ? { FABRIC_DEVELOPMENT: 'true' }
      : { FABRIC_ORGANIZATION: organization }),
  };
}

/** Peers whose stage metrics a sample reads: those of the organisations whose keys it holds. */
export function sampledPeers(connection: ConnectionFile): number {
  return Object.values(connection.organizations).filter((org) => org.tlsClient !== undefined)
    .length;
}

export interface RunResult {
  entries: number;
  seconds: number;
  latenciesMs: number[];
  errors: number;
  /** Failed entries by what the gateway or the connection answered, e.g. `503 LEDGER_UNAVAILABLE`. */
  errorReasons: Record<string, number>;
  rssMb: number;
  /** Gateway CPU time (all its threads) over the run. */
  cpuSeconds: number;
  /** The network's nodes before and after the run, on Fabric. */
  network?: { before: NetworkSample; after: NetworkSample };
  /** Commit-to-delivery latencies of the entries' events, when they were watched. */
  events?: EventLatencies;
}

export type Mode = 'single' | 'batch' | 'async';

/** How long the last events may take to arrive once the load stops. */
const EVENTS_DRAIN_MS = 120_000;

export interface LoadOptions {
  seconds: number;
  /** Closed loop: clients each sending when answered; open loop: connections. */
  clients: number;
  batchSize: number;
  /** Requests a second, in an open loop; a closed loop without it. */
  rate?: number | undefined;
  /** Watch the entries' events (a stream and a webhook) during the run. */
  events?: boolean;
  /**
   * Seconds of the same load before the measured run, on the same gateway: a gateway, its
   * connections and the contract services just started run cold for the first seconds, which
   * is not the steady rate a deployment serves. Reported apart, never mixed into the figures.
   */
  warmUpSeconds?: number;
}

interface Readiness {
  blocks?: number;
  outbox: { depth: number };
}

/** Polls the gateway's `/readyz` until `done` holds for what it reports. */
async function untilReady(gateway: Gateway, done: (ready: Readiness) => boolean): Promise<void> {
  for (;;) {
    if (done((await (await fetch(`${gateway.url}/readyz`)).json()) as Readiness)) {
      return;
    }
    await new Promise((wait) => setTimeout(wait, 50));
  }
}

/** Entries the gateway has committed since it started, as its metrics count them. */
async function committedEntries(gateway: Gateway): Promise<number> {
  const text = await (await fetch(gateway.metricsUrl)).text();
  return metricSum(text, 'audit_ledger_entries_committed_total{');
}

/**
 * Waits until a gateway on Fabric has followed the chain's `height` blocks into its index: a
 * fresh gateway reads the whole chain first, work that is not the load's.
 */
export async function indexCaughtUp(gateway: Gateway, height: number): Promise<void> {
  const shown = progress('indexing the chain', { unit: 'blocks' });
  await untilReady(gateway, ({ blocks = 0 }) => {
    shown.update(blocks, height);
    return blocks >= height;
  });
  shown.finish(height);
}

interface Response {
  status: number;
  body: string;
}

/**
 * One POST over a kept-alive connection. node:http rather than fetch: on a 2-core machine the
 * load generator shares the cores with the gateway, and fetch costs several times more CPU per
 * request, which would be measured as the gateway's.
 */
function post(
  agent: Agent,
  url: URL,
  headers: Record<string, string>,
  body: string,
): Promise<Response> {
  return new Promise((done, fail) => {
    const outgoing = request(url, {
      agent,
      method: 'POST',
      headers: { ...headers, 'content-length': Buffer.byteLength(body) },
    });
    outgoing.once('error', fail);
    outgoing.once('response', (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.once('error', fail);
      incoming.once('end', () => {
        done({ status: incoming.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    outgoing.end(body);
  });
}

function newConnections(options: LoadOptions): Agent {
  return new Agent({ keepAlive: true, maxSockets: options.clients });
}

/** Why a request failed, as the gateway's error answer names it, e.g. `409 DUPLICATE_ENTRY`. */
function failureReason(response: Response): string {
  try {
    const { error } = JSON.parse(response.body) as { error?: { code?: unknown } };
    return typeof error?.code === 'string'
      ? `${response.status} ${error.code}`
      : `${response.status}`;
  } catch {
    return `${response.status}`;
  }
}

export async function load(
  gateway: Gateway,
  label: string,
  mode: Mode,
  options: LoadOptions,
  sampleNetworkNow?: () => Promise<NetworkSample>,
  /** Kept-alive connections to reuse, e.g. a warm-up's; the run's own otherwise. */
  connections?: Agent,
): Promise<RunResult> {
  const key = gateway.keys['sandbox-writer'] ?? '';
  const deadline = Date.now() + options.seconds * 1000;
  const latenciesMs: number[] = [];
  let entries = 0;
  const errorReasons: Record<string, number> = {};
  const countFailure = (reason: string, count: number) => {
    errorReasons[reason] = (errorReasons[reason] ?? 0) + count;
  };
  let peakRss = 0;
  const sampler = setInterval(() => {
    void rssMb(gateway.child.pid).then((mb) => {
      peakRss = Math.max(peakRss, mb);
    });
  }, 250);
  const agent = connections ?? newConnections(options);
  const url = new URL(`${gateway.url}/v1/entries${mode === 'batch' ? '/batch' : ''}`);
  const headers = {
    authorization: `Bearer ${key}`,
    'content-type': 'application/json',
    ...(mode === 'async' ? { prefer: 'respond-async' } : {}),
  };
  const watch = options.events === true ? await watchEvents(gateway) : undefined;
  // The gateway's count runs from its start, warm-up included.
  const committedAtStart = mode === 'async' ? await committedEntries(gateway) : 0;
  const started = Date.now();
  const cpuAtStart = await cpuSeconds(gateway.child.pid);
  const networkAtStart = await sampleNetworkNow?.();
  const shown = progress(label, { unit: 's' });
  const ticker = setInterval(() => {
    shown.update(Math.round((Date.now() - started) / 1000), options.seconds, `${entries} entries`);
  }, 1000);
  /** Sends one request; resolves the entries it wrote and counts those it failed to write. */
  const send = async (): Promise<{ written: number; failed: number }> => {
    const body =
      mode === 'batch'
        ? { entries: Array.from({ length: options.batchSize }, () => sampleEntry()) }
        : sampleEntry();
    const response = await post(agent, url, headers, JSON.stringify(body));
    if (mode !== 'batch') {
      if (response.status === (mode === 'async' ? 202 : 201)) {
        return { written: 1, failed: 0 };
      }
      countFailure(failureReason(response), 1);
      return { written: 0, failed: 1 };
    }
    const answer = JSON.parse(response.body) as {
      results?: { status: number; error?: { code?: string } }[];
    };
    if (answer.results === undefined) {
      countFailure(failureReason(response), options.batchSize);
      return { written: 0, failed: options.batchSize };
    }
    let written = 0;
    for (const result of answer.results) {
      if (result.status === 201) {
        written += 1;
      } else {
        countFailure(`${result.status} ${result.error?.code ?? ''}`.trim(), 1);
      }
    }
    return { written, failed: options.batchSize - written };
  };
  if (options.rate === undefined) {
    await Promise.all(
      Array.from({ length: options.clients }, async () => {
        while (Date.now() < deadline) {
          const sent = performance.now();
          const { written } = await send();
          latenciesMs.push(performance.now() - sent);
          entries += written;
        }
      }),
    );
  } else {
    const run = await openLoop({
      rate: options.rate,
      seconds: options.seconds,
      send: async () => {
        try {
          const { written, failed } = await send();
          entries += written;
          return failed === 0;
        } catch (error) {
          // Refused or reset: at this rate the connections ran out, which is the answer too.
          countFailure((error as NodeJS.ErrnoException).code ?? String(error), 1);
          return false;
        }
      },
    });
    latenciesMs.push(...run.latenciesMs);
  }
  if (connections === undefined) {
    agent.destroy();
  }
  clearInterval(ticker);
  shown.finish(options.seconds, `${entries} entries`);
  if (mode === 'async') {
    // Accepted is not committed: the run ends when the outbox is empty, and counts what the
    // gateway committed; an accepted entry that failed to commit is an error.
    await untilReady(gateway, ({ outbox }) => outbox.depth === 0);
    const committed = (await committedEntries(gateway)) - committedAtStart;
    if (entries > committed) {
      countFailure('accepted, never committed', entries - committed);
    }
    entries = Math.min(entries, committed);
  }
  clearInterval(sampler);
  const seconds = (Date.now() - started) / 1000;
  const networkAtEnd = await sampleNetworkNow?.();
  // After the run's figures: waiting for the last events is not the load's time.
  const events = await watch?.stop(entries, EVENTS_DRAIN_MS);
  return {
    ...(networkAtStart !== undefined && networkAtEnd !== undefined
      ? { network: { before: networkAtStart, after: networkAtEnd } }
      : {}),
    ...(events === undefined ? {} : { events }),
    entries,
    seconds,
    latenciesMs: latenciesMs.sort((a, b) => a - b),
    errors: Object.values(errorReasons).reduce((sum, count) => sum + count, 0),
    errorReasons,
    rssMb: peakRss,
    cpuSeconds: (await cpuSeconds(gateway.child.pid)) - cpuAtStart,
  };
}

/**
 * Admits the sample entries' team to their scenarios through the gateway, as the sandbox operator
 * would before the team's first access; without it the compliance rules raise a finding for
 * every sample entry, work a sandbox running as it should does not do.
 */
export async function admitSampleTeam(gateway: Gateway): Promise<void> {
  await writeBatch(gateway, 'sandbox-writer', sampleAdmissions());
}

/** A measured run, and the warm-up before it on the same gateway when there was one. */
export type MeasuredRun = RunResult & { warmUp?: RunResult };

export async function measure(
  label: string,
  env: Record<string, string>,
  mode: Mode,
  options: LoadOptions,
  fabric?: FabricUnderTest,
): Promise<MeasuredRun> {
  const gateway = await startGateway(env);
  try {
    if (fabric !== undefined) {
      await indexCaughtUp(gateway, await chainHeight(fabric.connection));
    }
    await admitSampleTeam(gateway);
    const { warmUpSeconds = 0 } = options;
    const connections = newConnections(options);
    try {
      const warmUp =
        warmUpSeconds > 0
          ? await load(
              gateway,
              `${label} warm-up`,
              mode,
              { ...options, seconds: warmUpSeconds, events: false },
              undefined,
              connections,
            )
          : undefined;
      const run = await load(
        gateway,
        label,
        mode,
        options,
        fabric === undefined
          ? undefined
          : () => sampleNetwork(fabric.connection, fabric.pidDirs, 'audit'),
        connections,
      );
      return warmUp === undefined ? run : { ...run, warmUp };
    } finally {
      connections.destroy();
    }
  } finally {
    await stopGateway(gateway);
  }
}

export function printTable(rows: string[][]): void {
  const widths =
    rows[0]?.map((_cell, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ??
    [];
  for (const row of rows) {
    process.stdout.write(
      `${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ')}\n`,
    );
  }
}

/** Per entry, in ms: each kind of node's CPU, and each stage's wall time on one peer. */
export function printCosts(
  runs: (readonly [string, ReturnType<typeof costPerEntry> | undefined])[],
): void {
  const measured = runs.filter(
    (run): run is readonly [string, ReturnType<typeof costPerEntry>] => run[1] !== undefined,
  );
  const names = (pick: (costs: ReturnType<typeof costPerEntry>) => Record<string, number>) => [
    ...new Set(measured.flatMap(([, costs]) => Object.keys(pick(costs)))),
  ];
  const header = ['ms per entry', ...measured.map(([label]) => label.replace(/ \(.*/, ''))];
  process.stdout.write('\n');
  printTable([
    header,
    ...names((costs) => costs.cpuMs).map((kind) => [
      `CPU: ${kind}`,
      ...measured.map(([, costs]) => (costs.cpuMs[kind] ?? 0).toFixed(3)),
    ]),
    ...names((costs) => costs.stageMs).map((stage) => [
      `per peer: ${stage}`,
      ...measured.map(([, costs]) => (costs.stageMs[stage] ?? 0).toFixed(3)),
    ]),
  ]);
  process.stdout.write('\n');
}
