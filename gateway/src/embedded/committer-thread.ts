import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { LedgerError } from '../ledger/ledger';
import type { CommitOutcome, CommitRequest } from './transaction-committer';

/** Where transactions are committed; the embedded ledger sends them here in order. */
export interface Committer {
  commit(request: CommitRequest): Promise<CommitOutcome>;
  /** Waits for every commit sent so far, then stops. */
  close(): Promise<void>;
}

// The compiled worker, reached alike from gateway/src/embedded (tests) and gateway/dist/embedded.
const COMMIT_WORKER = resolve(__dirname, '../../dist/embedded/commit-worker.js');

type Reply = { id: number; outcome: CommitOutcome } | { id: number; failure: string };

interface Pending {
  resolve: (outcome: CommitOutcome) => void;
  reject: (error: LedgerError) => void;
}

/**
 * Commits on a worker thread (see commit-worker). Should the thread die, the commits it held
 * fail with LEDGER_UNAVAILABLE (they may or may not have landed, as after any outage, so callers
 * retry by id) and the next commit starts a new thread.
 */
export class CommitterThread implements Committer {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private drained: (() => void) | undefined;

  constructor(
    private readonly file: string,
    private readonly script = COMMIT_WORKER,
  ) {}

  commit(request: CommitRequest): Promise<CommitOutcome> {
    const worker = this.worker ?? this.start();
    const id = this.nextId;
    this.nextId += 1;
    return new Promise((resolvePromise, reject) => {
      this.pending.set(id, { resolve: resolvePromise, reject });
      worker.postMessage({ id, request });
    });
  }

  async close(): Promise<void> {
    if (this.pending.size > 0) {
      await new Promise<void>((done) => {
        this.drained = done;
      });
    }
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private start(): Worker {
    const worker = new Worker(this.script, {
      workerData: { file: this.file },
      // Without a bound V8 lets this second heap grow by hundreds of MB of garbage. A 500-entry
      // transaction allocates several MB, so a smaller young generation costs collections.
      resourceLimits: { maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: 256 },
    });
    worker.on('message', (reply: Reply) => {
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
      if (this.worker !== worker) {
        return;
      }
      this.worker = undefined;
      for (const { reject } of this.pending.values()) {
        reject(new LedgerError('LEDGER_UNAVAILABLE', `the ledger's commit thread ${reason}`));
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
    this.worker = worker;
    return worker;
  }

  private settled(): void {
    if (this.pending.size === 0) {
      this.drained?.();
      this.drained = undefined;
    }
  }
}
