import { issueDetails } from '@audit-ledger/chaincode';
import { Router, type Request, type Response } from 'express';
import type { EntryService } from '../services/entry-service';
import type { ErasureService } from '../services/erasure-service';
import type { Ledger, LedgerEntry, Principal } from '../ledger/ledger';
import type { Metrics } from '../metrics';
import type { Operation, OutboxStore } from '../outbox/outbox-store';
import type { OutboxWorker } from '../outbox/outbox-worker';
import { uuidV7 } from '../uuid-v7';
import { RequestError } from '../services/request-error';
import { batchRequest } from './api-schemas';
import { principalOf, requireJson } from './request-handlers';

export interface EntryRouteDependencies {
  ledger: Ledger;
  entries: EntryService;
  erasures: ErasureService;
  outbox: { store: OutboxStore; worker: OutboxWorker };
  metrics: Metrics;
}

/** RFC 7240: the caller prefers 202 now and the result later. */
function prefersAsync(request: Request): boolean {
  return /(?:^|[,\s])respond-async(?:$|[,;\s])/i.test(request.get('prefer') ?? '');
}

function parseBatch(body: unknown): unknown[] {
  const parsed = batchRequest.safeParse(body);
  if (!parsed.success) {
    throw new RequestError(
      'INVALID_ENTRY',
      'the body must be {"entries": [1 to 1000 entries]}',
      issueDetails(parsed.error),
    );
  }
  return parsed.data.entries;
}

function operationView(operation: Operation): Record<string, unknown> {
  const { id, status, createdAt, completedAt, attempts, result, error } = operation;
  const outcome =
    result?.type === 'entry'
      ? { httpStatus: result.outcome.status, entry: result.outcome.entry }
      : result?.type === 'batch'
        ? { results: result.results }
        : {};
  return { id, status, createdAt, completedAt, attempts, ...outcome, error };
}

/** The entry, operation, verification and trail routes, with their full /v1 paths. */
export function createEntryRouter(deps: EntryRouteDependencies): Router {
  const router = Router();
  const { ledger, entries, outbox, metrics } = deps;
  const countCommitted = (committed: LedgerEntry[]) => {
    metrics.countCommitted(ledger.kind, committed);
  };
  const accept = async (
    response: Response,
    principal: Principal,
    work: Parameters<OutboxStore['add']>[2],
  ) => {
    const id = uuidV7();
    await outbox.store.add(id, principal, work, new Date());
    outbox.worker.notify();
    response.set('Preference-Applied', 'respond-async');
    response.location(`/v1/operations/${id}`);
    return id;
  };

  router.post('/v1/entries', requireJson, async (request: Request, response: Response) => {
    const principal = principalOf(response);
    const admitted = entries.admit(principal, request.body);
    if (prefersAsync(request)) {
      const id = await accept(response, principal, { type: 'entry', request: admitted });
      response.status(202).json({ id, status: 'pending', entryId: admitted.id });
      return;
    }
    const outcome = await entries.commit(principal, admitted);
    if (outcome.status === 201) {
      countCommitted([outcome.entry]);
      response.location(`/v1/entries/${encodeURIComponent(outcome.entry.id)}`);
    }
    response.status(outcome.status).json(outcome.entry);
  });

  router.post('/v1/entries/batch', requireJson, async (request: Request, response: Response) => {
    const principal = principalOf(response);
    const batch = entries.admitBatch(principal, parseBatch(request.body));
    if (prefersAsync(request)) {
      const id = await accept(response, principal, { type: 'batch', batch });
      const entryIds = batch.admitted.map(({ request: admitted }) => admitted.id);
      response.status(202).json({ id, status: 'pending', entryIds });
      return;
    }
    const results = await entries.commitBatch(principal, batch);
    countCommitted(
      results.flatMap((result) =>
        result.status === 201 && 'entry' in result ? [result.entry] : [],
      ),
    );
    response.json({ results });
  });

  router.get('/v1/operations/:id', (request: Request<{ id: string }>, response: Response) => {
    const principal = principalOf(response);
    const operation = outbox.store.get(request.params.id);
    const visible =
      operation !== undefined &&
      (principal.role === 'regulator' ||
        (operation.principal.name === principal.name &&
          operation.principal.role === principal.role));
    if (!visible) {
      throw new RequestError('NOT_FOUND', 'no operation with that id');
    }
    response.json(operationView(operation));
  });

  router.get('/v1/entries', async (request: Request, response: Response) => {
    response.json(await entries.list(principalOf(response), request.query));
  });

  router.get('/v1/entries/:id', async (request: Request<{ id: string }>, response: Response) => {
    response.json(await entries.get(principalOf(response), request.params.id));
  });

  router.post(
    '/v1/entries/:id/erase',
    requireJson,
    async (request: Request<{ id: string }>, response: Response) => {
      const outcome = await deps.erasures.erase(
        principalOf(response),
        request.params.id,
        request.body,
      );
      countCommitted([outcome.erasure]);
      response.status(201).json(outcome);
    },
  );

  router.post('/v1/verify', requireJson, async (request: Request, response: Response) => {
    response.json(await entries.verify(principalOf(response), request.body));
  });
  return router;
}
