import { existsSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { resolve } from 'node:path';
import { progress } from '@audit-ledger/gateway/dist/cli/progress';
import { parseArgs } from 'node:util';
import { cpuSeconds, rssMb, startGateway, stopGateway, type Gateway } from './bench-gateway';

/**
 * Load benchmark of the real HTTP API. The gateway runs as its own process on a fresh data
 * folder; this process is the clients. Each run also measures the naive path — one entry per
 * POST, coalescing off — as the baseline, and prints a table and, last, one JSON line.
 */

const USAGE =
  'usage: npm run bench -- --ledger embedded|fabric [--mode single|batch|async] [--seconds N] [--clients N] [--batch-size N]';
const FABRIC_CONNECTION = resolve(__dirname, '../../network/.state/connection.json');

/**
 * The gateway's settings for the ledger measured: the embedded one in the gateway's own data
 * folder, or the network `npm run network:up` started, through one gateway holding every
 * organisation's identities (each write still needs a majority of the organisations' peers).
 */
function ledgerUnderTest(ledger: string | undefined): Record<string, string> {
  if (ledger === 'embedded') {
    return {};
  }
  if (ledger !== 'fabric') {
    throw new Error(`--ledger ${ledger ?? ''}: embedded or fabric\n${USAGE}`);
  }
  if (!existsSync(FABRIC_CONNECTION)) {
    throw new Error(
      `no Fabric network: ${FABRIC_CONNECTION} is missing; start one with npm run network:up`,
    );
  }
  return { LEDGER: 'fabric', FABRIC_DEVELOPMENT: 'true', FABRIC_CONNECTION };
}

interface RunResult {
  entries: number;
  seconds: number;
  latenciesMs: number[];
  errors: number;
  rssMb: number;
  /** Gateway CPU time (all its threads) over the run. */
  cpuSeconds: number;
}

let sequence = 0;
function entry() {
  sequence += 1;
  return {
    kind: 'data-access',
    payload: {
      actor: { org: '某科技有限公司', user: `analyst-${sequence % 97}`, team: 'traffic-ml' },
      dataset: { id: `city/traffic-${sequence % 38}`, classification: 'restricted' },
      action: 'query',
      purpose: {
        scenarioId: `scenario-${sequence % 38}`,
        approvalRef: `APR-2026-${sequence % 500}`,
      },
      outcome: 'granted',
      occurredAt: new Date().toISOString(),
      scope: { fields: ['road_id', 'hour', 'volume'], rowCount: 1200 },
      sessionId: `sess-${sequence % 1000}`,
    },
  };
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? 0;
}

type Mode = 'single' | 'batch' | 'async';

async function drained(gateway: Gateway): Promise<void> {
  for (;;) {
    const ready = (await (await fetch(`${gateway.url}/readyz`)).json()) as {
      outbox: { depth: number };
    };
    if (ready.outbox.depth === 0) {
      return;
    }
    await new Promise((wait) => setTimeout(wait, 50));
  }
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
  options: { seconds: number; clients: number; batchSize: number },
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
  const shown = progress(label, { unit: 's' });
  const ticker = setInterval(() => {
    shown.update(Math.round((Date.now() - started) / 1000), options.seconds, `${entries} entries`);
  }, 1000);
  await Promise.all(
    Array.from({ length: options.clients }, async () => {
      while (Date.now() < deadline) {
        const body =
          mode === 'batch'
            ? { entries: Array.from({ length: options.batchSize }, () => entry()) }
            : entry();
        const sent = performance.now();
        const response = await post(agent, url, headers, JSON.stringify(body));
        latenciesMs.push(performance.now() - sent);
        if (mode !== 'batch') {
          if (response.status === (mode === 'async' ? 202 : 201)) {
            entries += 1;
          } else {
            errors += 1;
          }
        } else {
          const answer = JSON.parse(response.body) as { results?: { status: number }[] };
          const committed = answer.results?.filter((result) => result.status === 201).length ?? 0;
          entries += committed;
          errors += options.batchSize - committed;
        }
      }
    }),
  );
  agent.destroy();
  clearInterval(ticker);
  shown.finish(options.seconds, `${entries} entries`);
  if (mode === 'async') {
    // Accepted is not committed: the run ends when the outbox is empty.
    await drained(gateway);
  }
  clearInterval(sampler);
  const seconds = (Date.now() - started) / 1000;
  return {
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
  options: { seconds: number; clients: number; batchSize: number },
): Promise<RunResult> {
  const gateway = await startGateway(env);
  try {
    return await load(gateway, label, mode, options);
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
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const ledgerEnvironment = ledgerUnderTest(values.ledger);
  if (values.mode !== 'single' && values.mode !== 'batch' && values.mode !== 'async') {
    throw new Error(`--mode ${values.mode}: single, batch or async
${USAGE}`);
  }
  const mode = values.mode;
  const seconds = Number(values.seconds);
  const batchSize = Number(values['batch-size']);
  const clients = Number(values.clients ?? (mode === 'batch' ? 8 : 64));
  if (![seconds, batchSize, clients].every((value) => Number.isInteger(value) && value > 0)) {
    throw new Error(USAGE);
  }

  const measured = await measure(mode, ledgerEnvironment, mode, { seconds, clients, batchSize });
  const baseline = await measure(
    'baseline',
    { ...ledgerEnvironment, COALESCE_MAX_ENTRIES: '1' },
    'single',
    {
      seconds: Math.min(seconds, 20),
      clients: 64,
      batchSize,
    },
  );

  const rate = (run: RunResult) => run.entries / run.seconds;
  const rows = [
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
    ...[
      [
        `${mode} (${mode === 'batch' ? `${clients} clients × ${batchSize}` : `${clients} clients, coalescing`}${mode === 'async' ? ', until the outbox drained' : ''})`,
        measured,
      ] as const,
      ['baseline (single, 64 clients, one entry per transaction)', baseline] as const,
    ].map(([name, run]) => [
      name,
      String(run.entries),
      run.seconds.toFixed(1),
      rate(run).toFixed(0),
      percentile(run.latenciesMs, 0.5).toFixed(1),
      percentile(run.latenciesMs, 0.95).toFixed(1),
      percentile(run.latenciesMs, 0.99).toFixed(1),
      String(run.errors),
      run.rssMb.toFixed(0),
      ((run.cpuSeconds * 1e6) / Math.max(1, run.entries)).toFixed(0),
    ]),
  ];
  const widths =
    rows[0]?.map((_cell, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ??
    [];
  for (const row of rows) {
    process.stdout.write(
      `${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ')}\n`,
    );
  }
  const round = (value: number) => Math.round(value * 10) / 10;
  process.stdout.write(
    `${JSON.stringify({
      ledger: values.ledger,
      mode,
      entriesPerSec: Math.round(rate(measured)),
      p50Ms: round(percentile(measured.latenciesMs, 0.5)),
      p95Ms: round(percentile(measured.latenciesMs, 0.95)),
      p99Ms: round(percentile(measured.latenciesMs, 0.99)),
      baselineEntriesPerSec: Math.round(rate(baseline)),
      speedup: round(rate(measured) / rate(baseline)),
      gatewayRssMb: Math.round(measured.rssMb),
    })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
