import { issueDetails } from '@audit-ledger/chaincode';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { ProofRangeError, type CheckpointLog } from '../transparency/checkpoint-log';
import type { Ledger } from '../ledger/ledger';
import type { ProofSource } from '../proof/proof-source';
import type { TransactionDisclosure } from '../fabric/transaction-disclosure';
import { disclosedTo } from '../proof/block-disclosure';
import { buildProofBundle } from '../proof/bundle-builder';
import { RequestError } from '../services/request-error';
import { principalOf } from './request-handlers';

const treeIndex = z
  .string()
  .regex(/^\d{1,15}$/, 'must be a whole number')
  .transform(Number);
const inclusionQuery = z.strictObject({ block: treeIndex, treeSize: treeIndex });
const consistencyQuery = z.strictObject({ from: treeIndex, to: treeIndex });

function parseQuery<Schema extends z.ZodType>(schema: Schema, query: unknown): z.output<Schema> {
  const parsed = schema.safeParse(query);
  if (!parsed.success) {
    throw new RequestError('INVALID_QUERY', 'invalid query', issueDetails(parsed.error));
  }
  return parsed.data;
}

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
export function createTransparencyRouter(
  proofs: ProofSource,
  checkpoints: CheckpointLog,
  disclosure: TransactionDisclosure | undefined,
): Router {
  const router = Router();
  router.get(
    '/v1/entries/:id/proof',
    async (request: Request<{ id: string }>, response: Response) => {
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
  );

  router.get('/v1/checkpoints/latest', async (_request: Request, response: Response) => {
    response.json(await checkpoints.latest());
  });

  router.get('/v1/proofs/inclusion', async (request: Request, response: Response) => {
    const { block, treeSize } = parseQuery(inclusionQuery, request.query);
    const proof = await answerProof(() => checkpoints.inclusion(block, treeSize));
    response.json({ block, treeSize, ...proof });
  });

  router.get('/v1/proofs/consistency', async (request: Request, response: Response) => {
    const { from, to } = parseQuery(consistencyQuery, request.query);
    const hashes = await answerProof(() => checkpoints.consistency(from, to));
    response.json({ from, to, hashes });
  });
  return router;
}

const TRANSPARENCY_PATHS = [
  '/v1/entries/:id/proof',
  '/v1/checkpoints/latest',
  '/v1/proofs/inclusion',
  '/v1/proofs/consistency',
];

/**
 * On a ledger that publishes no checkpoints (a Fabric connection file naming no witnesses),
 * each transparency route says so instead of a bare 404.
 */
export function createUnavailableTransparencyRouter(kind: Ledger['kind']): Router {
  const router = Router();
  for (const path of TRANSPARENCY_PATHS) {
    router.get(path, () => {
      throw new RequestError(
        'NOT_AVAILABLE_ON_THIS_LEDGER',
        `proof bundles and checkpoints need checkpoint witnesses, and this ${kind} ledger's configuration names none`,
      );
    });
  }
  return router;
}
