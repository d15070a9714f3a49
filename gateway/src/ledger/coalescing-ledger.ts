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
  timer: NodeJS.Timeout | undefined;
}

/**
 * Gathers concurrent single-entry writes of one identity into one multi-entry transaction,
 * bounded by a short window and a size. Each caller still gets its own entry or its own error:
 * an entry the contract refuses is taken out and the others are sent again.
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
      queue = { principal, waiting: [], timer: undefined };
      this.queues.set(key, queue);
    }
    const entry = new Promise<LedgerEntry>((resolve, reject) => {
      queue.waiting.push({ request, resolve, reject });
    });
    if (queue.waiting.length >= this.options.maxEntries) {
      this.flush(key);
    } else {
      queue.timer ??= setTimeout(() => {
        this.flush(key);
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
    for (const key of [...this.queues.keys()]) {
      this.flush(key);
    }
    await this.inner.close();
  }

  private flush(key: string): void {
    const queue = this.queues.get(key);
    if (queue === undefined) {
      return;
    }
    this.queues.delete(key);
    clearTimeout(queue.timer);
    const { principal, waiting } = queue;
    commitSplitting(
      waiting.map((item) => item.request),
      (requests) => this.inner.recordEntries(principal, requests),
      this.options.maxEntries,
    ).then(
      (outcomes) => {
        outcomes.forEach((outcome, index) => {
          const item = waiting[index];
          if (outcome.ok) {
            item?.resolve(outcome.entry);
          } else {
            item?.reject(outcome.error);
          }
        });
      },
      (error: unknown) => {
        for (const item of waiting) {
          item.reject(error);
        }
      },
    );
  }
}
