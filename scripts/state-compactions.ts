import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import { basename, join } from 'node:path';

/**
 * What the peers' state databases spent compacting while a benchmark ran. Fabric keeps world
 * state in goleveldb, which writes a line to its `LOG` for every table compaction: the tables
 * merged and their size (`table@compaction L0·1 -> L1·38 S·78MiB Q·830506`), then how long the
 * merge took (`table@compaction committed F~ S+164KiB Ke·0 D·4 T·1.440069702s`). Reading what
 * each LOG gained since the previous read gives the compactions in between.
 */

export interface StateCompactions {
  /**
   * The size of the tables merged, as the LOG states it. goleveldb writes sizes in whole units
   * (`1MiB` for anything from 1 to 2 MiB), so this is a lower bound.
   */
  mergedBytes: number;
  /** Time the merges took, summed over them. */
  seconds: number;
}

const UNIT_BYTES = { B: 1, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30 } as const;
const DURATION_SECONDS = { h: 3600, m: 60, s: 1, ms: 1e-3, µs: 1e-6, ns: 1e-9 } as const;

/** Seconds in a Go duration as `time.Duration.String` writes it: `1m2.5s`, `850.3ms`, `12µs`. */
export function goDurationSeconds(text: string): number {
  let seconds = 0;
  for (const [, amount, unit] of text.matchAll(/([\d.]+)(h|ms|µs|ns|m|s)/g)) {
    // The pattern admits only the units the table names.
    seconds += Number(amount) * DURATION_SECONDS[unit as keyof typeof DURATION_SECONDS];
  }
  return seconds;
}

/** The compactions a stretch of a goleveldb LOG records (moves of a whole table merge nothing). */
export function compactionsIn(log: string): StateCompactions {
  const found: StateCompactions = { mergedBytes: 0, seconds: 0 };
  for (const line of log.split('\n')) {
    const merge = /table@compaction L\d+·\d+ -> L\d+·\d+ S·(\d+)(B|KiB|MiB|GiB) /.exec(line);
    if (merge !== null) {
      found.mergedBytes += Number(merge[1]) * UNIT_BYTES[merge[2] as keyof typeof UNIT_BYTES];
      continue;
    }
    const committed = /table@compaction committed .* T·(\S+)$/.exec(line);
    if (committed !== null) {
      found.seconds += goDurationSeconds(committed[1] ?? '');
    }
  }
  return found;
}

/**
 * The state database LOG of every peer whose pid network/ recorded in `pidDir`: the peers whose
 * CPU the benchmarks sample from the same files. A peer's node name starts with `peer`.
 */
export async function peerStateLogs(networkState: string, pidDir: string): Promise<string[]> {
  return (await readdir(pidDir))
    .map((file) => basename(file, '.pid'))
    .filter((node) => node.startsWith('peer'))
    .map((node) =>
      join(networkState, 'nodes', node, 'ledger', 'ledgersData', 'stateLeveldb', 'LOG'),
    );
}

interface ReadSoFar {
  /** The LOG file read so far: goleveldb renames it to LOG.old when the database reopens. */
  inode: number;
  bytes: number;
}

/**
 * The peers' state database LOGs, read a stretch at a time: each read counts the compactions
 * recorded since the previous one (the first, since the logs were opened), whole lines only, so
 * that a line being written as one read ends is counted by the next.
 */
export class StateCompactionLogs {
  private constructor(private readonly readSoFar: Map<string, ReadSoFar>) {}

  static async from(paths: readonly string[]): Promise<StateCompactionLogs> {
    const marks = new Map<string, ReadSoFar>();
    for (const path of paths) {
      const { ino, size } = await stat(path);
      marks.set(path, { inode: ino, bytes: size });
    }
    return new StateCompactionLogs(marks);
  }

  /**
   * The compactions every LOG recorded since the previous read, summed. When a peer reopened
   * its database in between, the rest of the LOG it left (now LOG.old) is read, then the new
   * LOG from its start.
   */
  async sincePreviousRead(): Promise<StateCompactions> {
    const total: StateCompactions = { mergedBytes: 0, seconds: 0 };
    const add = (text: string) => {
      const found = compactionsIn(text);
      total.mergedBytes += found.mergedBytes;
      total.seconds += found.seconds;
    };
    for (const [path, read] of this.readSoFar) {
      const current = await linesSince(await open(path), read);
      if (current.readSoFar.inode !== read.inode) {
        const previous = await open(`${path}.old`).catch(() => undefined);
        const left = previous === undefined ? undefined : await linesSince(previous, read);
        // Only the file read so far has its rest there; anything else was never read from.
        if (left?.readSoFar.inode === read.inode) {
          add(left.text);
        }
      }
      add(current.text);
      this.readSoFar.set(path, current.readSoFar);
    }
    return total;
  }
}

/**
 * The whole lines `file` gained since `read` (all of them when it is another file than the one
 * `read` names), and how far it is read then. Closes the file.
 */
async function linesSince(
  file: FileHandle,
  read: ReadSoFar,
): Promise<{ text: string; readSoFar: ReadSoFar }> {
  try {
    const { ino, size } = await file.stat();
    const from = ino === read.inode ? read.bytes : 0;
    const gained = Buffer.alloc(Math.max(0, size - from));
    await file.read(gained, 0, gained.length, from);
    const whole = gained.subarray(0, gained.lastIndexOf('\n') + 1);
    return {
      text: whole.toString('utf8'),
      readSoFar: { inode: ino, bytes: from + whole.length },
    };
  } finally {
    await file.close();
  }
}
