import { isUtf8 } from 'node:buffer';
import express from 'express';
import type { Logger } from 'pino';
import type { ApiKeyRegistry } from './auth/api-keys';
import type { EntryService } from './services/entry-service';
import type { ErasureService } from './services/erasure-service';
import { RequestError } from './services/request-error';
import { createCallerRouter } from './http/caller-routes';
import { createConsoleRouter } from './http/console-routes';
import { createEntryRouter } from './http/entry-routes';
import { createEventRouter, type EventRouteDependencies } from './http/event-routes';
import { createHealthRouter } from './http/health-routes';
import { createStatisticsRouter } from './http/statistics-routes';
import { createSubjectRouter } from './http/subject-routes';
import { createTrailRouter } from './http/trail-routes';
import { buildOpenApiDocument } from './http/openapi';
import { createKindsRouter } from './http/kinds-routes';
import type { KindRegistry } from '@audit-ledger/chaincode';
import { authenticate, errorHandler, observe } from './http/request-handlers';
import {
  createTransparencyRouter,
  createUnavailableTransparencyRouter,
} from './http/transparency-routes';
import type { Ledger } from './ledger/ledger';
import type { Metrics } from './metrics';
import type { OutboxStore } from './outbox/outbox-store';
import type { OutboxWorker } from './outbox/outbox-worker';
import type { PeerCopies } from './ledger/peer-copies';
import type { ProofSource } from './proof/proof-source';
import type { Pseudonymizer } from './services/pseudonymizer';
import type { CheckpointLog } from './transparency/checkpoint-log';
import type { TransactionDisclosure } from './fabric/transaction-disclosure';

export interface AppDependencies {
  ledger: Ledger;
  /** The kinds the ledger records. */
  kinds: KindRegistry;
  entries: EntryService;
  erasures: ErasureService;
  outbox: { store: OutboxStore; worker: OutboxWorker };
  apiKeys: ApiKeyRegistry;
  /** Turns identity numbers into the pseudonyms the ledger keeps. */
  /** Absent where the gateway's organisations hold no credit subjects. */
  pseudonymizer: Pseudonymizer | undefined;
  /** Proof bundles and checkpoints, where the ledger provides them. */
  transparency:
    | {
        proofs: ProofSource;
        checkpoints: CheckpointLog;
        /** How a bundle is reduced for a writer who may not read its whole block (Fabric). */
        disclosure?: TransactionDisclosure;
      }
    | undefined;
  /** Each organisation's copy of the ledger, for trail checks to compare (Fabric). */
  peerCopies: PeerCopies | undefined;
  logger: Logger;
  metrics: Metrics;
  version: string;
  /** Server-Sent Events, webhooks and compliance findings. */
  events: Omit<EventRouteDependencies, 'entries' | 'kinds' | 'metrics'>;
}

export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * A body must be valid UTF-8: decoding would otherwise replace a bad sequence with U+FFFD, and
 * the ledger would record something other than what was sent.
 */
function refuseInvalidUtf8(_request: unknown, _response: unknown, body: Buffer): void {
  if (!isUtf8(body)) {
    throw new RequestError('MALFORMED_JSON', 'the body is not valid UTF-8');
  }
}

export function createApp(deps: AppDependencies): express.Express {
  const { ledger, logger, metrics, outbox } = deps;
  const health = createHealthRouter(ledger, outbox.store);
  // In api-routes.ts's order, so that the document served is the one written without a gateway.
  const api = [
    createKindsRouter(deps.kinds),
    createCallerRouter(),
    createEntryRouter(deps.kinds, {
      ledger,
      entries: deps.entries,
      erasures: deps.erasures,
      outbox,
      metrics,
    }),
    deps.transparency === undefined
      ? createUnavailableTransparencyRouter(ledger.kind)
      : createTransparencyRouter(
          deps.transparency.proofs,
          deps.transparency.checkpoints,
          deps.transparency.disclosure,
        ),
    createTrailRouter({ ledger, peerCopies: deps.peerCopies, logger, metrics }),
    createStatisticsRouter(ledger, deps.kinds),
    createSubjectRouter(deps.pseudonymizer, deps.kinds),
    createEventRouter({ ...deps.events, entries: deps.entries, kinds: deps.kinds, metrics }),
  ];
  // The document lists the routes mounted below, so none is served undocumented.
  const openApi = buildOpenApiDocument(
    deps.version,
    deps.kinds,
    [health, ...api].map(({ table }) => table),
  );

  const app = express();
  app.disable('x-powered-by');
  // Entries never change and writes are not cached: hashing every response body buys nothing.
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use(observe(logger, metrics));

  app.use(health.router);
  app.get('/openapi.json', (_request, response) => {
    response.json(openApi);
  });

  app.use(createConsoleRouter());

  // Routers carry their routes' full /v1 paths (they are not mounted under /v1) so that the
  // route pattern in metrics and logs is complete even for responses that leave through an error.
  app.use(
    '/v1',
    authenticate(deps.apiKeys),
    express.json({ limit: MAX_BODY_BYTES, strict: true, verify: refuseInvalidUtf8 }),
  );
  for (const { router } of api) {
    app.use(router);
  }

  app.use((request, _response, next) => {
    next(new RequestError('ROUTE_NOT_FOUND', `no route ${request.method} ${request.path}`));
  });
  app.use(errorHandler(logger, metrics));
  return app;
}

/**
 * The metrics listener's application: Prometheus text at GET /metrics and nothing else. It runs
 * on its own port (loopback by default), because the counts by kind and by error would tell any
 * API caller how much other organisations write.
 */
export function createMetricsApp(metrics: Metrics): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', async (_request, response) => {
    response.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.use((_request, response) => {
    response.status(404).type('text/plain').send('GET /metrics\n');
  });
  return app;
}
