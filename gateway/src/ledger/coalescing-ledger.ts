import type { EntryRequest, PseudonymKeyRecord } from '@audit-ledger/chaincode';
import type {
  DueErasure,
  ErasureRequest,
  Ledger,
  LedgerEntry,
  RecordedEntry,
  LedgerPage,
  LedgerCount,
  LedgerCountQuery,
  LedgerDayCounts,
  LedgerQuery,
  LedgerReadiness,
  Principal,
} from './ledger';
import { commitSplitting } from './split-commit';

export interface CoalescingOptions {
  /** How long the first waiting write waits for company. */
  windowMs: number;
  /** Writes per transaction; 1 turns coalescing off. */
  maxEntries: number;
}

interface Waiting {
  request: EntryRequest;
  resolve: (entry: RecordedEntry) => void;
  reject: (error: unknown) => void;
}

interface Queue {
  key: string;
  principal: Principal;
  waiting: Waiting[];
  /** Transactions of this queue being committed. */
  committing: Set<Promise<void>>;
  /** Set while the next transaction waits out the window for company. */
  timer: NodeJS.Timeout | undefined;
}

/**
 * Transactions of one identity committing at once. With two, the next transaction is gathered
 * and handed over while the previous one commits, so neither the gateway nor the ledger waits
 * for the other.
 */
const TRANSACTIONS_IN_FLIGHT = 2;

/**
 * Gathers concurrent single-entry writes of one identity into multi-entry transactions (group
 * commit): waiting writes go out together after a short window, up to a size bound, with up to
 * TRANSACTIONS_IN_FLIGHT transactions committing at once; writes that arrive meanwhile queue for
 * the next one. Under load transactions grow; when idle a write waits only the window. Each
 * caller still gets its own entry or its own error: an entry the contract refuses is taken out
 * and the others are sent again.
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

  recordEntry(principal: Principal, request: EntryRequest): Promise<RecordedEntry> {
    if (this.options.maxEntries <= 1) {
      return this.inner.recordEntry(principal, request);
    }
    const key = `${principal.role}\u0000${principal.name}`;
    let queue = this.queues.get(key);
    if (queue === undefined) {
      queue = { key, principal, waiting: [], committing: new Set(), timer: undefined };
      this.queues.set(key, queue);
    }
    const entry = new Promise<RecordedEntry>((resolve, reject) => {
      queue.waiting.push({ request, resolve, reject });
    });
    this.schedule(queue);
    return entry;
  }

  recordEntries(principal: Principal, requests: EntryRequest[]): Promise<RecordedEntry[]> {
    return this.inner.recordEntries(principal, requests);
  }

  getEntry(principal: Principal, id: string): Promise<LedgerEntry> {
    return this.inner.getEntry(principal, id);
  }

  queryEntries(principal: Principal, query: LedgerQuery): Promise<LedgerPage> {
    return this.inner.queryEntries(principal, query);
  }

  countEntries(principal: Principal, query: LedgerCountQuery): Promise<LedgerCount> {
    return this.inner.countEntries(principal, query);
  }

  eraseEntry(principal: Principal, request: ErasureRequest): Promise<LedgerEntry> {
    return this.inner.eraseEntry(principal, request);
  }

  dueErasures(
    principal: Principal,
    page: { pageSize: number; bookmark: string },
  ): Promise<{ items: DueErasure[]; bookmark: string }> {
    return this.inner.dueErasures(principal, page);
  }

  pseudonymKey(principal: Principal): Promise<PseudonymKeyRecord | undefined> {
    return this.inner.pseudonymKey(principal);
  }

  recordPseudonymKey(principal: Principal, fingerprint: string): Promise<PseudonymKeyRecord> {
    return this.inner.recordPseudonymKey(principal, fingerprint);
  }

  countEntriesPerDay(
    principal: Principal,
    days: { from: string; to: string },
  ): Promise<LedgerDayCounts> {
    return this.inner.countEntriesPerDay(principal, days);
  }

  readiness(): Promise<LedgerReadiness> {
    return this.inner.readiness();
  }

  async close(): Promise<void> {
    for (const queue of this.queues.values()) {
      clearTimeout(queue.timer);
      queue.timer = undefined;
      while (queue.waiting.length > 0) {
        this.send(queue);
      }
    }
    await Promise.all([...this.queues.values()].flatMap((queue) => [...queue.committing]));
    await this.inner.close();
  }

  /** Starts the window for the next transaction when there are writes and a free slot. */
  private schedule(queue: Queue): void {
    if (queue.waiting.length === 0) {
      if (queue.committing.size === 0 && queue.timer === undefined) {
        this.queues.delete(queue.key);
      }
      return;
    }
    if (queue.timer !== undefined || queue.committing.size >= TRANSACTIONS_IN_FLIGHT) {
      return;
    }
    queue.timer = setTimeout(() => {
      queue.timer = undefined;
      this.send(queue);
      this.schedule(queue);
    }, this.options.windowMs);
  }

  /** Commits up to maxEntries waiting writes as one transaction (split on refusal). */
  private send(queue: Queue): void {
    const batch = queue.waiting.splice(0, this.options.maxEntries);
    const committing = this.commit(queue.principal, batch).finally(() => {
      queue.committing.delete(committing);
      if (this.queues.get(queue.key) === queue) {
        this.schedule(queue);
      }
    });
    queue.committing.add(committing);
  }

  private async commit(principal: Principal, batch: Waiting[]): Promise<void> {
    try {
      const outcomes = await commitSplitting(
        batch.map((item) => item.request),
        (requests) => this.inner.recordEntries(principal, requests),
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
}
