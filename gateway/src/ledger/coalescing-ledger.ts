import type { EntryRequest } from '@audit-ledger/chaincode';
import type { ProofMaterial } from '../proof/proof-bundle';
import type { Ledger, LedgerEntry, LedgerPage, LedgerQuery, Principal } from './ledger';
import { commitSplitting } from './split-commit';

export interface CoalescingOptions {
  /** How long the first waiting write waits for company. */
  windowMs: number;
  /** Writes per transaction; 1 turns coalescing off. */
  maxEntries: number;
}

interface Waiting {
  request: EntryRequest;
  resolve: (entry: LedgerEntry) => void;
  reject: (error: unknown) => void;
}

interface Queue {
  principal: Principal;
  waiting: Waiting[];
  /** Set from the first queued write until a drain loop has committed the queue empty. */
  draining: boolean;
}

/**
 * Gathers concurrent single-entry writes of one identity into multi-entry transactions (group
 * commit): the first write waits a short window for company; while a transaction commits, the
 * writes that arrive queue up and go out together in the next one, up to a size bound. Under
 * load transactions grow; when idle a write waits only the window. Each caller still gets its
 * own entry or its own error: an entry the contract refuses is taken out and the others are
 * sent again.
 */
export class CoalescingLedger implements Ledger {
  private readonly queues = new Map<string, Queue>();

  constructor(
    private readonly inner: Ledger,
    private readonly options: CoalescingOptions,
  ) {}

  get kind(): Ledger['kind'] {
    return this.inner.kind;
  }

  recordEntry(principal: Principal, request: EntryRequest): Promise<LedgerEntry> {
    if (this.options.maxEntries <= 1) {
      return this.inner.recordEntry(principal, request);
    }
    const key = `${principal.role}\u0000${principal.name}`;
    let queue = this.queues.get(key);
    if (queue === undefined) {
      queue = { principal, waiting: [], draining: false };
      this.queues.set(key, queue);
    }
    const entry = new Promise<LedgerEntry>((resolve, reject) => {
      queue.waiting.push({ request, resolve, reject });
    });
    if (!queue.draining) {
      queue.draining = true;
      setTimeout(() => {
        void this.drain(key, queue);
      }, this.options.windowMs);
    }
    return entry;
  }

  recordEntries(principal: Principal, requests: EntryRequest[]): Promise<LedgerEntry[]> {
    return this.inner.recordEntries(principal, requests);
  }

  getEntry(principal: Principal, id: string): Promise<LedgerEntry> {
    return this.inner.getEntry(principal, id);
  }

  queryEntries(principal: Principal, query: LedgerQuery): Promise<LedgerPage> {
    return this.inner.queryEntries(principal, query);
  }

  proofOf(principal: Principal, id: string): Promise<ProofMaterial> {
    return this.inner.proofOf(principal, id);
  }

  checkReady(): Promise<void> {
    return this.inner.checkReady();
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.entries()].map(([key, queue]) => this.drain(key, queue)));
    await this.inner.close();
  }

  /** Commits the queue's writes, in transactions of at most maxEntries, until it is empty. */
  private async drain(key: string, queue: Queue): Promise<void> {
    while (queue.waiting.length > 0) {
      const batch = queue.waiting.splice(0, this.options.maxEntries);
      try {
        const outcomes = await commitSplitting(
          batch.map((item) => item.request),
          (requests) => this.inner.recordEntries(queue.principal, requests),
          this.options.maxEntries,
        );
        outcomes.forEach((outcome, index) => {
          const item = batch[index];
          if (outcome.ok) {
            item?.resolve(outcome.entry);
          } else {
            item?.reject(outcome.error);
          }
        });
      } catch (error) {
        for (const item of batch) {
          item.reject(error);
        }
      }
    }
    queue.draining = false;
    if (this.queues.get(key) === queue) {
      this.queues.delete(key);
    }
  }
}
