import type { Network } from '@hyperledger/fabric-gateway';
import { common } from '@hyperledger/fabric-protos';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Caller } from '@audit-ledger/chaincode';
import { QUERY_CHAINCODE } from '@audit-ledger/verifier';
import type { BlockFollowing, CommittedBlock, CommittedBlocks } from '../ledger/committed-blocks';
import type { Principal } from '../ledger/ledger';
import { entriesCommittedBy } from './block-entries';
import { withStallDefaults } from './block-follower';
import { untilStalled, type StallOptions } from './stalled-stream';

/** Before the channel's blocks are asked for again after a failure. */
const RETRY_MS = 1_000;

/** The entries `chaincode` recorded in a block, in block order. */
export function committedBlockOf(block: common.Block, chaincode: string): CommittedBlock {
  const flags =
    block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.TRANSACTIONS_FILTER] ??
    new Uint8Array();
  return {
    number: block.getHeader()?.getNumber() ?? 0,
    entries: (block.getData()?.getDataList_asU8() ?? []).flatMap((envelope, index) =>
      entriesCommittedBy(envelope, flags[index] ?? 255, chaincode),
    ),
  };
}

/**
 * The channel's committed blocks as its peers deliver them (whole blocks: the entries are in
 * their transactions' write sets), from any block on, resuming where it stopped after a
 * failure or a stall (see untilStalled). The caller keeps the checkpoint: the next block it
 * needs.
 */
export class FabricCommittedBlocks implements CommittedBlocks {
  private readonly stall: Required<StallOptions>;

  constructor(
    private readonly network: () => Promise<Network>,
    private readonly channel: string,
    private readonly chaincode: string,
    private readonly readerOfPrincipal: (principal: Principal) => Promise<Caller>,
    private readonly logger: Logger,
    stall: StallOptions = {},
  ) {
    this.stall = withStallDefaults(network, stall);
  }

  readerOf(principal: Principal): Promise<Caller> {
    return this.readerOfPrincipal(principal);
  }

  /** A block as a peer serves it (`qscc GetBlockByNumber`), its entries read as when followed. */
  async block(number: number): Promise<CommittedBlock> {
    const bytes = await (
      await this.network()
    )
      .getContract(QUERY_CHAINCODE)
      .evaluateTransaction('GetBlockByNumber', this.channel, String(number));
    return committedBlockOf(common.Block.deserializeBinary(bytes), this.chaincode);
  }

  follow(from: number, onBlock: (block: CommittedBlock) => Promise<void> | void): BlockFollowing {
    const stopping = new AbortController();
    // Read through a function: the loop's own awaits are where `stop()` can change it.
    const stopped = () => stopping.signal.aborted;
    let closeEvents: (() => void) | undefined;
    const running = (async () => {
      let next = from;
      while (!stopping.signal.aborted) {
        try {
          const events = await (await this.network()).getBlockEvents({ startBlock: BigInt(next) });
          closeEvents = () => {
            events.close();
          };
          if (stopped()) {
            events.close();
          }
          const delivered = untilStalled(events, {
            ...this.stall,
            nextBlock: () => next,
            signal: stopping.signal,
          });
          for await (const block of delivered) {
            // Closing the stream ends it only after the blocks already delivered; a stopped
            // follower hands none of them over (the caller's checkpoint resumes there).
            if (stopped()) {
              break;
            }
            const committed = committedBlockOf(block, this.chaincode);
            await onBlock(committed);
            next = committed.number + 1;
          }
        } catch (error) {
          if (!stopped()) {
            this.logger.warn({ err: error, block: next }, 'following committed blocks failed');
          }
        } finally {
          closeEvents?.();
          closeEvents = undefined;
        }
        await sleep(RETRY_MS, undefined, { signal: stopping.signal }).catch(() => undefined);
      }
    })();
    return {
      async stop() {
        stopping.abort();
        closeEvents?.();
        await running;
      },
    };
  }
}
