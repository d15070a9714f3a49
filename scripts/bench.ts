import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { resolve } from 'node:path';
import { progress } from '@audit-ledger/gateway/dist/cli/progress';
import {
  readConnectionFile,
  type ConnectionFile,
} from '@audit-ledger/gateway/dist/fabric/connection-file';
import { parseArgs } from 'node:util';
import {
  FLOOR_CONTRACT,
  chainHeight,
  costPerEntry,
  floorFigures,
  floorLoad,
  sampleNetwork,
  type FloorRun,
  type NetworkSample,
} from './bench-fabric';
import { metricSum, percentile, sampleEntry } from './bench-figures';
import { openLoop } from './open-loop';
import { cpuSeconds, rssMb, startGateway, stopGateway, type Gateway } from './bench-gateway';

/**
 * Load benchmark of the real HTTP API. The gateway runs as its own process on a fresh data
 * folder; this process is the clients. Each run also measures the naive path — one entry per
 * POST, coalescing off — as the baseline, and prints a table and, last, one JSON line.
 */

const USAGE = `usage: npm run bench -- --ledger embedded|fabric [--mode single|batch|async] [--seconds N] [--clients N] [--batch-size N] [--rate N]
  --rate N: single or async POSTs in an open loop, N a second, latency from each one's due time (--clients: connections)
  on Fabric: [--connection FILE --organization MSP] [--pids DIR]...  (one organisation's gateway, nodes' pid folders)`;
/** The network's state: the one `npm run network:up` keeps, or a host's own (NETWORK_STATE_DIR). */
const NETWORK_STATE = process.env.NETWORK_STATE_DIR ?? resolve(__dirname, '../../network/.state');
const NETWORK_SCRIPT = resolve(__dirname, '../../network/network.sh');

/** The Fabric network measured: how the gateway reaches it, and where its nodes' pids are. */
interface FabricUnderTest {
  connection: ConnectionFile;
  /** The folders of the pid files of the nodes whose CPU is counted: every host's, across hosts. */
  pidDirs: string[];
}

/**
 * The gateway's settings for the ledger measured: the embedded one in the gateway's own data
 * folder, or the network `npm run network:up` started, through one gateway holding every
 * organisation's identities (each write still needs a majority of the organisations' peers).
 */
