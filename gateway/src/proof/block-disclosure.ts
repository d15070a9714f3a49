import {
  canRead,
  organizationGranting,
  standardConsortium,
  type Caller,
} from '@audit-ledger/chaincode';
import { common, msp } from '@hyperledger/fabric-protos';
import {
  blockInAnswer,
  type BlockProofBundle,
  type ProofBundle,
  type ProofMaterial,
} from '@audit-ledger/verifier';
import type { Principal } from '../ledger/ledger';
import { RequestError } from '../services/request-error';
import type { TransactionDisclosure } from '../fabric/transaction-disclosure';

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

/** How many transactions of the entry's block the caller may not read. */
export function hiddenTransactions(material: ProofMaterial, principal: Principal): number {
  const caller: Pick<Caller, 'mspId' | 'role'> = {
    mspId: organizationGranting(standardConsortium, principal.role),
    role: principal.role,
  };
  return blockCreators(material).filter((mspId) => !canRead(caller, { submitter: { mspId } }))
    .length;
}

/**
 * The bundle a caller may receive. With the whole block when it may read every transaction in
 * it; otherwise, on Fabric, reduced to the entry's own transaction with the witnesses'
 * statements of the block; where that cannot be made, refused, naming who can obtain the whole
 * proof: a regulator reads every organisation's entries.
 */
export async function disclosedTo(
  principal: Principal,
  bundle: BlockProofBundle,
  disclosure: TransactionDisclosure | undefined,
): Promise<ProofBundle> {
  const hidden = hiddenTransactions(bundle, principal);
  if (hidden === 0) {
    return bundle;
  }
  if (bundle.ledger === 'fabric' && disclosure !== undefined) {
    return disclosure.disclose(bundle);
  }
  throw new RequestError(
    'PROOF_WITHHELD',
    `block ${bundle.entry.blockNumber} also holds ${hidden} transaction(s) of other organisations, which its proof would reveal; a regulator can obtain this entry's proof`,
  );
}
