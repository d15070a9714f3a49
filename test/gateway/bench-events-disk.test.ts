/**
 * The events database benchmark, run as its command runs it (two real gateway processes): a
 * gateway that keeps no body keeps each entry's row and nothing of its body.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';

const BENCHMARK = resolve(__dirname, '../../scripts/dist/bench-events-disk.js');

interface Measured {
  keepDays: number;
  entries: number;
  bytesPerEntry: Record<string, number>;
}

test('a week of bodies is kept beside the rows; with none kept, only the rows stay', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [BENCHMARK, '--entries', '1000'], {
    timeout: 120_000,
  });
  const [week, none] = stdout
    .trim()
    .split('\n')
    .slice(-2)
    .map((line) => JSON.parse(line) as Measured);
  expect(week).toMatchObject({ keepDays: 7, entries: 1000 });
  expect(none).toMatchObject({ keepDays: 0, entries: 1000 });
  const rows = week?.bytesPerEntry.entry_events ?? 0;
  expect(rows).toBeGreaterThan(50);
  expect(week?.bytesPerEntry.entry_bodies).toBeGreaterThan(5 * rows);
  // Nothing left of the bodies but their table's root page (4 KiB over the 1,000 entries).
  expect((none?.bytesPerEntry.entry_bodies ?? 0) * 1000).toBeLessThanOrEqual(4096);
  expect(Math.abs((none?.bytesPerEntry.entry_events ?? 0) - rows)).toBeLessThanOrEqual(rows / 20);
}, 150_000);
