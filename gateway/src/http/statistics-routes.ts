import type { KindRegistry } from '@audit-ledger/chaincode';
import { Router, type Request, type Response } from 'express';
import { entriesPerDay } from '../services/entries-per-day';
import type { Ledger } from '../ledger/ledger';
import { principalOf } from './request-handlers';

/** `GET /v1/statistics/entries-per-day`: the console's overview chart, over what the caller may read. */
export function createStatisticsRouter(ledger: Ledger, kinds: KindRegistry): Router {
  const router = Router();
  router.get('/v1/statistics/entries-per-day', async (request: Request, response: Response) => {
    response.json(await entriesPerDay(ledger, kinds.kinds, principalOf(response), request.query));
  });
  return router;
}
