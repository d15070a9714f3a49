import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { EventFeed } from '../../gateway/src/events/event-feed.js';
import type { CommittedBlock, CommittedBlocks } from '../../gateway/src/ledger/committed-blocks.js';
import { readerOf } from '../../gateway/src/ledger/entry-day-counts.js';

let folder: string;
let feed: EventFeed;
/** Hands the feed its next block, as a ledger's follower would. */
let deliver: (block: CommittedBlock) => Promise<void>;

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'audit-feed-'));
  const blocks: CommittedBlocks = {
    readerOf: (principal) => Promise.resolve(readerOf('SandboxOrg', principal)),
    follow(_from, onBlock) {
      deliver = async (block) => {
        await onBlock(block);
      };
      return { stop: () => Promise.resolve() };
    },
    block: () => Promise.reject(new Error('no block is read again here')),
  };
  feed = new EventFeed({
    file: join(folder, 'events.sqlite'),
    blocks,
    rules: [],
    ruleSettings: { sequenceGapGraceMs: 60_000 },
    sweepIntervalMs: 60_000,
    logger: pino({ level: 'silent' }),
  });
  feed.start();
});

afterEach(async () => {
  await feed.close();
  await rm(folder, { recursive: true, force: true });
});

describe('waiting for the next change', () => {
  test('a change made while a reader was reading wakes it at once', async () => {
    const seen = feed.changesSoFar();
    // The reader reads (and may yield); a block is fed meanwhile.
    await deliver({ number: 0, entries: [] });
    const started = Date.now();
    await feed.changed(5_000, new AbortController().signal, seen);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  test('with no change since, it waits for the next one', async () => {
    const seen = feed.changesSoFar();
    const waiting = feed.changed(5_000, new AbortController().signal, seen);
    let woke = false;
    void waiting.then(() => {
      woke = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(woke).toBe(false);
    await deliver({ number: 0, entries: [] });
    await waiting;
    expect(woke).toBe(true);
  });
});
