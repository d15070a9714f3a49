/**
 * How far a read waits for the block index: to the chain height the followed peer reports, and
 * never short of the block of a write this gateway saw commit, which another peer may have
 * answered before the followed one holds it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Network } from '@hyperledger/fabric-gateway';
import { common } from '@hyperledger/fabric-protos';
import pino from 'pino';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { BlockFollower } from '../../gateway/src/fabric/block-follower.js';
import { BlockIndex } from '../../gateway/src/fabric/block-index.js';

let folder: string;
let index: BlockIndex;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'audit-block-follower-'));
  // An index of no blocks yet, as the followed peer reports its chain.
  index = new BlockIndex(join(folder, 'blocks.sqlite'));
});

afterAll(async () => {
  index.close();
  await rm(folder, { recursive: true, force: true });
});

/** A channel whose peer reports a chain of `height` blocks and delivers none. */
function channelOfHeight(height: number): () => Promise<Network> {
  const info = new common.BlockchainInfo();
  info.setHeight(height);
  const network = {
    getName: () => 'audit',
    getContract: () => ({
      newProposal: () => ({ evaluate: () => Promise.resolve(info.serializeBinary()) }),
    }),
  };
  return () => Promise.resolve(network as unknown as Network);
}

test('an index at the followed peer’s height is read to the chain', async () => {
  const follower = new BlockFollower(channelOfHeight(0), index, pino({ level: 'silent' }));

  expect(await follower.readToChainHeight(100)).toBe(true);
});

test('it is not, while it lacks the block a write of this gateway committed in', async () => {
  const follower = new BlockFollower(channelOfHeight(0), index, pino({ level: 'silent' }));

  expect(await follower.readToChainHeight(100, { atLeast: 1 })).toBe(false);
  expect(await follower.readToChainHeight(100, { atLeast: 1, whileCatchingUp: true })).toBe(false);
});

test('an index a few blocks behind the chain is not catching up; one far behind is', () => {
  const follower = new BlockFollower(channelOfHeight(0), index, pino({ level: 'silent' }));

  expect(follower.isCatchingUp(0)).toBe(false);
  expect(follower.isCatchingUp(3)).toBe(false);
  expect(follower.isCatchingUp(50)).toBe(true);
});
