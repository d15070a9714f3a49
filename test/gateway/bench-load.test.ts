/**
 * The load benchmark's own accounting, on a real gateway process: a warm-up runs on the same
 * gateway before the measured run and is reported apart, and every failed entry is counted by
 * the reason the gateway gave.
 */
import { describe, expect, test } from 'vitest';
import { measure } from '../../scripts/bench-load.js';

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
});
