import { common, peer } from '@hyperledger/fabric-protos';
import type { BlockHeaderFields } from './block-header';

/** The fields of a block's header that its hash covers. */
export function headerFieldsOf(block: common.Block): BlockHeaderFields {
  const header = block.getHeader();
  return {
    number: BigInt(header?.getNumber() ?? 0),
    previousHash: header?.getPreviousHash_asU8() ?? new Uint8Array(),
    dataHash: header?.getDataHash_asU8() ?? new Uint8Array(),
  };
}

/** The channel header of one of a block's envelopes: its transaction id, channel and type. */
export function channelHeaderOf(envelopeBytes: Uint8Array): common.ChannelHeader {
  const payload = common.Payload.deserializeBinary(
    common.Envelope.deserializeBinary(envelopeBytes).getPayload_asU8(),
  );
  return common.ChannelHeader.deserializeBinary(
    payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(),
  );
}

/** Fabric's name of a transaction validation code (`VALID`, `MVCC_READ_CONFLICT`, …). */
export function validationCodeName(code: number | undefined): string {
  return (
    Object.entries(peer.TxValidationCode).find(([, value]) => value === code)?.[0] ??
    `code ${code ?? 'missing'}`
  );
}
