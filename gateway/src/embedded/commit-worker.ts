import '../fabric-logging';
import { parentPort, workerData } from 'node:worker_threads';
import { loadKinds } from '../kinds-module';
import { LedgerStore } from './ledger-store';
import { TransactionCommitter, type CommitRequest } from './transaction-committer';

/**
 * The embedded ledger's writer, on a thread of its own: simulation, signatures and the SQLite
 * commit (with its fsync) run here while the gateway's event loop goes on serving requests.
 */

interface CommitMessage {
  id: number;
  request: CommitRequest;
}

const port = parentPort;
if (port === null) {
  throw new Error('commit-worker runs as a worker thread');
}
/**
 * Entries counted and posted per step of the backfill of a ledger's entries per day and index
 * postings: a few tens of milliseconds of this thread, so commits queued meanwhile wait no
 * longer than that.
 */
const BACKLOG_STEP_ENTRIES = 2000;

const { file, kindsModule } = workerData as { file: string; kindsModule: string | undefined };
const kinds = loadKinds(kindsModule);
const store = new LedgerStore(file, { kinds });
const committer = new TransactionCommitter(store, kinds);
port.postMessage({ ready: true });

// One piece of work at a time, commits in the order they were sent.
let previous: Promise<void> = Promise.resolve();
function enqueue(work: () => Promise<void> | void): void {
  previous = previous.then(work);
}

port.on('message', ({ id, request }: CommitMessage) => {
  enqueue(async () => {
    try {
      port.postMessage({ id, outcome: await committer.commit(request) });
    } catch (error) {
      port.postMessage({ id, failure: error instanceof Error ? error.message : String(error) });
    }
  });
});

/**
 * Blocks stored before the ledger kept entries per day or index postings are counted and posted
 * here, step by step between commits: each next step is queued after the commits that arrived
 * during the last one.
 */
function indexBacklog(): void {
  enqueue(() => {
    try {
      if (store.indexBacklog(BACKLOG_STEP_ENTRIES)) {
        setImmediate(indexBacklog);
      }
    } catch (error) {
      // Counts and queries stay behind (and say so); commits go on. The next start tries again.
      process.emitWarning(`indexing earlier blocks failed: ${(error as Error).message}`);
    }
  });
}
indexBacklog();