function ledgerUnderTest(
  ledger: string | undefined,
  connectionFile: string,
  organization: string | undefined,
): Record<string, string> {
  if (ledger === 'embedded') {
    return {};
  }
  if (ledger !== 'fabric') {
    throw new Error(`--ledger ${ledger ?? ''}: embedded or fabric\n${USAGE}`);
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
function sampledPeers(connection: ConnectionFile): number {
  return Object.values(connection.organizations).filter((org) => org.tlsClient !== undefined)
    .length;
}

interface RunResult {
  entries: number;
  seconds: number;
  latenciesMs: number[];
  errors: number;
  rssMb: number;
  /** Gateway CPU time (all its threads) over the run. */
  cpuSeconds: number;
  /** The network's nodes before and after the run, on Fabric. */
  network?: { before: NetworkSample; after: NetworkSample };
}

type Mode = 'single' | 'batch' | 'async';

interface LoadOptions {
  seconds: number;
  /** Closed loop: clients each sending when answered; open loop: connections. */
  clients: number;
  batchSize: number;
  /** Requests a second, in an open loop; a closed loop without it. */
  rate?: number | undefined;
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
async function indexCaughtUp(gateway: Gateway, height: number): Promise<void> {
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

async function load(
  gateway: Gateway,
  label: string,
  mode: Mode,
  options: LoadOptions,
  sampleNetworkNow?: () => Promise<NetworkSample>,
): Promise<RunResult> {
  const key = gateway.keys['sandbox-writer'] ?? '';
  const deadline = Date.now() + options.seconds * 1000;
  const latenciesMs: number[] = [];
  let entries = 0;
  let errors = 0;
  let peakRss = 0;
  const sampler = setInterval(() => {
    void rssMb(gateway.child.pid).then((mb) => {
      peakRss = Math.max(peakRss, mb);
    });
  }, 250);
  const agent = new Agent({ keepAlive: true, maxSockets: options.clients });
  const url = new URL(`${gateway.url}/v1/entries${mode === 'batch' ? '/batch' : ''}`);
  const headers = {
    authorization: `Bearer ${key}`,
    'content-type': 'application/json',
    ...(mode === 'async' ? { prefer: 'respond-async' } : {}),
  };
  const started = Date.now();
  const cpuAtStart = await cpuSeconds(gateway.child.pid);
  const networkAtStart = await sampleNetworkNow?.();
  const shown = progress(label, { unit: 's' });
  const ticker = setInterval(() => {
    shown.update(Math.round((Date.now() - started) / 1000), options.seconds, `${entries} entries`);
  }, 1000);
  /** Sends one request; resolves the entries it wrote and the entries it failed to write. */
  const send = async (): Promise<{ written: number; failed: number }> => {
    const body =
      mode === 'batch'
        ? { entries: Array.from({ length: options.batchSize }, () => sampleEntry()) }
        : sampleEntry();
    const response = await post(agent, url, headers, JSON.stringify(body));
    if (mode !== 'batch') {
      const written = response.status === (mode === 'async' ? 202 : 201) ? 1 : 0;
      return { written, failed: 1 - written };
    }
    const answer = JSON.parse(response.body) as { results?: { status: number }[] };
    const written = answer.results?.filter((result) => result.status === 201).length ?? 0;
    return { written, failed: options.batchSize - written };
  };
  if (options.rate === undefined) {
    await Promise.all(
      Array.from({ length: options.clients }, async () => {
        while (Date.now() < deadline) {
          const sent = performance.now();
          const { written, failed } = await send();
          latenciesMs.push(performance.now() - sent);
          entries += written;
          errors += failed;
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
          errors += failed;
          return failed === 0;
        } catch {
          // Refused or reset: at this rate the connections ran out, which is the answer too.
          errors += 1;
          return false;
        }
      },
    });
    latenciesMs.push(...run.latenciesMs);
  }
  agent.destroy();
  clearInterval(ticker);
  shown.finish(options.seconds, `${entries} entries`);
  if (mode === 'async') {
    // Accepted is not committed: the run ends when the outbox is empty, and counts what the
    // gateway committed; an accepted entry that failed to commit is an error.
    await untilReady(gateway, ({ outbox }) => outbox.depth === 0);
    const committed = await committedEntries(gateway);
    errors += Math.max(0, entries - committed);
    entries = Math.min(entries, committed);
  }
  clearInterval(sampler);
  const seconds = (Date.now() - started) / 1000;
  const networkAtEnd = await sampleNetworkNow?.();
  return {
    ...(networkAtStart !== undefined && networkAtEnd !== undefined
      ? { network: { before: networkAtStart, after: networkAtEnd } }
      : {}),
    entries,
    seconds,
    latenciesMs: latenciesMs.sort((a, b) => a - b),
    errors,
    rssMb: peakRss,
    cpuSeconds: (await cpuSeconds(gateway.child.pid)) - cpuAtStart,
  };
}

async function measure(
  label: string,
  env: Record<string, string>,
  mode: Mode,
  options: LoadOptions,
  fabric?: FabricUnderTest,
): Promise<RunResult> {
  const gateway = await startGateway(env);
  try {
    if (fabric === undefined) {
      return await load(gateway, label, mode, options);
    }
    await indexCaughtUp(gateway, await chainHeight(fabric.connection));
    return await load(gateway, label, mode, options, () =>
      sampleNetwork(fabric.connection, fabric.pidDirs, 'audit'),
    );
  } finally {
    await stopGateway(gateway);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      ledger: { type: 'string', default: 'embedded' },
      mode: { type: 'string', default: 'single' },
      seconds: { type: 'string', default: '60' },
      clients: { type: 'string' },
      'batch-size': { type: 'string', default: '500' },
      rate: { type: 'string' },
      connection: { type: 'string', default: resolve(NETWORK_STATE, 'connection.json') },
      organization: { type: 'string' },
      pids: { type: 'string', multiple: true, default: [resolve(NETWORK_STATE, 'pids')] },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const ledgerEnvironment = ledgerUnderTest(values.ledger, values.connection, values.organization);
  if (values.mode !== 'single' && values.mode !== 'batch' && values.mode !== 'async') {
    throw new Error(`--mode ${values.mode}: single, batch or async
${USAGE}`);
  }
  const mode = values.mode;
  const seconds = Number(values.seconds);
  const batchSize = Number(values['batch-size']);
  const rate = values.rate === undefined ? undefined : Number(values.rate);
  // An open loop needs connections for every request in flight: a second's worth at most.
  const clients = Number(
    values.clients ?? (mode === 'batch' ? 8 : rate === undefined ? 64 : Math.min(rate, 1024)),
  );
  if (
    ![seconds, batchSize, clients, rate ?? 1].every((value) => Number.isInteger(value) && value > 0)
  ) {
    throw new Error(USAGE);
  }
  if (rate !== undefined && mode === 'batch') {
    throw new Error(`--rate drives single or async POSTs, not batches\n${USAGE}`);
  }

  const fabric: FabricUnderTest | undefined =
    values.ledger === 'fabric'
      ? { connection: await readConnectionFile(values.connection), pidDirs: values.pids }
      : undefined;
  const connection = fabric?.connection;
  const measured = await measure(
    mode,
    ledgerEnvironment,
    mode,
    { seconds, clients, batchSize, rate },
    fabric,
  );
  const baseline = await measure(
    'baseline',
    { ...ledgerEnvironment, COALESCE_MAX_ENTRIES: '1' },
    'single',
    {
      seconds: Math.min(seconds, 20),
      clients: 64,
      batchSize,
    },
    fabric,
  );
  const floor =
    fabric === undefined
      ? undefined
      : await measureFloor(fabric, { seconds: Math.min(seconds, 20), batchSize });

  const perSecond = (run: { entries: number; seconds: number }) => run.entries / run.seconds;
  const gatewayRuns = [
    [
      `${mode} (${mode === 'batch' ? `${clients} clients × ${batchSize}` : rate === undefined ? `${clients} clients, coalescing` : `open loop, ${rate}/s over ${clients} connections, coalescing`}${mode === 'async' ? ', until the outbox drained' : ''})`,
      measured,
    ] as const,
    ['baseline (single, 64 clients, one entry per transaction)', baseline] as const,
  ];
  const figures = (run: RunResult | FloorRun) => [
    String(run.entries),
    run.seconds.toFixed(1),
    perSecond(run).toFixed(0),
    percentile(run.latenciesMs, 0.5).toFixed(1),
    percentile(run.latenciesMs, 0.95).toFixed(1),
    percentile(run.latenciesMs, 0.99).toFixed(1),
    String(run.errors),
  ];
  printTable([
    [
      'run',
      'entries',
      'seconds',
      'entries/s',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'errors',
      'gateway RSS MB',
      'gateway CPU µs/entry',
    ],
    ...gatewayRuns.map(([name, run]) => [
      name,
      ...figures(run),
      run.rssMb.toFixed(0),
      ((run.cpuSeconds * 1e6) / Math.max(1, run.entries)).toFixed(0),
    ]),
    ...(floor?.runs.map((run) => [run.label, ...figures(run), '-', '-']) ?? []),
  ]);
  const costs =
    measured.network === undefined || connection === undefined
      ? undefined
      : costPerEntry(
          measured.network.before,
          measured.network.after,
          measured.entries,
          sampledPeers(connection),
        );
  if (costs !== undefined && floor !== undefined) {
    printCosts([
      [mode, costs],
      ...floor.runs.map((run, index) => [run.label, floor.costs[index]] as const),
    ]);
  }
  const round = (value: number) => Math.round(value * 10) / 10;
  process.stdout.write(
    `${JSON.stringify({
      ledger: values.ledger,
      mode,
      ...(rate === undefined ? {} : { offeredPerSec: rate }),
      entriesPerSec: Math.round(perSecond(measured)),
      p50Ms: round(percentile(measured.latenciesMs, 0.5)),
      p95Ms: round(percentile(measured.latenciesMs, 0.95)),
      p99Ms: round(percentile(measured.latenciesMs, 0.99)),
      baselineEntriesPerSec: Math.round(perSecond(baseline)),
      speedup: round(perSecond(measured) / perSecond(baseline)),
      gatewayRssMb: Math.round(measured.rssMb),
      ...(floor === undefined
        ? {}
        : {
            floorSingle: floorFigures(floor.runs[0]),
            floorBatch: floorFigures(floor.runs[1]),
            cpuMsPerEntry: costs?.cpuMs,
          }),
    })}\n`,
  );
}

/**
 * The network's own floor, through the trivial contract (deployed on first use): one key per
 * transaction with 64 in flight, and `batchSize` keys per transaction with 8 in flight, as the
 * gateway's single and batch modes send them.
 */
async function measureFloor(
  fabric: FabricUnderTest,
  options: { seconds: number; batchSize: number },
): Promise<{ runs: [FloorRun, FloorRun]; costs: ReturnType<typeof costPerEntry>[] }> {
  execFileSync(NETWORK_SCRIPT, ['floor'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const { connection, pidDirs } = fabric;
  const peers = sampledPeers(connection);
  const costs: ReturnType<typeof costPerEntry>[] = [];
  const run = async (label: string, clients: number, keysPerTransaction: number) => {
    const before = await sampleNetwork(connection, pidDirs, FLOOR_CONTRACT);
    const result = await floorLoad(connection, {
      label,
      seconds: options.seconds,
      clients,
      keysPerTransaction,
    });
    const after = await sampleNetwork(connection, pidDirs, FLOOR_CONTRACT);
    costs.push(costPerEntry(before, after, result.entries, peers));
    return result;
  };
  const single = await run('floor-single (64 clients, one key per transaction, no gateway)', 64, 1);
  const batch = await run(
    `floor-batch (8 clients × ${options.batchSize} keys per transaction, no gateway)`,
    8,
    options.batchSize,
  );
  return { runs: [single, batch], costs };
}

function printTable(rows: string[][]): void {
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
function printCosts(
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

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
