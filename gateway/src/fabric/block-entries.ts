import { ENTRIES_RECORDED_EVENT, type EntriesRecordedEvent } from '@audit-ledger/chaincode';
import { common, msp, peer } from '@hyperledger/fabric-protos';
import { districtDate, type CountedEntry } from '../ledger/entry-day-counts';

const utf8 = new TextDecoder();

/**
 * The entries one of a block's transactions recorded, as the contract's `EntriesRecorded` event
 * names them (ids and kinds), with what the contract stamps on each of them: the transaction's
 * time as `committedAt` and its creator's organisation as `submitter.mspId`. Nothing unless the
 * peer flagged the transaction VALID (`validationCode`): an invalidated one wrote nothing.
 */
export function entriesRecordedBy(envelope: Uint8Array, validationCode: number): CountedEntry[] {
  if (validationCode !== peer.TxValidationCode.VALID) {
    return [];
  }
  const payload = common.Payload.deserializeBinary(
    common.Envelope.deserializeBinary(envelope).getPayload_asU8(),
  );
  const header = payload.getHeader() ?? new common.Header();
  const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
  if (channelHeader.getType() !== common.HeaderType.ENDORSER_TRANSACTION) {
    return [];
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
    return [];
  }
  const { entries } = JSON.parse(utf8.decode(event.getPayload_asU8())) as EntriesRecordedEvent;
  const chaincode = action.getChaincodeId()?.getName() ?? '';
  const date = districtDate((channelHeader.getTimestamp()?.getSeconds() ?? 0) * 1000);
  const mspId = msp.SerializedIdentity.deserializeBinary(
    common.SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8()).getCreator_asU8(),
  ).getMspid();
  return entries.map(({ kind }) => ({ chaincode, date, kind, mspId }));
}
