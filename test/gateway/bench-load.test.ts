/**
 * The load benchmark's own accounting, on a real gateway process: a warm-up runs on the same
 * gateway before the measured run and is reported apart, and every failed entry is counted by
 * the reason the gateway gave.
 */
import { setTimeout as pause } from 'node:timers/promises';
import { describe, expect, test } from 'vitest';
import { sampleEntry } from '../../scripts/bench-figures.js';
import { startGateway, stopGateway, type Gateway } from '../../scripts/bench-gateway.js';
import { admitSampleTeam, load, measure } from '../../scripts/bench-load.js';

/** Polls the findings a writer sees until there are some; fails after 30 s. */
async function firstFindings(gateway: Gateway): Promise<{ entry: { id: string } }[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const response = await fetch(`${gateway.url}/v1/findings`, {
      headers: { authorization: `Bearer ${gateway.keys['sandbox-writer'] ?? ''}` },
    });
    const { items } = (await response.json()) as { items: { entry: { id: string } }[] };
    if (items.length > 0 || Date.now() > deadline) {
      return items;
    }
    await pause(100);
  }
}

describe('the load benchmark', () => {
  test('warms the gateway up before the measured run and keeps the two apart', async () => {
    const run = await measure('single', {}, 'single', {
      seconds: 1,
      clients: 4,
      batchSize: 1,
      warmUpSeconds: 1,
    });
    expect(run.warmUp?.entries).toBeGreaterThan(0);
    expect(run.entries).toBeGreaterThan(0);
    expect(run.latenciesMs).toHaveLength(run.entries);
    expect(run).toMatchObject({ errors: 0, errorReasons: {} });
    // Asynchronous writes after a warm-up: what the warm-up committed is not this run's.
    const async = await measure('async', {}, 'async', {
      seconds: 1,
      clients: 4,
      batchSize: 1,
      warmUpSeconds: 1,
    });
    expect(async.entries).toBeGreaterThan(0);
    expect(async).toMatchObject({ errors: 0, errorReasons: {} });
  }, 60_000);

  test('counts each failed entry under the error the gateway answered', async () => {
    // More entries than one batch may carry: the gateway refuses each request whole.
    const run = await measure('batch', {}, 'batch', { seconds: 1, clients: 1, batchSize: 1001 });
    expect(run.entries).toBe(0);
    expect(run.errors).toBeGreaterThan(0);
    expect(run.errorReasons).toEqual({ '400 INVALID_ENTRY': run.errors });
    expect(run.errors % 1001).toBe(0);
  }, 60_000);

  test('drives the load as an admitted team, so the compliance rules find nothing', async () => {
    const gateway = await startGateway({});
    try {
      await admitSampleTeam(gateway);
      const run = await load(gateway, 'batch', 'batch', { seconds: 1, clients: 1, batchSize: 50 });
      expect(run.entries).toBeGreaterThan(0);
      // An access by a team never admitted is a finding; the rules judge entries in ledger order,
      // so once it is found every sample entry before it has been judged.
      const outsider = sampleEntry();
      outsider.payload.actor.team = 'never-admitted';
      const written = await fetch(`${gateway.url}/v1/entries`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${gateway.keys['sandbox-writer'] ?? ''}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(outsider),
      });
      expect(written.status).toBe(201);
      const { id } = (await written.json()) as { id: string };
      const findings = await firstFindings(gateway);
      expect(findings.map((finding) => finding.entry.id)).toEqual([id]);
    } finally {
      await stopGateway(gateway);
    }
  }, 60_000);
});
