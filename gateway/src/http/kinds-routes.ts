import type { KindRegistry } from '@audit-ledger/chaincode';
import { kindCatalogue } from '../services/kind-catalogue';
import { commonErrors, json, ref } from './document-parts';
import { defineRoutes, routerOf, type ServedRoutes } from './routes';

export const kindsRoutes = defineRoutes({
  catalogue: {
    method: 'get',
    path: '/v1/kinds',
    summary:
      'The kinds this ledger records: every version, who may write it, its indexes, its payload schema and examples',
    responses: {
      '200': { description: 'The kinds', content: json(ref('KindCatalogue')) },
      '401': commonErrors['401'],
    },
  },
});

/** `GET /v1/kinds`: each kind the ledger records, every version, its schema and examples. */
export function createKindsRouter(kinds: KindRegistry): ServedRoutes {
  const catalogue = kindCatalogue(kinds);
  return routerOf(kindsRoutes, {
    catalogue(_request, response) {
      response.json(catalogue);
    },
  });
}
