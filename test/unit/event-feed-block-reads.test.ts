/**
 * Events whose bodies were dropped are read again from their blocks: a page reads each block it
 * needs once, and readers catching up at the same time share one read of a block.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { DEFAULT_RULE_SETTINGS } from '../../gateway/src/compliance/rule.js';
import { EventFeed } from '../../gateway/src/events/event-feed.js';
import type { Caller } from '../../chaincode/src/index.js';
import type { CommittedBlock, CommittedBlocks } from '../../gateway/src/ledger/committed-blocks.js';
import { readerOf } from '../../gateway/src/ledger/entry-day-counts.js';
import type { Principal } from '../../gateway/src/ledger/ledger.js';

const BLOCKS = 8;
const ENTRIES_PER_BLOCK = 50;
const EVERYONE = { everyOrganization: true } as const;

function blockAt(number: number): CommittedBlock {
  return {
    number,
    entries: Array.from({ length: ENTRIES_PER_BLOCK }, (_unused, index) => {
      const entry = {
        id: `entry-${number}-${index}`,
        kind: 'data-access',
        stream: 'dataset:city/traffic',
        source: 'SandboxOrg/sandbox-platform',
        submitter: { mspId: 'SandboxOrg' },
        committedAt: '2026-01-01T00:00:00.000000000Z',
        payload: { block: number, index },
      };
      return { entry, stored: JSON.stringify(entry) } as unknown as CommittedBlock['entries'][0];
    }),
  };
}

/** Every block of a short chain, and a count of each block read again. */
class CountingBlocks implements CommittedBlocks {
  readonly reads = new Map<number, number>();

  readerOf(principal: Principal): Promise<Caller> {
    return Promise.resolve(readerOf('SandboxOrg', principal));
  }

  follow(from: number, onBlock: (block: CommittedBlock) => Promise<void> | void) {
    const fed = (async () => {
      for (let number = from; number < BLOCKS; number += 1) {
        await onBlock(blockAt(number));
      }
    })();
    return { stop: () => fed };
  }

  async block(number: number): Promise<CommittedBlock> {
    this.reads.set(number, (this.reads.get(number) ?? 0) + 1);
    // A peer's answer takes a while: readers interleave meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 5));
    return blockAt(number);
  }

  total(): number {
    return [...this.reads.values()].reduce((sum, count) => sum + count, 0);
  }
}

let folder: string;
let blocks: CountingBlocks;
let feed: EventFeed;

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'event-feed-reads-'));
  blocks = new CountingBlocks();
  feed = new EventFeed({
    file: join(folder, 'events.db'),
    blocks,
    rules: [],
    ruleSettings: DEFAULT_RULE_SETTINGS,
    sweepIntervalMs: 60_000,
    keepDays: 0,
    logger: pino({ level: 'silent' }),
  });
  feed.start();
  // Every block logged, and every body dropped: each event is read again from its block.
  const deadline = Date.now() + 10_000;
  while (
    (feed.log.height() < BLOCKS || feed.log.after(undefined, {}, EVERYONE, 1)[0]?.json) &&
    Date.now() < deadline
  ) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(feed.log.height()).toBe(BLOCKS);
});

afterEach(async () => {
  await feed.close();
  await rm(folder, { recursive: true, force: true });
});

test('a page reads each block it needs once', async () => {
  const page = await feed.eventsAfter('entries', undefined, {}, EVERYONE, 3 * ENTRIES_PER_BLOCK);
  expect(page).toHaveLength(3 * ENTRIES_PER_BLOCK);
  expect(JSON.parse(page.at(-1)?.json ?? '{}')).toMatchObject({ id: 'entry-2-49', blockNumber: 2 });
  expect(Object.fromEntries(blocks.reads)).toEqual({ 0: 1, 1: 1, 2: 1 });
});

test('readers catching up together share the reads of the blocks they need', async () => {
  const starts = [undefined, undefined, '2.9', '2.9', '5.0', '5.0'];
  const pages = await Promise.all(
    starts.map((after) => feed.eventsAfter('entries', after, {}, EVERYONE, ENTRIES_PER_BLOCK)),
  );
  expect(pages.map((page) => page.length)).toEqual(starts.map(() => ENTRIES_PER_BLOCK));
  // Blocks 0, 2, 3, 5 and 6, each once, although six readers needed them.
  expect(Object.fromEntries(blocks.reads)).toEqual({ 0: 1, 2: 1, 3: 1, 5: 1, 6: 1 });
  expect(blocks.total()).toBe(5);
});
