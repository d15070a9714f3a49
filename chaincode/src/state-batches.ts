import { peer } from '@hyperledger/fabric-protos';
import type { ChaincodeStub } from 'fabric-shim-api';

/**
 * Many keys per message between the contract and its peer. fabric-shim 2.5 sends one message
 * per getState and putState and waits for each answer, one at a time per transaction: a
 * 500-entry transaction made ~4,000 round trips to the peer. Fabric 3 peers also take a
 * transaction's writes as one WRITE_BATCH_STATE message and answer many reads in one
 * GET_STATE_MULTIPLE (announced to chaincode as useWriteBatch and useGetMultipleKeys, with up to
 * 1,000 keys per message by default); fabric-shim has no call for either, so they are sent here
 * through the shim's own message queue for the transaction.
 *
 * Elsewhere (the embedded ledger's stub, the tests' in-memory stub), or should a peer refuse the
 * message (a Fabric 2 peer does not know it), keys are read and written one message each.
 */

/** Keys per message: the peer's default maxSizeWriteBatch and maxSizeGetMultipleKeys. */
export const KEYS_PER_MESSAGE = 1000;

/** The part of fabric-shim's per-connection handler these messages go through. */
interface ShimHandler {
  _askPeerAndListen(message: peer.ChaincodeMessage, method: string): Promise<Buffer>;
}

interface ShimStub {
  handler?: Partial<ShimHandler>;
  channel_id?: string;
  txId?: string;
}

/** The handler, channel and transaction of a stub fabric-shim made, or nothing for any other. */
function shimOf(stub: ChaincodeStub) {
  const { handler, channel_id: channelId, txId } = stub as unknown as ShimStub;
  return typeof handler?._askPeerAndListen === 'function' &&
    channelId !== undefined &&
    txId !== undefined
    ? { handler: handler as ShimHandler, channelId, txId }
    : undefined;
}

let refusalReported = false;

/** Says once, in the chaincode's log, that the peer refused a batch and keys go one by one. */
function reportRefusal(error: unknown): void {
  if (!refusalReported) {
    refusalReported = true;
    process.stderr.write(
      `the peer refused a batched state message (${error instanceof Error ? error.message : String(error)}); keys are read and written one by one\n`,
    );
  }
}

function chunks<T>(items: readonly T[]): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += KEYS_PER_MESSAGE) {
    result.push(items.slice(start, start + KEYS_PER_MESSAGE));
  }
  return result;
}

function message(
  type: peer.ChaincodeMessage.TypeMap[keyof peer.ChaincodeMessage.TypeMap],
  payload: Uint8Array,
  shim: { channelId: string; txId: string },
): peer.ChaincodeMessage {
  const chaincodeMessage = new peer.ChaincodeMessage();
  chaincodeMessage.setType(type);
  chaincodeMessage.setPayload(payload);
  chaincodeMessage.setTxid(shim.txId);
  chaincodeMessage.setChannelId(shim.channelId);
  return chaincodeMessage;
}

/** The values of `keys`, in order; an absent key's value is empty. */
export async function getStates(
  stub: ChaincodeStub,
  keys: readonly string[],
): Promise<Uint8Array[]> {
  const shim = shimOf(stub);
  if (shim !== undefined) {
    try {
      const values: Uint8Array[] = [];
      for (const part of chunks(keys)) {
        const request = new peer.GetStateMultiple();
        request.setKeysList(part);
        const answer = await shim.handler._askPeerAndListen(
          message(peer.ChaincodeMessage.Type.GET_STATE_MULTIPLE, request.serializeBinary(), shim),
          'GetStateMultiple',
        );
        const result = peer.GetStateMultipleResult.deserializeBinary(answer).getValuesList_asU8();
        if (result.length !== part.length) {
          throw new Error(`the peer answered ${result.length} values for ${part.length} keys`);
        }
        values.push(...result);
      }
      return values;
    } catch (error) {
      // A peer that does not read keys in batches: read them one by one below.
      reportRefusal(error);
    }
  }
  return Promise.all(keys.map((key) => stub.getState(key)));
}

/** Writes every `[key, value]` pair, in order, as one transaction's writes. */
export async function putStates(
  stub: ChaincodeStub,
  writes: readonly (readonly [string, Uint8Array])[],
): Promise<void> {
  const shim = shimOf(stub);
  if (shim !== undefined) {
    try {
      for (const part of chunks(writes)) {
        const batch = new peer.WriteBatchState();
        batch.setRecList(
          part.map(([key, value]) => {
            const record = new peer.WriteRecord();
            record.setKey(key);
            record.setValue(value);
            record.setType(peer.WriteRecord.Type.PUT_STATE);
            return record;
          }),
        );
        await shim.handler._askPeerAndListen(
          message(peer.ChaincodeMessage.Type.WRITE_BATCH_STATE, batch.serializeBinary(), shim),
          'WriteBatchState',
        );
      }
      return;
    } catch (error) {
      // A peer that does not take writes in batches: write them one by one below (a key
      // written twice in one transaction keeps its last value, so repeating a part is harmless).
      reportRefusal(error);
    }
  }
  await Promise.all(writes.map(([key, value]) => stub.putState(key, value)));
}
