import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { LedgerError } from '../ledger/ledger';
import type { CommitOutcome, CommitRequest } from './transaction-committer';

/** Where transactions are committed; the embedded ledger sends them here in order. */
export interface Committer {
  commit(request: CommitRequest): Promise<CommitOutcome>;
  /** Resolves once commits can be taken; rejects with LEDGER_UNAVAILABLE if they cannot. */
  start(): Promise<void>;
  /** Throws LEDGER_UNAVAILABLE when commits cannot be taken now. */
  checkReady(): void;
  /** Waits for every commit sent so far, then stops. */
  close(): Promise<void>;
}

// The compiled worker, reached alike from gateway/src/embedded (tests) and gateway/dist/embedded.
const COMMIT_WORKER = resolve(__dirname, '../../dist/embedded/commit-worker.js');

type Reply =
  { ready: true } | { id: number; outcome: CommitOutcome } | { id: number; failure: string };

interface Pending {
  resolve: (outcome: CommitOutcome) => void;
  reject: (error: LedgerError) => void;
}

interface Thread {
  worker: Worker;
  /** Resolves when the thread has opened the ledger; rejects if it stops first. */
  running: Promise<void>;
  ready: boolean;
}

/**
 * Commits on a worker thread (see commit-worker). Should the thread die, the commits it held
 * fail with LEDGER_UNAVAILABLE (they may or may not have landed, as after any outage, so callers
 * retry by id) and the next commit, or readiness check, starts a new thread.
 */
export class CommitterThread implements Committer {
  private thread: Thread | undefined;
  /** Why the last thread stopped, until a new one is ready. */
  private lostBecause: string | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private drained: (() => void) | undefined;

  /** `kindsModule`: see loadKinds; the thread loads it for itself. */
  constructor(
    private readonly file: string,
    private readonly kindsModule?: string,
    private readonly script = COMMIT_WORKER,
  ) {}

  commit(request: CommitRequest): Promise<CommitOutcome> {
    const { worker } = this.thread ?? this.spawn();
    const id = this.nextId;
    this.nextId += 1;
    return new Promise((resolvePromise, reject) => {
      this.pending.set(id, { resolve: resolvePromise, reject });
      worker.postMessage({ id, request });
    });
  }

  start(): Promise<void> {
    return (this.thread ?? this.spawn()).running;
  }

  checkReady(): void {
    const thread = this.thread ?? this.spawn();
    if (!thread.ready) {
      throw new LedgerError(
        'LEDGER_UNAVAILABLE',
        this.lostBecause ?? "the ledger's commit thread is starting",
      );
    }
  }

  async close(): Promise<void> {
    if (this.pending.size > 0) {
      await new Promise<void>((done) => {
        this.drained = done;
      });
    }
    const worker = this.thread?.worker;
    this.thread = undefined;
    await worker?.terminate();
  }

  private spawn(): Thread {
    const worker = new Worker(this.script, {
      workerData: { file: this.file, kindsModule: this.kindsModule },
      // Without a bound V8 lets this second heap grow by hundreds of MB of garbage. A 500-entry
      // transaction allocates several MB, so a smaller young generation costs collections.
      resourceLimits: { maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: 256 },
    });
    let becameReady: () => void = () => undefined;
    let stopped: (error: LedgerError) => void = () => undefined;
    const running = new Promise<void>((resolvePromise, reject) => {
      becameReady = resolvePromise;
      stopped = reject;
    });
    // Nobody may be waiting for it; a stop is reported through the commits and readiness too.
    running.catch(() => undefined);
    const thread: Thread = { worker, running, ready: false };

    worker.on('message', (reply: Reply) => {
      if ('ready' in reply) {
        thread.ready = true;
        this.lostBecause = undefined;
        becameReady();
        return;
      }
      const pending = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if ('outcome' in reply) {
        pending?.resolve(reply.outcome);
      } else {
        pending?.reject(new LedgerError('INTERNAL', reply.failure));
      }
      this.settled();
    });
    const lost = (reason: string) => {
      if (this.thread !== thread) {
        return;
      }
      this.thread = undefined;
      this.lostBecause = `the ledger's commit thread ${reason}`;
      const error = new LedgerError('LEDGER_UNAVAILABLE', this.lostBecause);
      stopped(error);
      for (const { reject } of this.pending.values()) {
        reject(error);
      }
      this.pending.clear();
      this.settled();
    };
    worker.on('error', (error) => {
      lost(`failed: ${error.message}`);
    });
    worker.on('exit', (code) => {
      lost(`exited with code ${code}`);
    });
    this.thread = thread;
    return thread;
  }

  private settled(): void {
    if (this.pending.size === 0) {
      this.drained?.();
      this.drained = undefined;
    }
  }
}
