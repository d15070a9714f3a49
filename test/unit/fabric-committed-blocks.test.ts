/**
 * Following Fabric's committed blocks stops when asked, even with blocks already delivered and
 * waiting: a gateway that closes while its event log catches up closes at once, and resumes
 * from its checkpoint when it starts again.
 */
import type { Network } from '@hyperledger/fabric-gateway';
import { common } from '@hyperledger/fabric-protos';
import pino from 'pino';
import { expect, test } from 'vitest';
import { FabricCommittedBlocks } from '../../gateway/src/fabric/fabric-committed-blocks.js';

function block(number: number): common.Block {
  const header = new common.BlockHeader();
  header.setNumber(number);
  const made = new common.Block();
  made.setHeader(header);
  return made;
}

/** A channel that delivers `count` blocks at once, then waits for more until closed. */
function channelDelivering(count: number): () => Promise<Network> {
  const network = {
    getBlockEvents: () => {
      let closed = false;
      return Promise.resolve({
        close: () => {
          closed = true;
        },
        async *[Symbol.asyncIterator]() {
          for (let number = 0; number < count; number += 1) {
            yield block(number);
          }
          while (!closed) {
            await new Promise((resolve) => setTimeout(resolve, 10));
          }
        },
      });
    },
  };
  return () => Promise.resolve(network as unknown as Network);
}

test('a follower stopped while handling a block hands over no further block', async () => {
  const blocks = new FabricCommittedBlocks(
    channelDelivering(50),
    'audit',
    'audit',
    () => Promise.reject(new Error('not asked in this test')),
    pino({ level: 'silent' }),
  );
  const handled: number[] = [];
  let stopping: Promise<void> | undefined;
  const stoppedWhileHandling = new Promise<void>((stoppedAt) => {
    const following = blocks.follow(0, async ({ number }) => {
      handled.push(number);
      if (number === 2) {
        // Stopped while this block is handled: a slow block, as the event log's can be.
        stopping = following.stop();
        stoppedAt();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    });
  });

  await stoppedWhileHandling;
  await stopping;

  expect(handled).toEqual([0, 1, 2]);
});
