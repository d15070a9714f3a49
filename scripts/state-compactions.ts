import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { peerName } from '#network/topology';

/**
 * What the peers' state databases spent compacting while a benchmark ran. Fabric keeps world
 * state in goleveldb, which writes a line to its `LOG` for every table compaction: the tables
 * merged and their size (`table@compaction L0·1 -> L1·38 S·78MiB Q·830506`), then how long the
 * merge took (`table@compaction committed F~ S+164KiB Ke·0 D·4 T·1.440069702s`). Marking each
 * LOG's length before a window and reading what it gained after gives that window's compactions.
 */

export interface StateCompactions {
  /** How many compactions merged tables (moves of a whole table to the next level aside). */
  merges: number;
  /** The size of the tables merged, as the LOG states it: in whole units, so a lower bound. */
  mergedBytes: number;
  /** Time the compactions took, summed over them. */
  seconds: number;
}

const UNIT_BYTES: Record<string, number> = { B: 1, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30 };
const DURATION_SECONDS: Record<string, number> = {
  h: 3600,
  m: 60,
  s: 1,
  ms: 1e-3,
  µs: 1e-6,
  ns: 1e-9,
};

/** Seconds in a Go duration as `time.Duration.String` writes it: `1m2.5s`, `850.3ms`, `12µs`. */
export function goDurationSeconds(text: string): number {
  let seconds = 0;
  for (const [, amount, unit] of text.matchAll(/([\d.]+)(h|ms|µs|ns|m|s)/g)) {
    seconds += Number(amount) * (DURATION_SECONDS[unit ?? ''] ?? NaN);
  }
  return seconds;
}

/** The compactions a stretch of a goleveldb LOG records. */
export function compactionsIn(log: string): StateCompactions {
  const found: StateCompactions = { merges: 0, mergedBytes: 0, seconds: 0 };
  for (const line of log.split('\n')) {
    const merge = /table@compaction L\d+·\d+ -> L\d+·\d+ S·(\d+)(B|KiB|MiB|GiB) /.exec(line);
    if (merge !== null) {
      found.merges += 1;
      found.mergedBytes += Number(merge[1]) * (UNIT_BYTES[merge[2] ?? ''] ?? NaN);
      continue;
    }
    const committed = /table@compaction committed .* T·(\S+)$/.exec(line);
    if (committed !== null) {
      found.seconds += goDurationSeconds(committed[1] ?? '');
    }
  }
  return found;
}

/** Where a peer started by network/ keeps its state database's LOG. */
export function stateLogPath(networkState: string, mspId: string): string {
  return join(
    networkState,
    'nodes',
    peerName(mspId),
    'ledger',
    'ledgersData',
    'stateLeveldb',
    'LOG',
  );
}

/**
 * The peers' state database LOGs, read a stretch at a time: each read counts the compactions
 * recorded since the previous one (the first, since the logs were opened), whole lines only, so
 * that a line being written as one read ends is counted by the next.
 */
export class StateCompactionLogs {
  private constructor(private readonly readUpTo: Map<string, number>) {}

  static async from(paths: readonly string[]): Promise<StateCompactionLogs> {
    const marks = new Map<string, number>();
    for (const path of paths) {
      marks.set(path, (await stat(path)).size);
    }
    return new StateCompactionLogs(marks);
  }

  /**
   * The compactions every LOG recorded since the previous read, summed. A LOG shorter than what
   * was read of it was started afresh (goleveldb renames the old one when the database reopens),
   * and is read from its start.
   */
  async sincePreviousRead(): Promise<StateCompactions> {
    const total: StateCompactions = { merges: 0, mergedBytes: 0, seconds: 0 };
    for (const [path, readUpTo] of this.readUpTo) {
      const file = await open(path);
      try {
        const { size } = await file.stat();
        const from = size < readUpTo ? 0 : readUpTo;
        const gained = Buffer.alloc(size - from);
        await file.read(gained, 0, gained.length, from);
        const wholeLines = gained.subarray(0, gained.lastIndexOf('\n') + 1);
        this.readUpTo.set(path, from + wholeLines.length);
        const found = compactionsIn(wholeLines.toString('utf8'));
        total.merges += found.merges;
        total.mergedBytes += found.mergedBytes;
        total.seconds += found.seconds;
      } finally {
        await file.close();
      }
    }
    return total;
  }
}
