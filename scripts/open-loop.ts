import { setTimeout as pause } from 'node:timers/promises';

/**
 * Open-loop load: requests start at a fixed arrival rate whether or not earlier ones have been
 * answered, and each latency runs from the moment its request was due, not from when it was
 * sent. A closed loop (each client waits for its answer before sending the next) slows down
 * with the system it measures and leaves out the waiting that a slow answer imposes on the
 * requests behind it (coordinated omission); this does not.
 */

export interface OpenLoopResult {
  /** Requests started: the rate times the duration. */
  sent: number;
  succeeded: number;
  failed: number;
  /** Each answered request's latency from its due time, in ms, sorted. */
  latenciesMs: number[];
  /** From the first due time to the last answer, in s. */
  seconds: number;
}

export async function openLoop(options: {
  /** Requests per second. */
  rate: number;
  seconds: number;
  /** Sends one request; resolves true when it succeeded. */
  send: () => Promise<boolean>;
}): Promise<OpenLoopResult> {
  const { rate, seconds, send } = options;
  const total = Math.round(rate * seconds);
  const intervalMs = 1000 / rate;
  const start = performance.now();
  const latenciesMs: number[] = [];
  const answers: Promise<void>[] = [];
  let succeeded = 0;
  let failed = 0;
  let started = 0;
  while (started < total) {
    // Every request due by now starts now, however many that is after a stall.
    const due = Math.min(total, Math.floor((performance.now() - start) / intervalMs) + 1);
    for (; started < due; started += 1) {
      const dueAt = start + started * intervalMs;
      answers.push(
        send().then(
          (ok) => {
            latenciesMs.push(performance.now() - dueAt);
            if (ok) {
              succeeded += 1;
            } else {
              failed += 1;
            }
          },
          () => {
            latenciesMs.push(performance.now() - dueAt);
            failed += 1;
          },
        ),
      );
    }
    const nextDue = start + started * intervalMs;
    await pause(Math.max(0, nextDue - performance.now()));
  }
  await Promise.all(answers);
  return {
    sent: total,
    succeeded,
    failed,
    latenciesMs: latenciesMs.sort((a, b) => a - b),
    seconds: (performance.now() - start) / 1000,
  };
}
