import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { type BlockStatement, NoteError, parseCheckpoint, parseNote } from '@audit-ledger/verifier';
import { WitnessBehind, WitnessConflict, WitnessRefusal, type Witness } from './witness';

const MAX_BODY_BYTES = 1 << 20;

class BadRequest extends Error {}

/** The blocks the witness's own organisation's peer served it, as its own index holds them. */
export interface OwnBlocks {
  /**
   * Block `number`'s header hash and its envelopes' hashes and validation codes, each hash
   * recomputed from the whole block; throws WitnessBehind while the index cannot say yet.
   */
  transactionsOf(
    number: number,
  ): Promise<Pick<BlockStatement, 'headerHash' | 'envelopeHashes' | 'validationCodes'>>;
}

const BLOCK_TRANSACTIONS = /^\/block-transactions\/(0|[1-9]\d{0,15})$/;

/** Parses a C2SP tlog-witness `add-checkpoint` body: `old N`, proof lines, a blank line, the note. */
export function parseAddCheckpoint(text: string): {
  oldSize: number;
  proof: Buffer[];
  note: string;
} {
  const blank = text.indexOf('\n\n');
  if (blank < 0) {
    throw new BadRequest('expected "old <size>", proof lines, a blank line and a checkpoint');
  }
  const [old = '', ...proofLines] = text.slice(0, blank).split('\n');
  const oldSize = /^old (0|[1-9]\d{0,15})$/.exec(old)?.[1];
  const proof = proofLines.map((line) => Buffer.from(line, 'base64'));
  if (oldSize === undefined || proof.some((hash) => hash.length !== 32)) {
    throw new BadRequest('the first line is "old <size>", each proof line a base64 SHA-256 hash');
  }
  return { oldSize: Number(oldSize), proof, note: text.slice(blank + 2) };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of request) {
    const bytes = chunk as Buffer;
    length += bytes.length;
    if (length > MAX_BODY_BYTES) {
      throw new BadRequest('the request is too large');
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function answer(response: ServerResponse, status: number, text: string, type = 'text/plain') {
  response.writeHead(status, { 'content-type': `${type}; charset=utf-8` });
  response.end(text.endsWith('\n') ? text : `${text}\n`);
}

/**
 * One organisation's witness over HTTP: `POST /add-checkpoint` (C2SP tlog-witness) answers
 * this witness's cosignature line (200), its last tree size when the log assumed another
 * (409), a refusal with its reason (422), or that its own peer is behind (503).
 * `GET /block-transactions/<n>` answers the witness's signed statement of block n as its own
 * peer served it (see block-statement.ts), or 503 while its index does not hold it.
 */
export function createWitnessServer(
  witness: Witness,
  origin: string,
  blocks: OwnBlocks,
  logger: Logger,
): Server {
  return createServer((request, response) => {
    void (async () => {
      if (request.method === 'GET' && request.url === '/healthz') {
        answer(
          response,
          200,
          JSON.stringify({ witness: witness.name, size: witness.lastSize }),
          'application/json',
        );
        return;
      }
      if (request.method === 'GET' && request.url?.startsWith('/block-transactions/') === true) {
        await stateBlock(response, request.url, witness, origin, blocks, logger);
        return;
      }
      if (request.method !== 'POST' || request.url !== '/add-checkpoint') {
        answer(response, 404, 'POST /add-checkpoint, GET /block-transactions/<block number>');
        return;
      }
      try {
        const { oldSize, proof, note } = parseAddCheckpoint(await readBody(request));
        const checkpoint = parseCheckpoint(parseNote(note).body);
        if (checkpoint.origin !== origin) {
          answer(response, 404, `unknown log ${checkpoint.origin}`);
          return;
        }
        answer(response, 200, await witness.addCheckpoint(oldSize, proof, note));
        logger.info({ size: checkpoint.size }, 'cosigned');
      } catch (error) {
        if (error instanceof WitnessConflict) {
          answer(response, 409, String(error.lastSize), 'text/x.tlog.size');
        } else if (error instanceof WitnessRefusal) {
          logger.error({ reason: error.reason }, 'refused to cosign');
          answer(response, 422, error.reason);
        } else if (error instanceof WitnessBehind) {
          answer(response, 503, error.message);
        } else if (error instanceof BadRequest || error instanceof NoteError) {
          answer(response, 400, error.message);
        } else {
          logger.error({ err: error }, 'add-checkpoint failed');
          answer(response, 500, 'the witness failed; see its log');
        }
      }
    })();
  });
}

async function stateBlock(
  response: ServerResponse,
  url: string,
  witness: Witness,
  origin: string,
  blocks: OwnBlocks,
  logger: Logger,
): Promise<void> {
  const number = Number(BLOCK_TRANSACTIONS.exec(url)?.[1]);
  if (!Number.isSafeInteger(number)) {
    answer(response, 404, 'GET /block-transactions/<block number>');
    return;
  }
  try {
    const transactions = await blocks.transactionsOf(number);
    answer(response, 200, witness.signStatement({ origin, block: number, ...transactions }));
  } catch (error) {
    if (error instanceof WitnessBehind) {
      answer(response, 503, error.message);
    } else {
      logger.error({ err: error, block: number }, 'stating a block failed');
      answer(response, 500, 'the witness failed; see its log');
    }
  }
}
