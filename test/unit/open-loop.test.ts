/**
 * The benchmark's open loop starts requests at a fixed rate whatever the answers do, and times
 * each from when it was due: a server that answers one request at a time shows its queue in the
 * latencies, where a closed loop would have slowed down with it and hidden the wait.
 */
import { setTimeout as pause } from 'node:timers/promises';
import { describe, expect, test } from 'vitest';
import { openLoop } from '../../scripts/open-loop.js';
import { percentile } from '../../scripts/bench-figures.js';

describe('open-loop load', () => {
  test('starts every request at the arrival rate, without waiting for answers', async () => {
    const startedAt: number[] = [];
    const result = await openLoop({
      rate: 200,
      seconds: 0.5,
      send: async () => {
        startedAt.push(performance.now());
        await pause(100); // slower than the interval: requests overlap
        return true;
      },
    });
    expect(result).toMatchObject({ sent: 100, succeeded: 100, failed: 0 });
    // 100 requests over 0.5 s although each takes 100 ms: they did not wait for each other.
    const spread = (startedAt.at(-1) ?? 0) - (startedAt[0] ?? 0);
    expect(spread).toBeGreaterThan(400);
    expect(spread).toBeLessThan(2000); // one after another would take 10 s
    expect(percentile(result.latenciesMs, 0.5)).toBeGreaterThanOrEqual(99);
  });

  test('times each request from when it was due, so a queue behind a slow server shows', async () => {
    let busyUntil = 0;
    const result = await openLoop({
      rate: 100,
      seconds: 0.5,
      // One request at a time, 20 ms each: half the arrival rate it is offered.
      send: async () => {
        const begin = Math.max(performance.now(), busyUntil);
        busyUntil = begin + 20;
        await pause(busyUntil - performance.now());
        return true;
      },
    });
    expect(result.sent).toBe(50);
    // The last request waits behind ~49 × 20 ms of work less its own 490 ms delay: ~500 ms.
    expect(result.latenciesMs.at(-1)).toBeGreaterThan(400);
    // A closed loop would have reported ~20 ms for every one of them.
    expect(percentile(result.latenciesMs, 0.99)).toBeGreaterThan(20 * 10);
  });

  test('counts failures and refusals apart from successes', async () => {
    let calls = 0;
    const result = await openLoop({
      rate: 100,
      seconds: 0.2,
      send: () => {
        calls += 1;
        if (calls % 4 === 0) {
          return Promise.reject(new Error('connection reset'));
        }
        return Promise.resolve(calls % 2 === 1);
      },
    });
    expect(result).toMatchObject({ sent: 20, succeeded: 10, failed: 10 });
    expect(result.latenciesMs).toHaveLength(20);
  });
});
