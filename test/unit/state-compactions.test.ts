/**
 * The growth benchmark's reading of the peers' state database LOGs: lines as goleveldb writes
 * them, appended while the benchmark runs.
 */
import { appendFile, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  StateCompactionLogs,
  compactionsIn,
  goDurationSeconds,
  peerStateLogs,
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
    expect(found.mergedBytes).toBe(78 * MIB + 19 * MIB + 512 * 1024);
    expect(found.seconds).toBeCloseTo(1.440069702 + 0.8505 + 0.000064, 9);
  });

  test('with no compaction in it is nothing', () => {
    expect(compactionsIn(lines.openedAt + lines.move)).toEqual({ mergedBytes: 0, seconds: 0 });
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
    expect(window.mergedBytes).toBe(19 * MIB + 78 * MIB);
    expect(window.seconds).toBeCloseTo(0.8505 + 1.440069702, 9);

    expect(await logs.sincePreviousRead()).toEqual({ mergedBytes: 0, seconds: 0 });
  });

  test('leave a line still being written to the next read', async () => {
    const log = join(folder, 'LOG');
    await writeFile(log, lines.openedAt);
    const logs = await StateCompactionLogs.from([log]);
    const [merge, committed] = lines.levelZero.split('\n');
    await appendFile(log, `${merge}\n${committed?.slice(0, 30)}`);
    expect(await logs.sincePreviousRead()).toEqual({ mergedBytes: 78 * MIB, seconds: 0 });

    await appendFile(log, `${committed?.slice(30)}\n`);
    const after = await logs.sincePreviousRead();
    expect(after.mergedBytes).toBe(0);
    expect(after.seconds).toBeCloseTo(1.440069702, 9);
  });

  test('finish the LOG a reopened database left, then read its new one from the start', async () => {
    const log = join(folder, 'LOG');
    await writeFile(log, lines.openedAt);
    const logs = await StateCompactionLogs.from([log]);
    // Written before the reopening and not yet read; then goleveldb renames the LOG and starts
    // another, here one longer than what was read of the first.
    await appendFile(log, lines.small);
    await rename(log, `${log}.old`);
    await writeFile(log, lines.openedAt + lines.openedAt + lines.levelZero + lines.levelOne);
    const across = await logs.sincePreviousRead();
    expect(across.mergedBytes).toBe(512 * 1024 + 78 * MIB + 19 * MIB);

    await appendFile(log, lines.small);
    expect((await logs.sincePreviousRead()).mergedBytes).toBe(512 * 1024);
  });
});

test("the peers' LOGs are those of the peers network/ recorded a pid for", async () => {
  const state = await mkdtemp(join(tmpdir(), 'state-compactions-'));
  try {
    await mkdir(join(state, 'pids'));
    for (const node of ['peer0.sandboxorg', 'peer0.creditorg', 'orderer1', 'chaincode.creditorg']) {
      await writeFile(join(state, 'pids', `${node}.pid`), '1');
    }
    expect((await peerStateLogs(state, join(state, 'pids'))).sort()).toEqual([
      join(state, 'nodes/peer0.creditorg/ledger/ledgersData/stateLeveldb/LOG'),
      join(state, 'nodes/peer0.sandboxorg/ledger/ledgersData/stateLeveldb/LOG'),
    ]);
  } finally {
    await rm(state, { recursive: true, force: true });
  }
});
