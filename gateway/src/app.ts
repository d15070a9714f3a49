import express, { type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { ApiKeyRegistry } from './auth/api-keys';
import { EntryService } from './entry-service';
import { ApiError } from './http/api-error';
import { batchRequest } from './http/api-schemas';
import { buildOpenApiDocument } from './http/openapi';
import {
  authenticate,
  errorHandler,
  observe,
  principalOf,
  requireJson,
} from './http/request-handlers';
import type { Ledger, LedgerEntry } from './ledger/ledger';
import type { Metrics } from './metrics';
import type { Pseudonymizer } from './pseudonymizer';
import { checkTrail } from './trail-check';
import type { CheckpointLog } from './transparency/checkpoint-log';
import { registerTransparencyRoutes } from './http/transparency-routes';
import { issueDetails } from '@audit-ledger/chaincode';

export interface AppDependencies {
  ledger: Ledger;
  apiKeys: ApiKeyRegistry;
  pseudonymizer: Pseudonymizer;
  checkpoints: CheckpointLog;
  logger: Logger;
  metrics: Metrics;
  version: string;
  /** The batch endpoint's entries go out in transactions of this size. */
  entriesPerTransaction: number;
}

export const MAX_BODY_BYTES = 1024 * 1024;

export function createApp(deps: AppDependencies): express.Express {
  const { ledger, logger, metrics } = deps;
  const entries = new EntryService(ledger, deps.pseudonymizer, deps.entriesPerTransaction);
  const openApi = buildOpenApiDocument(deps.version);
  const countCommitted = (committed: LedgerEntry[]) => {
    for (const entry of committed) {
      metrics.entriesCommitted.inc({ ledger: ledger.kind, kind: entry.kind });
    }
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(observe(logger, metrics));

  app.get('/healthz', (_request, response) => {
    response.json({ status: 'ok' });
  });
  app.get('/readyz', async (_request, response) => {
    try {
      await ledger.checkReady();
      response.json({ status: 'ready', ledger: ledger.kind });
    } catch (error) {
      response
        .status(503)
        .json(new ApiError(503, 'LEDGER_UNAVAILABLE', (error as Error).message).toBody());
    }
  });
  app.get('/metrics', async (_request, response) => {
    response.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.get('/openapi.json', (_request, response) => {
    response.json(openApi);
  });

  // v1 routes are registered with their full paths (not on a mounted router) so that the route
  // pattern in metrics and logs is complete even for responses that leave through an error.
  app.use('/v1', authenticate(deps.apiKeys), express.json({ limit: MAX_BODY_BYTES, strict: true }));

  app.post('/v1/entries', requireJson, async (request: Request, response: Response) => {
    const outcome = await entries.record(principalOf(response), request.body);
    if (outcome.status === 201) {
      countCommitted([outcome.entry]);
      response.location(`/v1/entries/${encodeURIComponent(outcome.entry.id)}`);
    }
    response.status(outcome.status).json(outcome.entry);
  });

  app.post('/v1/entries/batch', requireJson, async (request: Request, response: Response) => {
    const body = batchRequest.safeParse(request.body);
    if (!body.success) {
      throw new ApiError(
        400,
        'INVALID_ENTRY',
        'the body must be {"entries": [1 to 1000 entries]}',
        issueDetails(body.error),
      );
    }
    const results = await entries.recordBatch(principalOf(response), body.data.entries);
    countCommitted(
      results.flatMap((result) =>
        result.status === 201 && 'entry' in result ? [result.entry] : [],
      ),
    );
    response.json({ results });
  });

  app.get('/v1/entries', async (request: Request, response: Response) => {
    response.json(await entries.list(principalOf(response), request.query));
  });

  app.get('/v1/entries/:id', async (request: Request<{ id: string }>, response: Response) => {
    response.json(await entries.get(principalOf(response), request.params.id));
  });

  app.post('/v1/verify', requireJson, async (request: Request, response: Response) => {
    response.json(await entries.verify(principalOf(response), request.body));
  });

  app.get('/v1/trails/verify', async (request: Request, response: Response) => {
    response.json(await checkTrail(ledger, principalOf(response), request.query));
  });

  registerTransparencyRoutes(app, ledger, deps.checkpoints);

  app.use((request, _response, next) => {
    next(new ApiError(404, 'ROUTE_NOT_FOUND', `no route ${request.method} ${request.path}`));
  });
  app.use(errorHandler(logger, metrics));
  return app;
}
