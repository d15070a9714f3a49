import type { KindRegistry } from '@audit-ledger/chaincode';
import { Router, type Request, type Response } from 'express';
import type { Pseudonymizer } from '../services/pseudonymizer';
import { lookUpSubject } from '../services/subject-lookup';
import { principalOf, requireJson } from './request-handlers';

/** `POST /v1/subjects/lookup`: a person's or company's trail, from a number sent in the body. */
export function createSubjectRouter(
  pseudonymizer: Pseudonymizer | undefined,
  kinds: KindRegistry,
): Router {
  const router = Router();
  router.post('/v1/subjects/lookup', requireJson, (request: Request, response: Response) => {
    response.json(lookUpSubject(pseudonymizer, kinds, principalOf(response), request.body));
  });
  return router;
}
