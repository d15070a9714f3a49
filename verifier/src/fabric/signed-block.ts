import { common, peer } from '@hyperledger/fabric-protos';
import { channelHeaderOf } from './block-contents';

export const QUERY_CHAINCODE = 'qscc';

/**
 * A block as one peer served it, in that peer's signed words: the proposal response payload of
 * a `qscc GetBlockByNumber` call (its chaincode action's response carries the block) and the
 * peer's endorsement over it. Anyone holding the peer organisation's root certificate can check
 * which peer said what, including the validation flags the peer keeps in the block's metadata.
 */
export interface PeerBlockAnswer {
  /** Base64 of Fabric's `protos.ProposalResponsePayload`. */
  proposalResponsePayload: string;
  /** Base64 of the endorser's `msp.SerializedIdentity`. */
  endorser: string;
  /** Base64 DER ECDSA signature over payload ‖ endorser. */
  signature: string;
}

export class PeerAnswerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = PeerAnswerError.name;
  }
}

/** The block a peer's answer carries, or why it carries none. */
export function blockInAnswer(proposalResponsePayload: Uint8Array): common.Block {
  const action = peer.ChaincodeAction.deserializeBinary(
    peer.ProposalResponsePayload.deserializeBinary(proposalResponsePayload).getExtension_asU8(),
  );
  const response = action.getResponse();
  if (action.getChaincodeId()?.getName() !== QUERY_CHAINCODE || response?.getStatus() !== 200) {
    throw new PeerAnswerError('the answer carries no block');
  }
  return common.Block.deserializeBinary(response.getPayload_asU8());
}

/** The position of a transaction among a block's envelopes. */
export function transactionIndexIn(block: common.Block, txId: string): number {
  return (block.getData()?.getDataList_asU8() ?? []).findIndex(
    (bytes) => channelHeaderOf(bytes).getTxId() === txId,
  );
}
