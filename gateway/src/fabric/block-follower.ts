import type { CloseableAsyncIterable, Network } from '@hyperledger/fabric-gateway';
import { common, type ledger, type peer } from '@hyperledger/fabric-protos';
import type { Logger } from 'pino';
import { LedgerError } from '../ledger/ledger';
import { STALL_MS, untilStalled, type StallOptions } from './stalled-stream';
import {
  indexedBlockOf,
  type BlockIndex,
  type IndexedBlock,
  type PostedContract,
} from './block-index';

const RETRY_MS = 1000;
/** Blocks behind the chain that are a moment in flight; more means the index is catching up. */
const BLOCKS_IN_FLIGHT = 10;
const POLL_MS = 25;
/** How long a chain-height question, asked to tell a stalled stream from an idle chain, waits. */
const HEIGHT_DEADLINE_MS = 2_000;

/**
 * Follows a channel's blocks into the index from its next block (see BlockIndex.nextBlock),
 * reconnecting after a failure, until stopped. For an index that posts a contract's entries,
 * each block comes with the private data the network's reading identity's organisation holds of
 * it. A peer that serves a block which does not chain, or whose transactions do not match its
 * data hash, is logged as such. A stream that stalls (see untilStalled) is reopened.
 */
export class BlockFollower {
  private running: Promise<void> | undefined;
  private readonly stopping = new AbortController();
  private wake: (() => void) | undefined;
  private closeEvents: (() => void) | undefined;
  private readonly stall: Required<StallOptions>;

  constructor(
    private readonly network: () => Promise<Network>,
    private readonly index: BlockIndex,
    private readonly logger: Logger,
    options: StallOptions = {},
  ) {
    this.stall = withStallDefaults(network, options);
  }

  start(): void {
    this.running ??= this.follow();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    this.closeEvents?.();
    this.wake?.();
    await this.running;
  }

  /**
   * Whether every block the channel holds now has its entries counted and posted in the index:
   * asks a peer for the chain's height (qscc, not the contract) and waits up to `waitMs` for the
   * few blocks that may still be on their way here, such as the block of a write just answered.
   * An index further behind is catching up, and is waited for only `whileCatchingUp`. The
   * height is at least `atLeast`, which a writer knows from the blocks its writes committed in.
   */
  async readToChainHeight(
    waitMs: number,
    { whileCatchingUp = false, atLeast = 0 }: { whileCatchingUp?: boolean; atLeast?: number } = {},
  ): Promise<boolean> {
    let chainHeight: number;
    try {
      chainHeight = Math.max(atLeast, await chainHeightOf(await this.network()));
    } catch (error) {
      this.logger.warn({ err: error }, "the chain's height is unknown; counts may be behind");
      return false;
    }
    const deadline = Date.now() + waitMs;
    while (!this.isStopped()) {
      const behind = chainHeight - this.index.readHeight();
      if (behind <= 0) {
        return true;
      }
      if ((behind > BLOCKS_IN_FLIGHT && !whileCatchingUp) || Date.now() >= deadline) {
        return false;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    return false;
  }

  /** Whether the index is further behind `chainHeight` than the blocks a moment in flight. */
  isCatchingUp(chainHeight: number): boolean {
    return chainHeight - this.index.readHeight() > BLOCKS_IN_FLIGHT;
  }

  /** Read through a method: the loop's own awaits are where `stop()` can change it. */
  private isStopped(): boolean {
    return this.stopping.signal.aborted;
  }

  private async follow(): Promise<void> {
    while (!this.isStopped()) {
      try {
        const network = await this.network();
        const startBlock = BigInt(this.index.nextBlock());
        const { contract } = this.index;
        const events: CloseableAsyncIterable<common.Block | peer.BlockAndPrivateData> =
          contract === undefined
            ? await network.getBlockEvents({ startBlock })
            : await network.getBlockAndPrivateDataEvents({ startBlock });
        this.closeEvents = () => {
          events.close();
        };
        if (this.isStopped()) {
          events.close();
        }
        const delivered = untilStalled(events, {
          ...this.stall,
          nextBlock: () => this.index.nextBlock(),
          signal: this.stopping.signal,
        });
        for await (const event of delivered) {
          this.index.add(indexedEvent(event, contract));
        }
      } catch (error) {
        if (error instanceof LedgerError && error.code === 'LEDGER_INTEGRITY') {
          this.logger.error({ err: error }, 'a peer served a block that does not hold together');
        } else if (!this.isStopped()) {
          this.logger.warn({ err: error }, 'following Fabric blocks failed; retrying');
        }
      }
      if (this.isStopped()) {
        break;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, RETRY_MS);
      });
    }
  }
}

/** A delivered block as the index takes it: with its postings when it came with private data. */
function indexedEvent(
  event: common.Block | peer.BlockAndPrivateData,
  contract: PostedContract | undefined,
): IndexedBlock {
  if (event instanceof common.Block) {
    return indexedBlockOf(event);
  }
  // Not toArray(): that turns each write set into jspb's raw array form.
  const privateData = new Map<number, ledger.rwset.TxPvtReadWriteSet>();
  event.getPrivateDataMapMap().forEach((writes, transaction) => {
    privateData.set(transaction, writes);
  });
  return indexedBlockOf(
    event.getBlock() ?? new common.Block(),
    contract && { ...contract, privateData },
  );
}

/**
 * The channel's height as the network's peer reports it (qscc, not the contract), by `deadline`
 * (ms since the epoch) when given.
 */
export async function chainHeightOf(network: Network, deadline?: number): Promise<number> {
  const info = await network
    .getContract('qscc')
    .newProposal('GetChainInfo', { arguments: [network.getName()] })
    .evaluate(deadline === undefined ? {} : { deadline });
  return common.BlockchainInfo.deserializeBinary(info).getHeight();
}

/**
 * A follower's stall options with their defaults: the chain's height as the followed network's
 * peer reports it within 2 s (undefined when it does not), and STALL_MS.
 */
export function withStallDefaults(
  network: () => Promise<Network>,
  options: StallOptions,
): Required<StallOptions> {
  return {
    chainHeight:
      options.chainHeight ??
      (async () => {
        try {
          return await chainHeightOf(await network(), Date.now() + HEIGHT_DEADLINE_MS);
        } catch {
          return undefined;
        }
      }),
    stallMs: options.stallMs ?? STALL_MS,
  };
}
