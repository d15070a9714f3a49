/**
 * A block stream can stall: a peer that exits may leave a connection that reads as up, and a
 * stream on it that neither delivers nor ends, even when closed. Both followers of the channel
 * (the block index's and the event log's) reopen such a stream once a peer reports blocks it
 * has not delivered, wait on an idle chain without churning, and stop even while a stalled
 * stream never ends.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Network } from '@hyperledger/fabric-gateway';
import { common, peer } from '@hyperledger/fabric-protos';
import pino from 'pino';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { BlockFollower } from '../../gateway/src/fabric/block-follower.js';
import { BlockIndex } from '../../gateway/src/fabric/block-index.js';
import { FabricCommittedBlocks } from '../../gateway/src/fabric/fabric-committed-blocks.js';
import { envelope, fabricBlock, headerHashOf } from '../support/fabric-blocks.js';

const STALL_MS = 50;
const silent = pino({ level: 'silent' });

/** A chain of five blocks, each header chained to the one before. */
const chain: common.Block[] = [];
chain.push(fabricBlock(0, new Uint8Array(), [envelope(common.HeaderType.CONFIG, '')], [0]));
for (let number = 1; number < 5; number += 1) {
  const transaction = envelope(common.HeaderType.ENDORSER_TRANSACTION, `tx-${number}`);
  const previous = headerHashOf(chain[number - 1] ?? new common.Block());
  chain.push(fabricBlock(number, previous, [transaction], [peer.TxValidationCode.VALID]));
}

/** A block stream that hands over its blocks, then waits; `closable` says if closing ends it. */
function stream(blocks: common.Block[], closable: boolean) {
  let closed = false;
  return {
    close: () => {
      closed = true;
    },
    async *[Symbol.asyncIterator]() {
      yield* blocks;
      while (!(closable && closed)) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
  };
}

/**
 * A channel of `chain.length` blocks whose first stream stalls after `stallAfter` blocks (it
 * never ends, closed or not); every later stream delivers to the end of the chain.
 */
function channelStallingAfter(stallAfter: number) {
  const opened: number[] = [];
  const info = new common.BlockchainInfo();
  info.setHeight(chain.length);
  const network = {
    getName: () => 'audit',
    getContract: () => ({
      newProposal: () => ({ evaluate: () => Promise.resolve(info.serializeBinary()) }),
    }),
    getBlockEvents: ({ startBlock }: { startBlock: bigint }) => {
      const from = Number(startBlock);
      opened.push(from);
      return Promise.resolve(
        opened.length === 1
          ? stream(chain.slice(from, stallAfter), false)
          : stream(chain.slice(from), true),
      );
    },
  };
  return { network: () => Promise.resolve(network as unknown as Network), opened };
}

/** The channel's committed blocks as the event log follows them. */
function eventLogBlocks(network: () => Promise<Network>): FabricCommittedBlocks {
  return new FabricCommittedBlocks(
    network,
    'audit',
    'audit',
    () => Promise.reject(new Error('not asked in this test')),
    silent,
    { stallMs: STALL_MS },
  );
}

let folder: string;
let index: BlockIndex;

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'audit-stalled-stream-'));
  index = new BlockIndex(join(folder, 'blocks.sqlite'));
});

afterEach(async () => {
  index.close();
  await rm(folder, { recursive: true, force: true });
});

test('the block index reopens a stream that stalls while the chain is ahead of it', async () => {
  const { network, opened } = channelStallingAfter(3);
  const follower = new BlockFollower(network, index, silent, { stallMs: STALL_MS });

  follower.start();
  await vi.waitFor(
    () => {
      expect(index.readHeight()).toBe(chain.length);
    },
    { timeout: 5_000 },
  );
  await follower.stop();

  expect(opened).toEqual([0, 3]);
});

test('the block index waits on an idle chain, and stops while a stalled stream never ends', async () => {
  const { network, opened } = channelStallingAfter(chain.length);
  const follower = new BlockFollower(network, index, silent, { stallMs: STALL_MS });

  follower.start();
  await vi.waitFor(() => {
    expect(index.readHeight()).toBe(chain.length);
  });
  await new Promise((resolve) => setTimeout(resolve, STALL_MS * 4));
  await follower.stop();

  expect(opened).toEqual([0]);
});

test('stopping while it asks the chain’s height ends the wait at once, not a stall later', async () => {
  const stallMs = 1_000;
  const { network } = channelStallingAfter(chain.length);
  let stopping: Promise<void> | undefined;
  const follower: BlockFollower = new BlockFollower(network, index, silent, {
    stallMs,
    chainHeight: () => {
      stopping ??= follower.stop();
      return Promise.resolve(chain.length);
    },
  });

  follower.start();
  await vi.waitFor(
    () => {
      expect(stopping).toBeDefined();
    },
    { timeout: stallMs * 3 },
  );
  const stoppedInTime = await Promise.race([
    stopping?.then(() => true),
    new Promise((resolve) => {
      setTimeout(() => {
        resolve(false);
      }, stallMs / 2);
    }),
  ]);

  expect(stoppedInTime).toBe(true);
});

test('the event log reopens a stream that stalls while the chain is ahead of it', async () => {
  const { network, opened } = channelStallingAfter(2);
  const blocks = eventLogBlocks(network);
  const handled: number[] = [];

  const following = blocks.follow(0, ({ number }) => {
    handled.push(number);
  });
  await vi.waitFor(
    () => {
      expect(handled).toHaveLength(chain.length);
    },
    { timeout: 5_000 },
  );
  await following.stop();

  expect(handled).toEqual([0, 1, 2, 3, 4]);
  expect(opened).toEqual([0, 2]);
});

test('the event log stops while a stalled stream never ends', async () => {
  const { network } = channelStallingAfter(chain.length);
  const blocks = eventLogBlocks(network);
  const handled: number[] = [];

  const following = blocks.follow(0, ({ number }) => {
    handled.push(number);
  });
  await vi.waitFor(() => {
    expect(handled).toHaveLength(chain.length);
  });
  await following.stop();

  expect(handled).toEqual([0, 1, 2, 3, 4]);
});
