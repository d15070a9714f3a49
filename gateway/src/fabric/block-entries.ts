import {
  ENTRIES_RECORDED_EVENT,
  entryKey,
  type EntriesRecordedEvent,
  type KindRegistry,
} from '@audit-ledger/chaincode';
import { common, ledger, msp, peer } from '@hyperledger/fabric-protos';
import { committedEntry, type CommittedEntry } from '../ledger/committed-blocks';
import { districtDate, type CountedEntry } from '../ledger/entry-day-counts';
import { postedTransaction, type PostedTransaction } from '../ledger/entry-postings';

const { kvrwset } = ledger.rwset;
const utf8 = new TextDecoder();

/** A valid transaction that recorded entries, as far as the block says. */
export interface RecordingTransaction {
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
export function recordingTransaction(
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
export function entriesRecordedBy(transaction: RecordingTransaction): CountedEntry[] {
  const { channelHeader, chaincode, creatorMspId: mspId, recorded } = transaction;
  const date = districtDate((channelHeader.getTimestamp()?.getSeconds() ?? 0) * 1000);
  return recorded.entries.map(({ kind }) => ({ chaincode, date, kind, mspId }));
}

/** The values read-write sets (`KVRWSet`s) wrote, by key. */
function writesIn(rwsets: Iterable<Uint8Array>): Map<string, Uint8Array> {
  const writes = new Map<string, Uint8Array>();
  for (const rwset of rwsets) {
    for (const write of kvrwset.KVRWSet.deserializeBinary(rwset).getWritesList()) {
      if (!write.getIsDelete()) {
        writes.set(write.getKey(), write.getValue_asU8());
      }
    }
  }
  return writes;
}

/** The public writes of `transaction`'s chaincode, by key. */
function publicWrites(transaction: RecordingTransaction): Map<string, Uint8Array> {
  return writesIn(
    ledger.rwset.TxReadWriteSet.deserializeBinary(transaction.action.getResults_asU8())
      .getNsRwsetList()
      .filter((set) => set.getNamespace() === transaction.chaincode)
      .map((set) => set.getRwset_asU8()),
  );
}

/** The values each entry key holds, in the order the contract's event lists the entries. */
function entryValues(
  transaction: RecordingTransaction,
  writes: ReadonlyMap<string, Uint8Array>,
): Uint8Array[] {
  return transaction.recorded.entries.flatMap(({ id }) => {
    const value = writes.get(entryKey(id, transaction.creatorMspId));
    return value === undefined ? [] : [value];
  });
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
  return entryValues(transaction, publicWrites(transaction)).map(committedEntry);
}

/**
 * What one of a block's transactions posts to `chaincode`'s index (see postedTransaction), its
 * entries' private details taken from `privateWrites`, the transaction's private write set as
 * a peer delivers it to a member of the collections; undefined for a transaction that recorded
 * no entry of `chaincode`.
 */
export function postedBy(
  transaction: RecordingTransaction,
  chaincode: string,
  kinds: KindRegistry,
  privateWrites: ledger.rwset.TxPvtReadWriteSet | undefined,
): PostedTransaction | undefined {
  if (transaction.chaincode !== chaincode) {
    return undefined;
  }
  const writes = publicWrites(transaction);
  const held = new Map<string, Map<string, Uint8Array>>();
  for (const namespace of privateWrites?.getNsPvtRwsetList() ?? []) {
    if (namespace.getNamespace() !== chaincode) {
      continue;
    }
    for (const collection of namespace.getCollectionPvtRwsetList()) {
      held.set(collection.getCollectionName(), writesIn([collection.getRwset_asU8()]));
    }
  }
  return postedTransaction(
    kinds,
    chaincode,
    { entries: entryValues(transaction, writes), keys: writes.keys() },
    (collection, entry) => held.get(collection)?.get(entryKey(entry.id, entry.submitter.mspId)),
  );
}
