/** The contract's transactions as a client calls them on the network, and its error envelopes. */
import { status as grpcStatus } from '@grpc/grpc-js';
import {
  GatewayError,
  type Contract,
  type Network,
  type ProposalOptions,
} from '@hyperledger/fabric-gateway';
import { standardConsortium, standardKinds } from '@audit-ledger/chaincode';
import {
  decodeErrorEnvelope,
  type AuditEntry,
  type EntryRequest,
} from '../../chaincode/src/index.js';
import { submitUntilCommitted } from '../../gateway/src/fabric/submit-until-committed.js';
import { recordingCall } from '../../gateway/src/ledger/recording-call.js';
import { entriesConfirmedBy, wholeEntryAnswered } from '../support/results.js';

const utf8 = new TextDecoder();

/**
 * Submits RecordEntry as the gateway does (a private kind's payload in the transient field,
 * endorsed by the organisations holding it) and waits for its commit; returns the entry, whole,
 * and how the commit went.
 */
export async function recordEntry(
  contract: Contract,
  request: object,
  options: Omit<ProposalOptions, 'arguments'> = {},
): Promise<{
  entry: AuditEntry;
  status: { code: number; successful: boolean; blockNumber: bigint };
}> {
  const call = recordingCall(standardKinds, standardConsortium, [request as EntryRequest], true);
  const { result, status } = await submit(contract, 'RecordEntry', call.argument, {
    ...sentAsTheGatewaySends(call),
    ...options,
  });
  return {
    entry: wholeEntryAnswered(
      result,
      request as EntryRequest & { payload: Record<string, unknown> },
    ),
    status,
  };
}

export async function recordEntries(contract: Contract, requests: object[]) {
  const call = recordingCall(standardKinds, standardConsortium, requests as EntryRequest[]);
  const { result, status, transactionId } = await submit(
    contract,
    'RecordEntries',
    call.argument,
    sentAsTheGatewaySends(call),
  );
  return { entries: entriesConfirmedBy(result, requests), status, transactionId };
}

/** A recording call's transient field and endorsers, as proposal options. */
export function sentAsTheGatewaySends(
  call: ReturnType<typeof recordingCall>,
): Omit<ProposalOptions, 'arguments'> {
  return {
    ...(call.transient === undefined ? {} : { transientData: call.transient }),
    ...(call.endorsingOrganizations === undefined
      ? {}
      : { endorsingOrganizations: call.endorsingOrganizations }),
  };
}

const FAILED_PRECONDITION: number = grpcStatus.FAILED_PRECONDITION;

/** Endorses once, then submits until committed, as the gateway's FabricLedger does. */
async function submit(
  contract: Contract,
  transaction: string,
  argument: string,
  options: Omit<ProposalOptions, 'arguments'> = {},
) {
  const proposal = contract.newProposal(transaction, { ...options, arguments: [argument] });
  const { submitted, status } = await submitUntilCommitted(await proposal.endorse());
  return {
    result: utf8.decode(submitted.getResult()),
    status: { code: status.code, successful: status.successful, blockNumber: status.blockNumber },
    transactionId: submitted.getTransactionId(),
  };
}

/** GetEntry evaluated on one organisation's peer. */
export async function getEntryFrom(contract: Contract, id: string, mspId: string): Promise<string> {
  const proposal = contract.newProposal('GetEntry', {
    arguments: [id],
    endorsingOrganizations: [mspId],
  });
  return utf8.decode(await proposal.evaluate());
}

/**
 * GetEntry on one organisation's peer, waiting up to `timeoutMs` for that peer to commit the
 * entry's block and for the gateway to know the peer (after a restart, gossip takes a few seconds).
 */
export async function getEntryOnceAvailable(
  contract: Contract,
  id: string,
  mspId: string,
  timeoutMs = 30_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await getEntryFrom(contract, id, mspId);
    } catch (error) {
      const notYet =
        contractErrorCode(error) === 'NOT_FOUND' ||
        (error instanceof GatewayError && error.code === FAILED_PRECONDITION);
      if (!notYet || Date.now() > deadline) {
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** The contract's error code carried by a failed call, from the endorsers' details or message. */
export function contractErrorCode(error: unknown): string | undefined {
  if (!(error instanceof GatewayError)) {
    return undefined;
  }
  const messages = [error.message, ...error.details.map((detail) => detail.message)];
  for (const message of messages) {
    const envelope = decodeErrorEnvelope(message);
    if (envelope !== undefined) {
      return envelope.code;
    }
  }
  return undefined;
}

/** Calls `work`, expecting it to fail with one of the contract's error codes. */
export async function expectContractError(work: () => Promise<unknown>): Promise<string> {
  try {
    await work();
  } catch (error) {
    const code = contractErrorCode(error);
    if (code === undefined) {
      throw new Error('the call failed without a contract error envelope', { cause: error });
    }
    return code;
  }
  throw new Error('the call succeeded');
}

/** Waits for the chaincode event of the transaction `transactionId`, starting at `startBlock`. */
export async function chaincodeEventOf(
  network: Network,
  chaincode: string,
  transactionId: string,
  startBlock: bigint,
): Promise<{ eventName: string; payload: unknown }> {
  const events = await network.getChaincodeEvents(chaincode, { startBlock });
  try {
    for await (const event of events) {
      if (event.transactionId === transactionId) {
        return { eventName: event.eventName, payload: JSON.parse(utf8.decode(event.payload)) };
      }
    }
  } finally {
    events.close();
  }
  throw new Error(`the event stream ended before transaction ${transactionId}'s event`);
}
