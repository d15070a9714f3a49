import type { KindRegistry } from '@audit-ledger/chaincode';
import type { Pseudonymizer } from '../services/pseudonymizer';
import { lookUpSubject } from '../services/subject-lookup';
import { commonErrors, errorResponse, json, ref } from './document-parts';
import { principalOf } from './request-handlers';
import { defineRoutes, routerOf, type ServedRoutes } from './routes';

export const subjectRoutes = defineRoutes({
  lookUp: {
    method: 'post',
    path: '/v1/subjects/lookup',
    summary:
      "A person's or company's pseudonym and trail, from a resident identity number or unified social credit code sent in the body; the number is neither stored, logged nor returned",
    requestBody: { required: true, content: json(ref('SubjectLookupRequest')) },
    responses: {
      '200': { description: 'The pseudonym and stream', content: json(ref('SubjectLookup')) },
      ...commonErrors,
      '403': errorResponse(
        'Only the regulator and the credit authority look up subjects (FORBIDDEN)',
      ),
    },
  },
});

/** `POST /v1/subjects/lookup`: a person's or company's trail, from a number sent in the body. */
export function createSubjectRouter(
  pseudonymizer: Pseudonymizer | undefined,
  kinds: KindRegistry,
): ServedRoutes {
  return routerOf(subjectRoutes, {
    lookUp(request, response) {
      response.json(lookUpSubject(pseudonymizer, kinds, principalOf(response), request.body));
    },
  });
}
