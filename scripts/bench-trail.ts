import { parseArgs } from 'node:util';
import { progress } from '@audit-ledger/gateway/dist/cli/progress';
import { startGateway, stopGateway, writeBatch, type Gateway } from './bench-gateway';
import { percentile } from './bench-figures';
import { creditChangeRequest, dataAccessRequest } from './bench-requests';

/**
 * What a long trail check costs the gateway's other callers. Fills a fresh embedded ledger with
 * one source's numbered entries, then checks that source's trail while probing `/healthz` and
 * writing single entries of another source; prints the check's duration and the probes'
 * latencies while it ran, and, last, one JSON line.
 */

const USAGE = 'usage: npm run bench:trail -- [--entries N] [--checks N]';
const FILL_BATCH = 1000;
const PROBE_INTERVAL_MS = 10;

async function fill(gateway: Gateway, entries: number): Promise<void> {
  const shown = progress('writing the trail', { unit: 'entries' });
  for (let first = 1; first <= entries; first += FILL_BATCH) {
    const batch = Array.from({ length: Math.min(FILL_BATCH, entries - first + 1) }, (_, index) =>
      dataAccessRequest(first + index, first + index),
    );
    await writeBatch(gateway, 'sandbox-writer', batch);
    shown.update(first + batch.length - 1, entries);
  }
  shown.finish(entries);
}

interface Probe {
  latenciesMs: number[];
  /** Requests that failed or were refused: a blocked gateway drops kept-alive connections. */
  failed: number;
}

/** Requests one after another, PROBE_INTERVAL_MS apart, until `running` says stop. */
async function probe(send: (n: number) => Promise<Response>, running: () => boolean) {
  const result: Probe = { latenciesMs: [], failed: 0 };
  for (let n = 0; running(); n += 1) {
    const sent = performance.now();
    try {
      const response = await send(n);
      await response.arrayBuffer();
      result.latenciesMs.push(performance.now() - sent);
      result.failed += response.ok ? 0 : 1;
    } catch {
      result.failed += 1;
    }
    await new Promise((wait) => setTimeout(wait, PROBE_INTERVAL_MS));
  }
  result.latenciesMs.sort((a, b) => a - b);
  return result;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      entries: { type: 'string', default: '92000' },
      checks: { type: 'string', default: '3' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const entries = Number(values.entries);
  const checks = Number(values.checks);
  if (!(Number.isInteger(entries) && entries > 0 && Number.isInteger(checks) && checks > 0)) {
    throw new Error(USAGE);
  }
  const gateway = await startGateway({});
  try {
    await fill(gateway, entries);
    const source = encodeURIComponent('SandboxOrg/dev-sandbox-writer');
    let written = 0;
    /** /healthz and single writes, probed while `work` runs. */
    const probedDuring = async (work: () => Promise<void>) => {
      let running = true;
      const probes = Promise.all([
        probe(
          () => fetch(`${gateway.url}/healthz`),
          () => running,
        ),
        probe(
          () => {
            written += 1;
            return fetch(`${gateway.url}/v1/entries`, {
              method: 'POST',
              headers: {
                authorization: `Bearer ${gateway.keys['credit-writer'] ?? ''}`,
                'content-type': 'application/json',
              },
              body: JSON.stringify(creditChangeRequest(written)),
            });
          },
          () => running,
        ),
      ]);
      await work();
      running = false;
      const [health, writes] = await probes;
      return {
        health: health.latenciesMs,
        writes: writes.latenciesMs,
        failed: health.failed + writes.failed,
      };
    };

    // The same probes with no check running: what a check costs others is the difference.
    const idle = await probedDuring(() => new Promise((wait) => setTimeout(wait, 5000)));
    const durations: number[] = [];
    const reports: { complete: boolean; entries: number }[] = [];
    const checking = await probedDuring(async () => {
      for (let check = 0; check < checks; check += 1) {
        const started = performance.now();
        const response = await fetch(`${gateway.url}/v1/trails/verify?source=${source}`, {
          headers: { authorization: `Bearer ${gateway.keys.regulator ?? ''}` },
        });
        reports.push((await response.json()) as { complete: boolean; entries: number });
        durations.push(performance.now() - started);
      }
    });
    const complete = reports.every((report) => report.complete && report.entries === entries);
    durations.sort((a, b) => a - b);
    const ms = (value: number) => Math.round(value * 10) / 10;
    const latencies = (sorted: number[]) =>
      `p50 ${ms(percentile(sorted, 0.5))} ms, p99 ${ms(percentile(sorted, 0.99))} ms, max ${ms(sorted.at(-1) ?? NaN)} ms (${sorted.length})`;
    process.stdout.write(
      `trail of ${entries} entries, ${checks} checks: median ${ms(percentile(durations, 0.5))} ms` +
        ` (${complete ? 'complete' : 'NOT complete'})\n` +
        `/healthz       no check: ${latencies(idle.health)}\n` +
        `/healthz       checking: ${latencies(checking.health)}\n` +
        `single write   no check: ${latencies(idle.writes)}\n` +
        `single write   checking: ${latencies(checking.writes)}\n` +
        `probes failed: ${idle.failed} with no check, ${checking.failed} checking\n`,
    );
    process.stdout.write(
      `${JSON.stringify({
        entries,
        checkMs: Math.round(percentile(durations, 0.5)),
        complete,
        healthP99Ms: ms(percentile(checking.health, 0.99)),
        healthMaxMs: ms(checking.health.at(-1) ?? NaN),
        idleHealthP99Ms: ms(percentile(idle.health, 0.99)),
        writeP99Ms: ms(percentile(checking.writes, 0.99)),
        writeMaxMs: ms(checking.writes.at(-1) ?? NaN),
        idleWriteP99Ms: ms(percentile(idle.writes, 0.99)),
        probesFailed: checking.failed,
      })}\n`,
    );
    if (!complete) {
      process.exitCode = 1;
    }
  } finally {
    await stopGateway(gateway);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
