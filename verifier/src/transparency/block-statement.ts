import { NoteError } from './signed-note';

/**
 * A witness's signed statement of what one block holds, as its own organisation's peer served
 * it: the header's hash, each transaction's envelope hash in block order, and the peer's
 * validation code for each. The witness signs it only after recomputing the block's data hash
 * from the whole envelopes, so a quorum of such statements lets a verifier check one
 * transaction's place in a block without seeing the other transactions' bytes.
 *
 * The body is a C2SP signed note whose first line names this statement type, never a log's
 * origin: a statement can never be read as a checkpoint, nor a checkpoint as a statement.
 */
export const BLOCK_STATEMENT_TYPE = 'audit-ledger/block-transactions/v1';

export interface BlockStatement {
  /** The checkpoint log (origin) whose channel the block belongs to. */
  origin: string;
  block: number;
  headerHash: Buffer;
  /** SHA-256 of each envelope, in block order. */
  envelopeHashes: Buffer[];
  /** The peer's validation code of each transaction (Fabric's TRANSACTIONS_FILTER). */
  validationCodes: number[];
}

export function blockStatementBody(statement: BlockStatement): string {
  if (statement.envelopeHashes.length !== statement.validationCodes.length) {
    throw new NoteError('a block statement names one validation code per envelope');
  }
  const lines = [
    BLOCK_STATEMENT_TYPE,
    statement.origin,
    String(statement.block),
    statement.headerHash.toString('base64'),
    Buffer.from(statement.validationCodes).toString('hex'),
    ...statement.envelopeHashes.map((hash) => hash.toString('base64')),
  ];
  return `${lines.join('\n')}\n`;
}

const HASH_LINE = /^[A-Za-z0-9+/]{43}=$/;

export function parseBlockStatement(body: string): BlockStatement {
  const [type, origin, block, headerHash, codes, ...rest] = body.split('\n');
  const hashes = rest.slice(0, -1);
  const valid =
    type === BLOCK_STATEMENT_TYPE &&
    origin !== undefined &&
    origin !== '' &&
    block !== undefined &&
    /^(0|[1-9]\d{0,15})$/.test(block) &&
    headerHash !== undefined &&
    HASH_LINE.test(headerHash) &&
    codes !== undefined &&
    /^(?:[0-9a-f]{2})*$/.test(codes) &&
    codes.length === hashes.length * 2 &&
    rest.at(-1) === '' &&
    hashes.every((line) => HASH_LINE.test(line));
  if (!valid) {
    throw new NoteError(
      'not a block statement: type, origin, block, header hash, codes and envelope hashes expected',
    );
  }
  return {
    origin,
    block: Number(block),
    headerHash: Buffer.from(headerHash, 'base64'),
    envelopeHashes: hashes.map((line) => Buffer.from(line, 'base64')),
    validationCodes: [...Buffer.from(codes, 'hex')],
  };
}
