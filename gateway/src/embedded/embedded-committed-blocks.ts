import { ENTRY_KEY_PREFIX, type Caller } from '@audit-ledger/chaincode';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  committedEntry,
  type BlockFollowing,
  type CommittedBlock,
  type CommittedBlocks,
  type CommittedEntry,
} from '../ledger/committed-blocks';
import type { Principal } from '../ledger/ledger';
import type { LedgerStore } from './ledger-store';

/** How often the store is asked for a new block; blocks commit on another thread. */
const POLL_MS = 20;
/** Before a block whose handling failed is handed over again. */
const RETRY_MS = 1_000;

/**
 * The embedded ledger's committed blocks, read from its store on the gateway's thread: each
 * entry is the value its transaction wrote under an entry key (entries are written once).
 */
export class EmbeddedCommittedBlocks implements CommittedBlocks {
  constructor(
    private readonly store: LedgerStore,
    private readonly readerOfPrincipal: (principal: Principal) => Promise<Caller>,
  ) {}

  readerOf(principal: Principal): Promise<Caller> {
    return this.readerOfPrincipal(principal);
  }

  follow(from: number, onBlock: (block: CommittedBlock) => Promise<void> | void): BlockFollowing {
    const stopping = new AbortController();
    const running = (async () => {
      let next = from;
      while (!stopping.signal.aborted) {
        let pause = POLL_MS;
        try {
          if (next < this.store.height()) {
            await onBlock(this.blockAt(next));
            next += 1;
            continue;
          }
        } catch {
          // The block is handed over again; a store that failed to read is asked again too.
          pause = RETRY_MS;
        }
        await sleep(pause, undefined, { signal: stopping.signal }).catch(() => undefined);
      }
    })();
    return {
      async stop() {
        stopping.abort();
        await running;
      },
    };
  }

  block(number: number): Promise<CommittedBlock> {
    return Promise.resolve(this.blockAt(number));
  }

  private blockAt(number: number): CommittedBlock {
    const entries: CommittedEntry[] = [];
    for (const transaction of this.store.block(number)?.transactions ?? []) {
      for (const { key } of transaction.writes) {
        const value = key.startsWith(ENTRY_KEY_PREFIX) ? this.store.get(key) : undefined;
        if (value !== undefined) {
          entries.push(committedEntry(value));
        }
      }
    }
    return { number, entries };
  }
}
