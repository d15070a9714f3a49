import { Router, type Request, type Response } from 'express';
import { ROLE_ORGANIZATIONS } from '../identity/identity-directory';
import { principalOf } from './request-handlers';

/** `GET /v1/me`: who the API key belongs to, so that a client shows only what its role may do. */
export function createCallerRouter(): Router {
  const router = Router();
  router.get('/v1/me', (_request: Request, response: Response) => {
    const { name, role } = principalOf(response);
    response.json({ name, role, organization: ROLE_ORGANIZATIONS[role] });
  });
  return router;
}
