import { z } from 'zod';
import { ProofRangeError, type CheckpointLog } from '../transparency/checkpoint-log';
import type { Ledger } from '../ledger/ledger';
import type { ProofSource } from '../proof/proof-source';
import type { TransactionDisclosure } from '../fabric/transaction-disclosure';
import { disclosedTo } from '../proof/block-disclosure';
import { buildProofBundle } from '../proof/bundle-builder';
import { RequestError, parseRequest } from '../services/request-error';
import { commonErrors, errorResponse, json, notOnThisLedger } from './document-parts';
import { principalOf } from './request-handlers';
import { defineRoutes, routerOf, type ServedRoutes } from './routes';

const treeIndex = z
  .string()
  .regex(/^\d{1,15}$/, 'must be a whole number')
  .transform(Number);
const inclusionQuery = z.strictObject({ block: treeIndex, treeSize: treeIndex });
const consistencyQuery = z.strictObject({ from: treeIndex, to: treeIndex });

async function answerProof<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ProofRangeError) {
      throw new RequestError('INVALID_QUERY', error.message, undefined, error);
    }
    throw error;
  }
}

/** Signed checkpoints of the block tree and the proofs that tie entries, blocks and checkpoints. */
export const transparencyRoutes = defineRoutes({
  proof: {
    method: 'get',
    path: '/v1/entries/:id/proof',
    summary: 'A self-contained proof bundle (audit-ledger-proof/1) for offline verification',
    responses: {
      '200': { description: 'The bundle', content: json({ type: 'object' }) },
      ...notOnThisLedger,
      ...commonErrors,
      '403': errorResponse(
        "The entry's block also holds other organisations' transactions, which the bundle would reveal; a regulator can obtain it (PROOF_WITHHELD), or the role may not read (FORBIDDEN)",
      ),
      '404': errorResponse('No entry the caller may read (NOT_FOUND)'),
    },
  },
  latestCheckpoint: {
    method: 'get',
    path: '/v1/checkpoints/latest',
    summary: 'The signed, witness-cosigned checkpoint (C2SP signed note) of the block tree',
    responses: {
      '200': {
        description: 'The checkpoint',
        content: json({
          type: 'object',
          required: ['origin', 'size', 'rootHash', 'note', 'cosignedBy'],
          properties: {
            origin: { type: 'string' },
            size: { type: 'integer' },
            rootHash: { type: 'string', contentEncoding: 'base64' },
            note: { type: 'string' },
            cosignedBy: { type: 'array', items: { type: 'string' } },
          },
        }),
      },
      ...notOnThisLedger,
      ...commonErrors,
    },
  },
  inclusion: {
    method: 'get',
    path: '/v1/proofs/inclusion',
    summary: 'RFC 9162 audit path of a block in the tree of a given size',
    parameters: [
      { name: 'block', in: 'query', required: true, schema: { type: 'integer', minimum: 0 } },
      { name: 'treeSize', in: 'query', required: true, schema: { type: 'integer', minimum: 1 } },
    ],
    responses: {
      '200': { description: 'The proof', content: json({ type: 'object' }) },
      ...notOnThisLedger,
      ...commonErrors,
    },
  },
  consistency: {
    method: 'get',
    path: '/v1/proofs/consistency',
    summary: 'RFC 9162 consistency proof between two tree sizes',
    parameters: [
      { name: 'from', in: 'query', required: true, schema: { type: 'integer', minimum: 0 } },
      { name: 'to', in: 'query', required: true, schema: { type: 'integer', minimum: 0 } },
    ],
    responses: {
      '200': { description: 'The proof', content: json({ type: 'object' }) },
      ...notOnThisLedger,
      ...commonErrors,
    },
  },
});

/** Serves transparencyRoutes from the ledger's proofs and checkpoint log. */
export function createTransparencyRouter(
  proofs: ProofSource,
  checkpoints: CheckpointLog,
  disclosure: TransactionDisclosure | undefined,
): ServedRoutes {
  return routerOf(transparencyRoutes, {
    async proof(request, response) {
      const principal = principalOf(response);
      response.json(
        await answerProof(async () =>
          disclosedTo(
            principal,
            await buildProofBundle(proofs, checkpoints, principal, request.params.id),
            disclosure,
          ),
        ),
      );
    },

    async latestCheckpoint(_request, response) {
      response.json(await checkpoints.latest());
    },

    async inclusion(request, response) {
      const { block, treeSize } = parseRequest(
        inclusionQuery,
        request.query,
        'INVALID_QUERY',
        'invalid query',
      );
      const proof = await answerProof(() => checkpoints.inclusion(block, treeSize));
      response.json({ block, treeSize, ...proof });
    },

    async consistency(request, response) {
      const { from, to } = parseRequest(
        consistencyQuery,
        request.query,
        'INVALID_QUERY',
        'invalid query',
      );
      const hashes = await answerProof(() => checkpoints.consistency(from, to));
      response.json({ from, to, hashes });
    },
  });
}

/**
 * On a ledger that publishes no checkpoints (a Fabric connection file naming no witnesses),
 * each transparency route says so instead of a bare 404.
 */
export function createUnavailableTransparencyRouter(kind: Ledger['kind']): ServedRoutes {
  const refuse = () => {
    throw new RequestError(
      'NOT_AVAILABLE_ON_THIS_LEDGER',
      `proof bundles and checkpoints need checkpoint witnesses, and this ${kind} ledger's configuration names none`,
    );
  };
  return routerOf(transparencyRoutes, {
    proof: refuse,
    latestCheckpoint: refuse,
    inclusion: refuse,
    consistency: refuse,
  });
}
