/**
 * The growth benchmark's reading of the peers' state database LOGs: lines as goleveldb writes
 * them, appended while the benchmark runs.
 */
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  StateCompactionLogs,
  compactionsIn,
  goDurationSeconds,
  stateLogPath,
} from '../../scripts/state-compactions.js';

const MIB = 2 ** 20;

const lines = {
  openedAt:
    '=============== Dec  7, 2026 (UTC) ===============\n05:02:00.000001 log@legend F·NumFile S·FileSize N·Entry C·BadEntry B·BadBlock Ke·KeyError D·DroppedEntry L·Level Q·SeqNum T·TimeElapsed\n',
  levelZero:
    '05:05:22.208054 table@compaction L0·1 -> L1·38 S·78MiB Q·830506\n05:05:23.648143 table@compaction committed F~ S+164KiB Ke·0 D·4 T·1.440069702s\n',
  move: '05:05:23.648309 table@move L1@2325 -> L2\n',
  levelOne:
    '05:05:30.100000 table@compaction L1·1 -> L2·9 S·19MiB Q·867965\n05:05:30.950000 table@compaction committed F+1 S-2MiB Ke·0 D·0 T·850.5ms\n',
  small:
    '05:02:14.335737 table@compaction L0·1 -> L1·1 S·512KiB Q·16803\n05:02:14.400000 table@compaction committed F~ S-1KiB Ke·0 D·0 T·64µs\n',
};

describe('a stretch of a LOG', () => {
  test('counts each merge with its size and the time it took, and no move', () => {
    const found = compactionsIn(lines.levelZero + lines.move + lines.levelOne + lines.small);
    expect(found.merges).toBe(3);
    expect(found.mergedBytes).toBe(78 * MIB + 19 * MIB + 512 * 1024);
    expect(found.seconds).toBeCloseTo(1.440069702 + 0.8505 + 0.000064, 9);
  });

  test('with no compaction in it is nothing', () => {
    expect(compactionsIn(lines.openedAt + lines.move)).toEqual({
      merges: 0,
      mergedBytes: 0,
      seconds: 0,
    });
  });

  test('Go durations in every unit Go writes them', () => {
    expect(goDurationSeconds('1m2.5s')).toBe(62.5);
    expect(goDurationSeconds('1h0m0s')).toBe(3600);
    expect(goDurationSeconds('850.5ms')).toBeCloseTo(0.8505, 9);
    expect(goDurationSeconds('64µs')).toBeCloseTo(0.000064, 9);
    expect(goDurationSeconds('300ns')).toBeCloseTo(3e-7, 12);
  });
});

describe('the peers’ LOGs read window after window', () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'state-compactions-'));
  });
  afterEach(() => rm(folder, { recursive: true, force: true }));

  test('count what was written since the previous read, in every LOG, summed', async () => {
    const first = join(folder, 'first.LOG');
    const second = join(folder, 'second.LOG');
    await writeFile(first, lines.openedAt + lines.levelZero);
    await writeFile(second, lines.openedAt);
    const logs = await StateCompactionLogs.from([first, second]);

    await appendFile(first, lines.levelOne);
    await appendFile(second, lines.levelZero);
    const window = await logs.sincePreviousRead();
    expect(window.merges).toBe(2);
    expect(window.mergedBytes).toBe(19 * MIB + 78 * MIB);

    expect((await logs.sincePreviousRead()).merges).toBe(0);
  });

  test('leave a line still being written to the next read', async () => {
    const log = join(folder, 'LOG');
    await writeFile(log, lines.openedAt);
    const logs = await StateCompactionLogs.from([log]);
    const [merge, committed] = lines.levelZero.split('\n');
    await appendFile(log, `${merge}\n${committed?.slice(0, 30)}`);
    const before = await logs.sincePreviousRead();
    expect(before.merges).toBe(1);
    expect(before.seconds).toBe(0);

    await appendFile(log, `${committed?.slice(30)}\n`);
    expect((await logs.sincePreviousRead()).seconds).toBeCloseTo(1.440069702, 9);
  });

  test('read a LOG started afresh from its start', async () => {
    const log = join(folder, 'LOG');
    await writeFile(log, lines.openedAt + lines.levelZero + lines.levelOne);
    const logs = await StateCompactionLogs.from([log]);
    await writeFile(log, lines.openedAt + lines.small);
    const afterReopening = await logs.sincePreviousRead();
    expect(afterReopening.merges).toBe(1);
    expect(afterReopening.mergedBytes).toBe(512 * 1024);
  });
});

test("a peer's state LOG is where network/ keeps its ledger", () => {
  expect(stateLogPath('/state', 'SandboxOrg')).toBe(
    '/state/nodes/peer0.sandboxorg/ledger/ledgersData/stateLeveldb/LOG',
  );
});
