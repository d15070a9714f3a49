import type { CloseableAsyncIterable } from '@hyperledger/fabric-gateway';

/**
 * How long a block stream may deliver nothing while a peer holds blocks it has not delivered.
 * Blocks are cut every 2 s at most while there is traffic; ten seconds without one, with the
 * chain ahead, is a stream that is not coming back.
 */
export const STALL_MS = 10_000;

/** A block stream that delivered nothing for a while although the chain is ahead of it. */
class StalledStreamError extends Error {}

export interface StallOptions {
  /**
   * The highest chain height a peer reports, or undefined when none answers. Defaults to the
   * height of the peer the stream comes from.
   */
  chainHeight?: () => Promise<number | undefined>;
  /** See STALL_MS. */
  stallMs?: number;
}

export interface StallWatch extends Required<StallOptions> {
  /** The block the stream should deliver next. */
  nextBlock: () => number;
  /** Ends the iteration, delivered or not: a stalled stream may not end when closed. */
  signal: AbortSignal;
}

/**
 * `events` as they come, until the stream stalls: nothing delivered for `stallMs` while a peer
 * reports blocks beyond `nextBlock()`, which ends it with a StalledStreamError. A peer that exits
 * can leave behind a connection that still reads as up and a stream on it that neither delivers
 * nor ends; waiting on such a stream would stop following the chain for good. An idle chain, or
 * one no peer answers for, is waited on. The stream is closed however the iteration ends.
 */
export async function* untilStalled<T>(
  events: CloseableAsyncIterable<T>,
  watch: StallWatch,
): AsyncGenerator<T, void, undefined> {
  const iterator = events[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = iterator.next();
      let delivered = await within(next, watch.stallMs, watch.signal);
      while (delivered === undefined) {
        if (watch.signal.aborted) {
          abandon(next);
          return;
        }
        const height = await watch.chainHeight();
        const expected = watch.nextBlock();
        if (height !== undefined && height > expected) {
          abandon(next);
          throw new StalledStreamError(
            `the block stream delivered nothing for ${watch.stallMs / 1000} s while a peer holds ` +
              `${height} blocks; reopening it from block ${expected}`,
          );
        }
        delivered = await within(next, watch.stallMs, watch.signal);
      }
      if (delivered.done === true) {
        return;
      }
      yield delivered.value;
    }
  } finally {
    events.close();
  }
}

/** A read nobody waits for any more: the closed stream may still settle it, unheard. */
function abandon(read: Promise<unknown>): void {
  read.catch(() => undefined);
}

/**
 * What `promise` settles to within `ms`, or undefined when it has not by then or `signal` is
 * aborted first.
 */
async function within<T>(
  promise: Promise<T>,
  ms: number,
  signal: AbortSignal,
): Promise<T | undefined> {
  if (signal.aborted) {
    return undefined;
  }
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<undefined>((resolve) => {
        onAbort = () => {
          resolve(undefined);
        };
        timer = setTimeout(onAbort, ms);
        signal.addEventListener('abort', onAbort);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (onAbort !== undefined) {
      signal.removeEventListener('abort', onAbort);
    }
  }
}
