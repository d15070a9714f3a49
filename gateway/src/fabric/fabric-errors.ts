import { status as grpcStatus } from '@grpc/grpc-js';
import { EndorseError, GatewayError } from '@hyperledger/fabric-gateway';
import { decodeErrorEnvelope } from '@audit-ledger/chaincode';
import { LedgerError } from '../ledger/ledger';

const FAILED_PRECONDITION: number = grpcStatus.FAILED_PRECONDITION;
const UNAVAILABLE_CODES: ReadonlySet<number> = new Set([
  grpcStatus.UNAVAILABLE,
  grpcStatus.DEADLINE_EXCEEDED,
  grpcStatus.CANCELLED,
  grpcStatus.RESOURCE_EXHAUSTED,
]);

/**
 * A fabric-gateway failure as the ledger's error: the contract's own envelope where an endorser
 * returned one (in the error's details, one per peer), else by gRPC status; never by the text.
 */
export function toLedgerError(error: unknown, txId?: string): LedgerError {
  if (error instanceof LedgerError) {
    return error;
  }
  if (!(error instanceof GatewayError)) {
    const message = error instanceof Error ? error.message : String(error);
    return new LedgerError('INTERNAL', message, undefined, error, txId);
  }
  const transaction = txId ?? (error as { transactionId?: string }).transactionId;
  for (const message of [...error.details.map((detail) => detail.message), error.message]) {
    const envelope = decodeErrorEnvelope(message);
    if (envelope !== undefined) {
      return new LedgerError(envelope.code, envelope.message, envelope.details, error, transaction);
    }
  }
  if (UNAVAILABLE_CODES.has(error.code)) {
    return new LedgerError(
      'LEDGER_UNAVAILABLE',
      'the Fabric network did not answer in time; retry with the same id',
      undefined,
      error,
      transaction,
    );
  }
  if (error.code === FAILED_PRECONDITION) {
    // The gateway peer knows no peers of enough organisations to satisfy the endorsement policy.
    return new LedgerError(
      'LEDGER_UNAVAILABLE',
      'too few organisations’ peers are reachable to endorse or read',
      undefined,
      error,
      transaction,
    );
  }
  if (error instanceof EndorseError) {
    // The contract wraps every failure of its own in its envelope, so an endorsement that failed
    // without one failed around it: a chaincode service not running, a peer refusing the caller.
    return new LedgerError(
      'LEDGER_UNAVAILABLE',
      'no organisation’s peer could run the contract; retry with the same id',
      undefined,
      error,
      transaction,
    );
  }
  // Anything else is not classified further: it is logged with its cause.
  return new LedgerError(
    'INTERNAL',
    'the Fabric network failed the request',
    undefined,
    error,
    transaction,
  );
}
