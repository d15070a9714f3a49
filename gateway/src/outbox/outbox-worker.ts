import type { Logger } from 'pino';
import type { EntryService } from '../entry-service';
import { ApiError, fromLedgerError } from '../http/api-error';
import { LedgerError, type LedgerEntry } from '../ledger/ledger';
import type { Operation, OperationResult, OutboxStore } from './outbox-store';

const OPERATIONS_PER_ROUND = 256;
const MAX_BACKOFF_MS = 5_000;
const MAX_ATTEMPTS_ON_INTERNAL_ERROR = 5;

function committedBy(result: OperationResult): LedgerEntry[] {
  if (result.type === 'entry') {
    return result.outcome.status === 201 ? [result.outcome.entry] : [];
  }
  return result.results.flatMap((item) =>
    item.status === 201 && 'entry' in item ? [item.entry] : [],
  );
}

type Attempt =
  | { id: string; result: OperationResult }
  | { id: string; error: NonNullable<Operation['error']> }
  | { id: string; retry: true };

/**
 * Drains the outbox into the ledger. Operations of a round run concurrently, so single writes
 * are group-committed; a ledger outage leaves them pending and backs off; a refusal by the
 * contract fails the operation with its error.
 */
export class OutboxWorker {
  private stopped = false;
  private wake: (() => void) | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: OutboxStore,
    private readonly entries: EntryService,
    private readonly logger: Logger,
    /** Told of every entry an operation committed (201), e.g. to count it. */
    private readonly onCommitted: (entries: LedgerEntry[]) => void = () => undefined,
  ) {}

  start(): void {
    this.running ??= this.loop();
  }

  /** Something was added: don't wait for the next poll. */
  notify(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
  }

  private async loop(): Promise<void> {
    let backoffMs = 0;
    while (!this.stopped) {
      const operations = this.store.pending(OPERATIONS_PER_ROUND);
      if (operations.length === 0) {
        await this.sleep(1_000);
        continue;
      }
      this.store.markAttempted(operations.map((operation) => operation.id));
      const attempts = await Promise.all(operations.map((operation) => this.attempt(operation)));
      const finished = attempts.filter(
        (attempt): attempt is Exclude<Attempt, { retry: true }> => !('retry' in attempt),
      );
      this.store.complete(finished, new Date());
      this.onCommitted(
        finished.flatMap((attempt) => ('result' in attempt ? committedBy(attempt.result) : [])),
      );
      if (finished.length < attempts.length) {
        backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(100, backoffMs * 2));
        this.logger.warn(
          { pending: attempts.length - finished.length, backoffMs },
          'ledger unavailable; retrying',
        );
        await this.sleep(backoffMs);
      } else {
        backoffMs = 0;
      }
    }
  }

  private async attempt(operation: Operation): Promise<Attempt> {
    const { id, principal, work } = operation;
    try {
      return work.type === 'entry'
        ? {
            id,
            result: { type: 'entry', outcome: await this.entries.commit(principal, work.request) },
          }
        : {
            id,
            result: {
              type: 'batch',
              results: await this.entries.commitBatch(principal, work.batch),
            },
          };
    } catch (error) {
      if (error instanceof ApiError) {
        return { id, error: error.toBody().error };
      }
      if (error instanceof LedgerError && error.code !== 'LEDGER_UNAVAILABLE') {
        const transient =
          error.code === 'INTERNAL' && operation.attempts + 1 < MAX_ATTEMPTS_ON_INTERNAL_ERROR;
        return transient
          ? { id, retry: true }
          : { id, error: fromLedgerError(error).toBody().error };
      }
      this.logger.debug({ operation: id, err: error }, 'operation will be retried');
      return { id, retry: true };
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms).unref();
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
