import {
  ENTRIES_RECORDED_EVENT,
  entryKey,
  type EntriesRecordedEvent,
} from '@audit-ledger/chaincode';
import { common, ledger, msp, peer } from '@hyperledger/fabric-protos';
import { committedEntry, type CommittedEntry } from '../ledger/committed-blocks';
import { districtDate, type CountedEntry } from '../ledger/entry-day-counts';

const { kvrwset } = ledger.rwset;
const utf8 = new TextDecoder();

/** A valid transaction that recorded entries, as far as the block says. */
interface RecordingTransaction {
  channelHeader: common.ChannelHeader;
  creatorMspId: string;
  action: peer.ChaincodeAction;
  chaincode: string;
  /** The contract's `EntriesRecorded` event: the entries' ids and kinds, in recording order. */
  recorded: EntriesRecordedEvent;
}

/**
 * The transaction in `envelope`, when the peer flagged it VALID (`validationCode`: an
 * invalidated one wrote nothing) and its chaincode emitted the contract's `EntriesRecorded` event.
 */
function recordingTransaction(
  envelope: Uint8Array,
  validationCode: number,
): RecordingTransaction | undefined {
  if (validationCode !== peer.TxValidationCode.VALID) {
    return undefined;
  }
  const payload = common.Payload.deserializeBinary(
    common.Envelope.deserializeBinary(envelope).getPayload_asU8(),
  );
  const header = payload.getHeader() ?? new common.Header();
  const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
  if (channelHeader.getType() !== common.HeaderType.ENDORSER_TRANSACTION) {
    return undefined;
  }
  const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(
    peer.Transaction.deserializeBinary(payload.getData_asU8())
      .getActionsList()[0]
      ?.getPayload_asU8() ?? new Uint8Array(),
  );
  const action = peer.ChaincodeAction.deserializeBinary(
    peer.ProposalResponsePayload.deserializeBinary(
      actionPayload.getAction()?.getProposalResponsePayload_asU8() ?? new Uint8Array(),
    ).getExtension_asU8(),
  );
  const event = peer.ChaincodeEvent.deserializeBinary(action.getEvents_asU8());
  if (event.getEventName() !== ENTRIES_RECORDED_EVENT) {
    return undefined;
  }
  const creatorMspId = msp.SerializedIdentity.deserializeBinary(
    common.SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8()).getCreator_asU8(),
  ).getMspid();
  return {
    channelHeader,
    creatorMspId,
    action,
    chaincode: action.getChaincodeId()?.getName() ?? '',
    recorded: JSON.parse(utf8.decode(event.getPayload_asU8())) as EntriesRecordedEvent,
  };
}

/**
 * The entries one of a block's transactions recorded, as counted: ids and kinds from the
 * contract's event, with what the contract stamps on each of them: the transaction's time as
 * `committedAt` and its creator's organisation as `submitter.mspId`.
 */
export function entriesRecordedBy(envelope: Uint8Array, validationCode: number): CountedEntry[] {
  const transaction = recordingTransaction(envelope, validationCode);
  if (transaction === undefined) {
    return [];
  }
  const { channelHeader, chaincode, creatorMspId: mspId, recorded } = transaction;
  const date = districtDate((channelHeader.getTimestamp()?.getSeconds() ?? 0) * 1000);
  return recorded.entries.map(({ kind }) => ({ chaincode, date, kind, mspId }));
}

/**
 * The entries `chaincode` recorded in one of a block's transactions, whole, in the order its
 * event lists them: each is the value written under its entry key in the transaction's write set.
 */
export function entriesCommittedBy(
  envelope: Uint8Array,
  validationCode: number,
  chaincode: string,
): CommittedEntry[] {
  const transaction = recordingTransaction(envelope, validationCode);
  if (transaction?.chaincode !== chaincode) {
    return [];
  }
  const writes = new Map<string, Uint8Array>();
  const readWriteSet = ledger.rwset.TxReadWriteSet.deserializeBinary(
    transaction.action.getResults_asU8(),
  );
  for (const set of readWriteSet.getNsRwsetList()) {
    if (set.getNamespace() !== chaincode) {
      continue;
    }
    for (const write of kvrwset.KVRWSet.deserializeBinary(set.getRwset_asU8()).getWritesList()) {
      if (!write.getIsDelete()) {
        writes.set(write.getKey(), write.getValue_asU8());
      }
    }
  }
  return transaction.recorded.entries.flatMap(({ id }) => {
    const value = writes.get(entryKey(id, transaction.creatorMspId));
    return value === undefined ? [] : [committedEntry(value)];
  });
}
