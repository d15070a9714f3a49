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
const { file, kindsModule } = workerData as { file: string; kindsModule: string | undefined };
const committer = new TransactionCommitter(new LedgerStore(file), loadKinds(kindsModule));
port.postMessage({ ready: true });

// One commit at a time, in the order they were sent.
let previous: Promise<void> = Promise.resolve();
port.on('message', ({ id, request }: CommitMessage) => {
  previous = previous.then(async () => {
    try {
      port.postMessage({ id, outcome: await committer.commit(request) });
    } catch (error) {
      port.postMessage({ id, failure: error instanceof Error ? error.message : String(error) });
    }
  });
});
