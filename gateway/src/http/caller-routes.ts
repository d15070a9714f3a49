import { Router, type Request, type Response } from 'express';
import { organizationGranting, standardConsortium } from '@audit-ledger/chaincode';
import { principalOf } from './request-handlers';

/** `GET /v1/me`: who the API key belongs to, so that a client shows only what its role may do. */
export function createCallerRouter(): Router {
  const router = Router();
  router.get('/v1/me', (_request: Request, response: Response) => {
    const { name, role } = principalOf(response);
    response.json({ name, role, organization: organizationGranting(standardConsortium, role) });
  });
  return router;
}
