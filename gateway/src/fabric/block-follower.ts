import type { Network } from '@hyperledger/fabric-gateway';
import type { Logger } from 'pino';
import { LedgerError } from '../ledger/ledger';
import { indexedBlockOf, type BlockIndex } from './block-index';

const RETRY_MS = 1000;

/**
 * Follows a channel's blocks from the index's height into the index, reconnecting after a
 * failure, until stopped. A peer that serves a block which does not chain is logged as such.
 */
export class BlockFollower {
  private running: Promise<void> | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;
  private closeEvents: (() => void) | undefined;

  constructor(
    private readonly network: () => Promise<Network>,
    private readonly index: BlockIndex,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.running ??= this.follow();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.closeEvents?.();
    this.wake?.();
    await this.running;
  }

  /** Read through a method: the loop's own awaits are where `stop()` can change it. */
  private isStopped(): boolean {
    return this.stopped;
  }

  private async follow(): Promise<void> {
    while (!this.isStopped()) {
      try {
        const events = await (
          await this.network()
        ).getBlockEvents({ startBlock: BigInt(this.index.height()) });
        this.closeEvents = () => {
          events.close();
        };
        if (this.isStopped()) {
          events.close();
        }
        for await (const block of events) {
          this.index.add(indexedBlockOf(block));
        }
      } catch (error) {
        if (error instanceof LedgerError && error.code === 'LEDGER_INTEGRITY') {
          this.logger.error({ err: error }, 'a peer served a block that does not chain');
        } else if (!this.isStopped()) {
          this.logger.warn({ err: error }, 'following Fabric blocks failed; retrying');
        }
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, RETRY_MS);
      });
    }
  }
}
