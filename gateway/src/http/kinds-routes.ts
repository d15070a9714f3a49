import type { KindRegistry } from '@audit-ledger/chaincode';
import { Router, type Request, type Response } from 'express';
import { kindCatalogue } from '../services/kind-catalogue';

/** `GET /v1/kinds`: each kind the ledger records, every version, its schema and examples. */
export function createKindsRouter(kinds: KindRegistry): Router {
  const catalogue = kindCatalogue(kinds);
  const router = Router();
  router.get('/v1/kinds', (_request: Request, response: Response) => {
    response.json(catalogue);
  });
  return router;
}
