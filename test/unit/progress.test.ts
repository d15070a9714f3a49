import { describe, expect, test } from 'vitest';
import { progress } from '../../gateway/src/cli/progress.js';

function stream(isTTY: boolean) {
  const written: string[] = [];
  return { written, isTTY, columns: 100, write: (text: string) => written.push(text) };
}

describe('progress of long work', () => {
  test('on a terminal, one line redrawn in place at most every redrawMs, ended by finish', () => {
    let now = 0;
    const terminal = stream(true);
    const shown = progress(
      'checking',
      { unit: 'entries', redrawMs: 100, now: () => now },
      terminal,
    );
    for (const done of [10, 20, 30]) {
      now += 50;
      shown.update(done, 100);
    }
    shown.finish(100);

    expect(terminal.written.slice(0, -1).every((text) => text.startsWith('\r'))).toBe(true);
    expect(terminal.written[0]).toContain(
      '[#####-------------------] checking: 20 of 100 entries (20%)',
    );
    expect(terminal.written).toHaveLength(3);
    expect(terminal.written.at(-2)).toContain('checking: 100 of 100 entries (100%)');
    expect(terminal.written.at(-1)).toBe('\n');
  });

  test('elsewhere, a plain line every lineMs and a last line with the count', () => {
    let now = 0;
    const log = stream(false);
    const logged = progress('listing', { unit: 'entries', lineMs: 5000, now: () => now }, log);
    for (let second = 1; second <= 12; second += 1) {
      now = second * 1000;
      logged.update(second * 1000);
    }
    logged.finish(12_345, '3 pages');

    expect(log.written).toEqual([
      'listing: 5,000 entries\n',
      'listing: 10,000 entries\n',
      'listing: 12,345 entries, 3 pages\n',
    ]);
  });
});

test('one of a unit is named in the singular', () => {
  const log = stream(false);
  progress('checking the trail', { unit: 'entries', singular: 'entry' }, log).finish(1);
  progress('checking the trail', { unit: 'entries', singular: 'entry' }, log).finish(2);
  expect(log.written).toEqual(['checking the trail: 1 entry\n', 'checking the trail: 2 entries\n']);
});
