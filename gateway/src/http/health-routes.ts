import type { Ledger } from '../ledger/ledger';
import type { OutboxStore } from '../outbox/outbox-store';
import { RequestError, httpStatusOf } from '../services/request-error';
import { json, ref } from './document-parts';
import { defineRoutes, routerOf, type ServedRoutes } from './routes';

/** Probes for orchestrators: served without an API key. */
export const healthRoutes = defineRoutes({
  alive: {
    method: 'get',
    path: '/healthz',
    summary: 'The process is alive',
    security: [],
    responses: { '200': { description: 'ok' } },
  },
  ready: {
    method: 'get',
    path: '/readyz',
    summary: "The ledger is reachable; on Fabric, which organisations' peers answer",
    security: [],
    responses: {
      '200': { description: 'ready', content: json(ref('Readiness')) },
      '503': { description: 'not ready', content: json(ref('Readiness')) },
    },
  },
});

/** Serves healthRoutes; readiness reports the outbox's depth and oldest age beside the ledger. */
export function createHealthRouter(ledger: Ledger, outbox: OutboxStore): ServedRoutes {
  return routerOf(healthRoutes, {
    alive(_request, response) {
      response.json({ status: 'ok' });
    },

    async ready(_request, response) {
      const { depth, oldest } = outbox.depth();
      const queued = {
        depth,
        oldestAgeMs: oldest === undefined ? 0 : Math.max(0, Date.now() - Date.parse(oldest)),
      };
      // What the ledger reports of its blocks (held, indexed, the chain's) goes out as it is.
      const { ready, parts, reason, ...heights } = await ledger.readiness();
      const reported = parts.length === 0 ? {} : { parts };
      if (ready) {
        response.json({
          status: 'ready',
          ledger: ledger.kind,
          ...reported,
          ...heights,
          outbox: queued,
        });
        return;
      }
      const unavailable = new RequestError(
        'LEDGER_UNAVAILABLE',
        reason ?? 'the ledger is unavailable',
      );
      response
        .status(httpStatusOf(unavailable.code))
        .json({ ...unavailable.toBody(), ...reported, outbox: queued });
    },
  });
}
