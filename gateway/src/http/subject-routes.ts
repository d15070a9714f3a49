import { Router, type Request, type Response } from 'express';
import type { Pseudonymizer } from '../pseudonymizer';
import { lookUpSubject } from '../subject-lookup';
import { principalOf, requireJson } from './request-handlers';

/** `POST /v1/subjects/lookup`: a person's or company's trail, from a number sent in the body. */
export function createSubjectRouter(pseudonymizer: Pseudonymizer): Router {
  const router = Router();
  router.post('/v1/subjects/lookup', requireJson, (request: Request, response: Response) => {
    response.json(lookUpSubject(pseudonymizer, principalOf(response), request.body));
  });
  return router;
}
