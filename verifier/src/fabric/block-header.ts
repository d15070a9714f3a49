import { createHash } from 'node:crypto';

/** The fields of a Fabric block header that its hash covers. */
export interface BlockHeaderFields {
  number: bigint;
  previousHash: Uint8Array;
  dataHash: Uint8Array;
}

function derLength(length: number): Buffer {
  if (length < 0x80) {
    return Buffer.from([length]);
  }
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) {
    bytes.unshift(rest % 256);
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function derElement(tag: number, content: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([tag]), derLength(content.length), content]);
}

/** A non-negative INTEGER's content: big-endian, minimal, with a 0 byte before a high bit. */
function derUnsigned(value: bigint): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) {
    hex = `0${hex}`;
  }
  const bytes = Buffer.from(hex, 'hex');
  return (bytes[0] ?? 0) >= 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
}

/**
 * A block header's hash as Fabric computes it (and as the next block's `previous_hash` holds
 * it): SHA-256 of the DER SEQUENCE { INTEGER number, OCTET STRING previous_hash, OCTET STRING
 * data_hash }.
 */
export function blockHeaderHash(header: BlockHeaderFields): Buffer {
  return createHash('sha256').update(blockHeaderBytes(header)).digest();
}

/** The DER encoding that `blockHeaderHash` hashes. */
export function blockHeaderBytes(header: BlockHeaderFields): Buffer {
  return derElement(
    0x30,
    Buffer.concat([
      derElement(0x02, derUnsigned(header.number)),
      derElement(0x04, header.previousHash),
      derElement(0x04, header.dataHash),
    ]),
  );
}
