import { organizationGranting, standardConsortium } from '@audit-ledger/chaincode';
import { commonErrors, json, ref } from './document-parts';
import { principalOf } from './request-handlers';
import { defineRoutes, routerOf, type ServedRoutes } from './routes';

export const callerRoutes = defineRoutes({
  me: {
    method: 'get',
    path: '/v1/me',
    summary: 'Who this API key belongs to: its name, role and organisation',
    responses: {
      '200': { description: 'The caller', content: json(ref('Caller')) },
      '401': commonErrors['401'],
    },
  },
});

/** `GET /v1/me`: who the API key belongs to, so that a client shows only what its role may do. */
export function createCallerRouter(): ServedRoutes {
  return routerOf(callerRoutes, {
    me(_request, response) {
      const { name, role } = principalOf(response);
      response.json({ name, role, organization: organizationGranting(standardConsortium, role) });
    },
  });
}
