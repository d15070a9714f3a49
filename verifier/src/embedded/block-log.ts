import { hash } from 'node:crypto';
import { canonicalJson } from '@audit-ledger/chaincode/dist/entry-format';

/**
 * The embedded ledger's blocks, shaped after Fabric's: a header of number, previous header hash
 * and data hash, where the data hash covers every transaction in the block and each
 * transaction records the hash of every value it wrote. Changing a stored value, a transaction
 * or a header breaks a hash that the next block (and the integrity check) depends on. Fields
 * added since the first blocks are optional and left out when empty, so those blocks still
 * hash as they were stored.
 */

export const GENESIS_PREVIOUS_HASH = '0'.repeat(64);

/** A write to public state, as Fabric's KVWrite: the value's hash, or a delete. */
export interface WriteRecord {
  key: string;
  /** Absent on a delete. */
  valueSha256?: string;
  isDelete?: true;
}

/**
 * A write to a private collection, as Fabric's KVWriteHash: key and value hashed, never in
 * clear. A purge is a delete that also erased the key's earlier values.
 */
export interface PrivateWriteRecord {
  keySha256: string;
  /** Absent on a delete or purge. */
  valueSha256?: string;
  isDelete?: true;
  isPurge?: true;
}

/** One collection's part of a transaction's hashed private writes. */
export interface CollectionWritesRecord {
  collection: string;
  writes: PrivateWriteRecord[];
}

/** A signature by the X.509 identity whose certificate hashes to `certificateSha256`. */
export interface IdentitySignature {
  mspId: string;
  certificateSha256: string;
  /** Base64 DER ECDSA signature. */
  signature: string;
}

export interface TransactionRecord {
  txId: string;
  /** Ledger time of the proposal. */
  timestamp: string;
  creator: { mspId: string; certificateSha256: string };
  fcn: string;
  argsSha256: string;
  writes: WriteRecord[];
  /** Absent when the transaction wrote no private data. */
  privateWrites?: CollectionWritesRecord[];
  event?: { name: string; payloadSha256: string };
  /** The creator's signature over its proposal. */
  creatorSignature: string;
  /** Each endorsing peer's signature over the proposal's result. */
  endorsements: IdentitySignature[];
}

export interface BlockHeader {
  number: number;
  previousHash: string;
  dataHash: string;
}

export interface Block {
  header: BlockHeader;
  headerHash: string;
  transactions: TransactionRecord[];
  /** The orderer's signature over the header hash; not covered by the data hash, as in Fabric. */
  ordererSignature?: IdentitySignature;
}

export function sha256Hex(data: string | Uint8Array): string {
  // The one-shot form: a block hashes thousands of small values, where a Hash object costs more
  // than the hashing.
  return hash('sha256', data, 'hex');
}

export function dataHashOf(transactions: TransactionRecord[]): string {
  return sha256Hex(canonicalJson(transactions));
}

export function headerHashOf(header: BlockHeader): string {
  return sha256Hex(canonicalJson(header));
}

export function buildBlock(
  number: number,
  previousHash: string,
  transactions: TransactionRecord[],
): Block {
  const header = { number, previousHash, dataHash: dataHashOf(transactions) };
  return { header, headerHash: headerHashOf(header), transactions };
}
