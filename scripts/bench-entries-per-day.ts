import { parseArgs } from 'node:util';
import { progress } from '@audit-ledger/gateway/dist/cli/progress';
import { startGateway, stopGateway, writeBatch, type Gateway } from './bench-gateway';
import { percentile } from './bench-figures';
import { creditChangeRequest, dataAccessRequest } from './bench-requests';

/**
 * What the overview's statistic costs the gateway's other callers on the embedded ledger. Fills
 * a fresh ledger with entries of two organisations, then sends rounds of concurrent
 * `GET /v1/statistics/entries-per-day?days=31` while probing `/healthz`; prints the requests'
 * times and the probes' latencies, and, last, one JSON line.
 *
 * `node scripts/dist/bench-entries-per-day.js [--entries N] [--concurrent N] [--rounds N]`
 */

const USAGE =
  'usage: node scripts/dist/bench-entries-per-day.js [--entries N] [--concurrent N] [--rounds N]';
const FILL_BATCH = 1000;
const PROBE_INTERVAL_MS = 5;

/** Nine in ten entries from the sandbox, one in ten from the credit system. */
async function fill(gateway: Gateway, entries: number): Promise<void> {
  const shown = progress('writing entries', { unit: 'entries' });
  for (let first = 0; first < entries; first += FILL_BATCH) {
    const size = Math.min(FILL_BATCH, entries - first);
    const credit = first % (10 * FILL_BATCH) === 0 && size === FILL_BATCH;
    const batch = Array.from({ length: size }, (_, index) =>
      credit ? creditChangeRequest(first + index) : dataAccessRequest(first + index),
    );
    await writeBatch(gateway, credit ? 'credit-writer' : 'sandbox-writer', batch);
    shown.update(first + size, entries);
  }
  shown.finish(entries);
}

/** `/healthz`, one request after another, until `running` says stop. */
async function probeHealth(url: string, running: () => boolean): Promise<number[]> {
  const latencies: number[] = [];
  while (running()) {
    const sent = performance.now();
    const response = await fetch(`${url}/healthz`);
    await response.arrayBuffer();
    latencies.push(performance.now() - sent);
    await new Promise((wait) => setTimeout(wait, PROBE_INTERVAL_MS));
  }
  return latencies.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      entries: { type: 'string', default: '20000' },
      concurrent: { type: 'string', default: '3' },
      rounds: { type: 'string', default: '5' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const [entries, concurrent, rounds] = [values.entries, values.concurrent, values.rounds].map(
    Number,
  ) as [number, number, number];
  if (![entries, concurrent, rounds].every((n) => Number.isInteger(n) && n > 0)) {
    throw new Error(USAGE);
  }
  const gateway = await startGateway({});
  try {
    await fill(gateway, entries);
    const durations: number[] = [];
    let total = 0;
    let running = true;
    const probing = probeHealth(gateway.url, () => running);
    for (let round = 0; round < rounds; round += 1) {
      await Promise.all(
        Array.from({ length: concurrent }, async () => {
          const started = performance.now();
          const response = await fetch(`${gateway.url}/v1/statistics/entries-per-day?days=31`, {
            headers: { authorization: `Bearer ${gateway.keys.regulator ?? ''}` },
          });
          const body = (await response.json()) as { days: { counts: Record<string, number> }[] };
          durations.push(performance.now() - started);
          total = body.days.reduce(
            (sum, day) => sum + Object.values(day.counts).reduce((a, b) => a + b, 0),
            0,
          );
        }),
      );
    }
    running = false;
    const health = await probing;
    durations.sort((a, b) => a - b);
    const ms = (value: number) => Math.round(value * 10) / 10;
    process.stdout.write(
      `${entries} entries, ${rounds} rounds of ${concurrent} concurrent days=31 requests ` +
        `(counted ${total}): p50 ${ms(percentile(durations, 0.5))} ms, max ${ms(durations.at(-1) ?? NaN)} ms\n` +
        `/healthz meanwhile: p50 ${ms(percentile(health, 0.5))} ms, max ${ms(health.at(-1) ?? NaN)} ms (${health.length} probes)\n`,
    );
    process.stdout.write(
      `${JSON.stringify({
        entries,
        counted: total,
        requestP50Ms: ms(percentile(durations, 0.5)),
        requestMaxMs: ms(durations.at(-1) ?? NaN),
        healthP50Ms: ms(percentile(health, 0.5)),
        healthMaxMs: ms(health.at(-1) ?? NaN),
      })}\n`,
    );
  } finally {
    await stopGateway(gateway);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
