import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readConnectionFile } from '@audit-ledger/gateway/dist/fabric/connection-file';
import {
  FLOOR_CONTRACT,
  costPerEntry,
  floorFigures,
  floorLoad,
  sampleNetwork,
  type FloorRun,
} from './bench-fabric';
import { percentile } from './bench-figures';
import {
  NETWORK_SCRIPT,
  NETWORK_STATE,
  ledgerUnderTest,
  measure,
  printCosts,
  printTable,
  sampledPeers,
  type FabricUnderTest,
  type RunResult,
} from './bench-load';

/**
 * Load benchmark of the real HTTP API. The gateway runs as its own process on a fresh data
 * folder; this process is the clients. Each run also measures the naive path — one entry per
 * POST, coalescing off — as the baseline, and prints a table and, last, one JSON line.
 */

const USAGE = `usage: npm run bench -- --ledger embedded|fabric [--mode single|batch|async] [--seconds N] [--warm-up N] [--clients N] [--batch-size N] [--rate N] [--events]
  --warm-up N: seconds of the same load on each gateway before its measured run (default 10), reported apart
  --rate N: single or async POSTs in an open loop, N a second, latency from each one's due time (--clients: connections)
  --events: also watch every entry's event (a stream and a webhook) and report commit-to-delivery latency
  on Fabric: [--connection FILE --organization MSP] [--pids DIR]...  (one organisation's gateway, nodes' pid folders)`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      ledger: { type: 'string', default: 'embedded' },
      mode: { type: 'string', default: 'single' },
      seconds: { type: 'string', default: '60' },
      'warm-up': { type: 'string', default: '10' },
      clients: { type: 'string' },
      'batch-size': { type: 'string', default: '500' },
      rate: { type: 'string' },
      events: { type: 'boolean', default: false },
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
  const warmUpSeconds = Number(values['warm-up']);
  const rate = values.rate === undefined ? undefined : Number(values.rate);
  // An open loop needs connections for every request in flight: a second's worth at most.
  const clients = Number(
    values.clients ?? (mode === 'batch' ? 8 : rate === undefined ? 64 : Math.min(rate, 1024)),
  );
  if (
    ![seconds, batchSize, clients, rate ?? 1].every(
      (value) => Number.isInteger(value) && value > 0,
    ) ||
    !Number.isInteger(warmUpSeconds) ||
    warmUpSeconds < 0
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
    { seconds, clients, batchSize, rate, events: values.events, warmUpSeconds },
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
      warmUpSeconds: Math.min(warmUpSeconds, 5),
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
  // Each gateway run, its warm-up first on a row of its own.
  const shownRuns = gatewayRuns.flatMap(([name, run]) => [
    ...(run.warmUp === undefined
      ? []
      : [[`${name}, warm-up before it (not measured)`, run.warmUp] as const]),
    [name, run] as const,
  ]);
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
    ...shownRuns.map(([label, run]) => [
      label,
      ...figures(run),
      run.rssMb.toFixed(0),
      ((run.cpuSeconds * 1e6) / Math.max(1, run.entries)).toFixed(0),
    ]),
    ...(floor?.runs.map((run) => [run.label, ...figures(run), '-', '-']) ?? []),
  ]);
  for (const [label, run] of shownRuns) {
    for (const [reason, count] of Object.entries(run.errorReasons)) {
      process.stdout.write(`${label}: ${count} failed with ${reason}\n`);
    }
  }
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
  const delivery = (latencies: number[]) => ({
    events: latencies.length,
    p50Ms: round(percentile(latencies, 0.5)),
    p99Ms: round(percentile(latencies, 0.99)),
  });
  if (measured.events !== undefined) {
    printTable([
      ['events, commit to delivery', 'received', 'p50 ms', 'p99 ms'],
      ...(['sse', 'webhook'] as const).map((channel) => {
        const figures = delivery(measured.events?.[channel] ?? []);
        return [channel, String(figures.events), String(figures.p50Ms), String(figures.p99Ms)];
      }),
    ]);
  }
  process.stdout.write(
    `${JSON.stringify({
      ledger: values.ledger,
      mode,
      ...(rate === undefined ? {} : { offeredPerSec: rate }),
      entriesPerSec: Math.round(perSecond(measured)),
      p50Ms: round(percentile(measured.latenciesMs, 0.5)),
      p95Ms: round(percentile(measured.latenciesMs, 0.95)),
      p99Ms: round(percentile(measured.latenciesMs, 0.99)),
      ...(measured.errors === 0
        ? {}
        : { errors: measured.errors, errorReasons: measured.errorReasons }),
      ...(measured.warmUp === undefined
        ? {}
        : {
            warmUp: {
              seconds: warmUpSeconds,
              entriesPerSec: Math.round(perSecond(measured.warmUp)),
              p99Ms: round(percentile(measured.warmUp.latenciesMs, 0.99)),
            },
          }),
      baselineEntriesPerSec: Math.round(perSecond(baseline)),
      speedup: round(perSecond(measured) / perSecond(baseline)),
      gatewayRssMb: Math.round(measured.rssMb),
      ...(measured.events === undefined
        ? {}
        : { sse: delivery(measured.events.sse), webhook: delivery(measured.events.webhook) }),
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

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
