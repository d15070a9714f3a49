import type { KindRegistry } from '@audit-ledger/chaincode';
import type { Ledger } from '../ledger/ledger';
import { DEFAULT_DAYS, MAX_DAYS, entriesPerDay } from '../services/entries-per-day';
import { commonErrors, json, ref } from './document-parts';
import { principalOf } from './request-handlers';
import { defineRoutes, routerOf, type ServedRoutes } from './routes';

export const statisticsRoutes = defineRoutes({
  entriesPerDay: {
    method: 'get',
    path: '/v1/statistics/entries-per-day',
    summary:
      'Entries committed on each of the last days (Asia/Shanghai), by kind; only those the caller may read',
    parameters: [
      {
        name: 'days',
        in: 'query',
        schema: { type: 'integer', minimum: 1, maximum: MAX_DAYS, default: DEFAULT_DAYS },
      },
    ],
    responses: {
      '200': { description: 'The counts', content: json(ref('EntriesPerDay')) },
      ...commonErrors,
    },
  },
});

/** `GET /v1/statistics/entries-per-day`: the console's overview chart, over what the caller may read. */
export function createStatisticsRouter(ledger: Ledger, kinds: KindRegistry): ServedRoutes {
  return routerOf(statisticsRoutes, {
    async entriesPerDay(request, response) {
      response.json(await entriesPerDay(ledger, kinds.kinds, principalOf(response), request.query));
    },
  });
}
