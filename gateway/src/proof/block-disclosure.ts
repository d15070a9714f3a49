import {
  canRead,
  organizationGranting,
  standardConsortium,
  type Caller,
} from '@audit-ledger/chaincode';
import { common, msp } from '@hyperledger/fabric-protos';
import { blockInAnswer } from '../fabric/signed-block';
import type { Principal } from '../ledger/ledger';
import { RequestError } from '../request-error';
import type { ProofMaterial } from './proof-bundle';

/** The organisation of each transaction in the entry's block: whose data the block carries. */
export function blockCreators(material: ProofMaterial): string[] {
  if (material.ledger === 'embedded') {
    return material.block.transactions.map((transaction) => transaction.creator.mspId);
  }
  const [answer] = material.peerBlocks;
  if (answer === undefined) {
    return [];
  }
  const block = blockInAnswer(Buffer.from(answer.proposalResponsePayload, 'base64'));
  return (block.getData()?.getDataList_asU8() ?? []).map((bytes) => {
    const payload = common.Payload.deserializeBinary(
      common.Envelope.deserializeBinary(bytes).getPayload_asU8(),
    );
    const signatureHeader = common.SignatureHeader.deserializeBinary(
      payload.getHeader()?.getSignatureHeader_asU8() ?? new Uint8Array(),
    );
    return msp.SerializedIdentity.deserializeBinary(signatureHeader.getCreator_asU8()).getMspid();
  });
}

/**
 * A bundle carries its entry's whole block, so that the data hash can be recomputed; it is
 * handed only to a caller who may read every transaction in that block. A writer whose entry
 * shares a block with another organisation's transactions is refused, naming who can obtain
 * the proof: a regulator reads every organisation's entries.
 */
export function assertDisclosesOnlyReadable(material: ProofMaterial, principal: Principal): void {
  const caller: Pick<Caller, 'mspId' | 'role'> = {
    mspId: organizationGranting(standardConsortium, principal.role),
    role: principal.role,
  };
  const hidden = blockCreators(material).filter(
    (mspId) => !canRead(caller, { submitter: { mspId } }),
  );
  if (hidden.length > 0) {
    throw new RequestError(
      'PROOF_WITHHELD',
      `block ${material.entry.blockNumber} also holds ${hidden.length} transaction(s) of other organisations, which its proof would reveal; a regulator can obtain this entry's proof`,
    );
  }
}
