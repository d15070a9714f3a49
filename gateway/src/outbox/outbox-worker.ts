import type { Logger } from 'pino';
import type { EntryService } from '../services/entry-service';
import { RequestError } from '../services/request-error';
import { LedgerError, type LedgerEntry } from '../ledger/ledger';
import type { OperationResult, OutboxStore, PendingOperation } from './outbox-store';

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
  | { id: string; error: NonNullable<PendingOperation['error']> }
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
      try {
        const retried = await this.round();
        backoffMs = retried === 0 ? 0 : Math.min(MAX_BACKOFF_MS, Math.max(100, backoffMs * 2));
        if (retried > 0) {
          this.logger.warn({ retried, backoffMs }, 'operations not committed yet; retrying');
        }
      } catch (error) {
        // The outbox itself failed (disk full, corrupt row): keep the worker alive and retry.
        backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(100, backoffMs * 2));
        this.logger.error({ err: error, backoffMs }, 'outbox round failed');
      }
      if (backoffMs > 0) {
        await this.sleep(backoffMs);
      }
    }
  }

  /** Attempts up to a round of pending operations; returns how many are left to retry. */
  private async round(): Promise<number> {
    const operations = this.store.pending(OPERATIONS_PER_ROUND);
    if (operations.length === 0) {
      await this.sleep(1_000);
      return 0;
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
    return attempts.length - finished.length;
  }

  private async attempt(operation: PendingOperation): Promise<Attempt> {
    const { id, principal, work } = operation;
    try {
      if (work.type === 'entry') {
        return {
          id,
          result: { type: 'entry', outcome: await this.entries.commit(principal, work.request) },
        };
      }
      const results = await this.entries.commitBatch(principal, work.batch);
      // An entry the ledger could not take (5xx) is retried with the whole operation: ids are
      // fixed, so the entries already committed answer 200 the next time.
      return results.some((result) => result.status >= 500)
        ? { id, retry: true }
        : { id, result: { type: 'batch', results } };
    } catch (error) {
      if (error instanceof RequestError) {
        return { id, error: error.toBody().error };
      }
      if (error instanceof LedgerError && error.code === 'LEDGER_UNAVAILABLE') {
        return { id, retry: true };
      }
      if (error instanceof LedgerError && error.code !== 'INTERNAL') {
        return { id, error: RequestError.fromLedger(error).toBody().error };
      }
      // Anything else may be transient, but an operation that keeps failing stops being retried.
      this.logger.error({ operation: id, err: error }, 'operation failed');
      return operation.attempts + 1 < MAX_ATTEMPTS_ON_INTERNAL_ERROR
        ? { id, retry: true }
        : { id, error: { code: 'INTERNAL', message: 'the operation could not be committed' } };
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
