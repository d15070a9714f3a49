/** Where progress is written: a terminal gets a redrawn bar, anything else periodic lines. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface Progress {
  /** `done` so far (of `total`, when the work knows it), and anything else worth showing. */
  update(done: number, total?: number, note?: string): void;
  /** Prints the final count and ends the line. */
  finish(done: number, summary?: string): void;
}

export interface ProgressOptions {
  /** Units counted, e.g. "entries", and one of them ("entry") where it differs. */
  unit: string;
  singular?: string;
  /** Between redraws on a terminal. */
  redrawMs?: number;
  /** Between lines when not on a terminal (a log, CI). */
  lineMs?: number;
  now?: () => number;
}

const BAR_WIDTH = 24;
const count = (value: number) => value.toLocaleString('en-US');

function describe(
  label: string,
  options: ProgressOptions,
  done: number,
  total: number | undefined,
): string {
  const measured = total === undefined || total <= 0 ? done : total;
  const unit = measured === 1 ? (options.singular ?? options.unit) : options.unit;
  if (total === undefined || total <= 0) {
    return `${label}: ${count(done)} ${unit}`;
  }
  const percent = Math.min(100, Math.floor((done / total) * 100));
  return `${label}: ${count(done)} of ${count(total)} ${unit} (${percent}%)`;
}

function bar(done: number, total: number | undefined): string {
  if (total === undefined || total <= 0) {
    return '';
  }
  const filled = Math.min(BAR_WIDTH, Math.round((done / total) * BAR_WIDTH));
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] `;
}

/**
 * Progress of long work, on stderr so that stdout stays the answer: on a terminal one line
 * redrawn in place at most every `redrawMs`; elsewhere a plain line every `lineMs`, which a
 * log or a CI console keeps readable.
 */
export function progress(
  label: string,
  options: ProgressOptions,
  stream: ProgressStream = process.stderr,
): Progress {
  const now = options.now ?? Date.now;
  const onTerminal = stream.isTTY === true;
  const interval = onTerminal ? (options.redrawMs ?? 100) : (options.lineMs ?? 5000);
  let last = now();
  let total: number | undefined;
  let drawn = false;
  const draw = (text: string) => {
    const width = Math.max(20, (stream.columns ?? 80) - 1);
    stream.write(`\r${text.slice(0, width).padEnd(width)}`);
    drawn = true;
  };
  return {
    update(done, newTotal, note) {
      total = newTotal ?? total;
      if (now() - last < interval) {
        return;
      }
      last = now();
      const text = `${describe(label, options, done, total)}${note === undefined ? '' : `, ${note}`}`;
      if (onTerminal) {
        draw(`${bar(done, total)}${text}`);
      } else {
        stream.write(`${text}\n`);
      }
    },
    finish(done, summary) {
      const text = `${describe(label, options, done, total)}${summary === undefined ? '' : `, ${summary}`}`;
      if (onTerminal && drawn) {
        draw(text);
        stream.write('\n');
      } else {
        stream.write(`${text}\n`);
      }
    },
  };
}
