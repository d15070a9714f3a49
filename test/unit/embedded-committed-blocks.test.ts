import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, expect, test } from 'vitest';
import { EmbeddedCommittedBlocks } from '../../gateway/src/embedded/embedded-committed-blocks.js';
import { LedgerStore } from '../../gateway/src/embedded/ledger-store.js';

const notAsked = () => Promise.reject(new Error('not asked in this test'));

let folder: string | undefined;

afterEach(async () => {
  if (folder !== undefined) {
    await rm(folder, { recursive: true, force: true });
  }
});

test('a store closed under a follower is asked again, not a crash, and the follower still stops', async () => {
  folder = await mkdtemp(join(tmpdir(), 'audit-committed-blocks-'));
  const store = new LedgerStore(join(folder, 'ledger.sqlite'));
  const handed: number[] = [];
  const following = new EmbeddedCommittedBlocks(store, notAsked).follow(0, (block) => {
    handed.push(block.number);
  });
  await sleep(50);
  store.close();
  // Several polls of a closed store: before, the first one rejected with nobody listening.
  await sleep(100);
  await expect(following.stop()).resolves.toBeUndefined();
  expect(handed).toEqual([]);
});
