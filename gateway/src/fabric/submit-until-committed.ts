import * as grpc from '@grpc/grpc-js';
import {
  CommitStatusError,
  GatewayError,
  type Status,
  type SubmittedTransaction,
  type Transaction,
} from '@hyperledger/fabric-gateway';

/** How long one wait for a commit status lasts before the transaction is sent again. */
const COMMIT_WAIT_MS = 20_000;
const COMMIT_ATTEMPTS = 3;
/** The orderers elect a new leader within Raft's election timeout (5 s on `network/`). */
const ORDERING_RECOVERY_MS = 15_000;

const UNAVAILABLE: number = grpc.status.UNAVAILABLE;
const DEADLINE_EXCEEDED: number = grpc.status.DEADLINE_EXCEEDED;

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Submits an endorsed transaction and waits for its commit status. Orderers electing a leader
 * answer UNAVAILABLE, and one that accepted a transaction can still lose it with the old leader,
 * so the same transaction is sent again in both cases: one transaction id commits at most once.
 */
export async function submitUntilCommitted(
  endorsed: Transaction,
): Promise<{ submitted: SubmittedTransaction; status: Status }> {
  for (let attempt = 1; ; attempt += 1) {
    const submitted = await whileOrderingRecovers(() => endorsed.submit());
    try {
      const status = await submitted.getStatus({ deadline: Date.now() + COMMIT_WAIT_MS });
      return { submitted, status };
    } catch (error) {
      const timedOut = error instanceof CommitStatusError && error.code === DEADLINE_EXCEEDED;
      if (!timedOut || attempt === COMMIT_ATTEMPTS) {
        throw error;
      }
    }
  }
}

async function whileOrderingRecovers<T>(send: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + ORDERING_RECOVERY_MS;
  for (;;) {
    try {
      return await send();
    } catch (error) {
      // fabric-gateway exports SubmitError as a type only; its name identifies it.
      const unavailable =
        error instanceof GatewayError && error.name === 'SubmitError' && error.code === UNAVAILABLE;
      if (!unavailable || Date.now() > deadline) {
        throw error;
      }
      await delay(500);
    }
  }
}
