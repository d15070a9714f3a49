/** Fabric blocks built with Fabric's own protobuf messages, laid out as an orderer and a peer do. */
import { createHash } from 'node:crypto';
import { common } from '@hyperledger/fabric-protos';
import { blockHeaderHash } from '../../verifier/src/fabric/block-header.js';

export const sha256 = (bytes: Uint8Array): Buffer => createHash('sha256').update(bytes).digest();

/**
 * A signed envelope with a channel header and `data` for its transaction (none by default):
 * enough to be indexed by its id and type.
 */
export function envelope(type: number, txId: string, data?: Uint8Array): Uint8Array {
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(type);
  channelHeader.setChannelId('audit');
  channelHeader.setTxId(txId);
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  if (data !== undefined) {
    payload.setData(data);
  }
  const signed = new common.Envelope();
  signed.setPayload(payload.serializeBinary());
  signed.setSignature(sha256(Buffer.from(txId)));
  return signed.serializeBinary();
}

/** A block of `envelopes`, its data hash over them and one TRANSACTIONS_FILTER code for each. */
export function fabricBlock(
  number: number,
  previousHash: Uint8Array,
  envelopes: Uint8Array[],
  codes: number[],
): common.Block {
  const header = new common.BlockHeader();
  header.setNumber(number);
  header.setPreviousHash(previousHash);
  header.setDataHash(sha256(Buffer.concat(envelopes)));
  const data = new common.BlockData();
  data.setDataList(envelopes);
  const metadata = new common.BlockMetadata();
  const slots: Uint8Array[] = [new Uint8Array(), new Uint8Array(), new Uint8Array()];
  slots[common.BlockMetadataIndex.TRANSACTIONS_FILTER] = Uint8Array.from(codes);
  metadata.setMetadataList(slots);
  const block = new common.Block();
  block.setHeader(header);
  block.setData(data);
  block.setMetadata(metadata);
  return block;
}

export function headerHashOf(block: common.Block): Buffer {
  const header = block.getHeader() ?? new common.BlockHeader();
  return blockHeaderHash({
    number: BigInt(header.getNumber()),
    previousHash: header.getPreviousHash_asU8(),
    dataHash: header.getDataHash_asU8(),
  });
}
