import type { KindRegistry } from '@audit-ledger/chaincode';
import type { Request, Response } from 'express';
import type { EntryService } from '../services/entry-service';
import type { ErasureService } from '../services/erasure-service';
import type { Ledger, LedgerEntry, Principal } from '../ledger/ledger';
import type { Metrics } from '../metrics';
import type { Operation, OutboxStore } from '../outbox/outbox-store';
import type { OutboxWorker } from '../outbox/outbox-worker';
import { uuidV7 } from '../uuid-v7';
import { RequestError, parseRequest } from '../services/request-error';
import { batchRequest } from './api-schemas';
import { accepted, commonErrors, errorResponse, json, preferAsync, ref } from './document-parts';
import { principalOf } from './request-handlers';
import { defineRoutes, routerOf, type ServedRoutes } from './routes';

/** Writing entries (at once or through the outbox), reading them, and verifying a payload. */
export function entryRoutes(kinds: KindRegistry) {
  const indexParameters = kinds.indexes.map((name) => ({
    name,
    in: 'query',
    required: false,
    schema: name === 'kind' ? { enum: [...kinds.kinds] } : { type: 'string' },
    description: `Give exactly one of ${kinds.indexes.join(', ')}.`,
  }));
  return defineRoutes({
    record: {
      method: 'post',
      path: '/v1/entries',
      summary: 'Record one entry (idempotent by id)',
      parameters: [preferAsync],
      requestBody: { required: true, content: json(ref('EntryRequest')) },
      responses: {
        '202': accepted,
        '201': { description: 'Committed', content: json(ref('Entry')) },
        '200': {
          description: 'An identical entry with this id was already committed',
          content: json(ref('Entry')),
        },
        '409': errorResponse(
          'The id holds a different entry (ENTRY_CONFLICT) or the sourceSeq is used (SEQ_EXISTS)',
        ),
        '413': errorResponse('Body over 1 MiB or entry over 64 KiB'),
        ...commonErrors,
      },
    },
    recordBatch: {
      method: 'post',
      path: '/v1/entries/batch',
      summary: 'Record 1 to 1,000 entries; each succeeds or fails on its own',
      parameters: [preferAsync],
      requestBody: { required: true, content: json(ref('BatchRequest')) },
      responses: {
        '202': accepted,
        '200': {
          description: 'One result per entry, in request order',
          content: json(ref('BatchResponse')),
        },
        ...commonErrors,
      },
    },
    operation: {
      method: 'get',
      path: '/v1/operations/:id',
      summary:
        'An asynchronous write: pending, committed (with its entry or results) or failed (with its error)',
      responses: {
        '200': { description: 'The operation', content: json(ref('Operation')) },
        '404': errorResponse('No operation the caller may see (NOT_FOUND)'),
        ...commonErrors,
      },
    },
    list: {
      method: 'get',
      path: '/v1/entries',
      summary: 'List entries of one index, in commit order',
      parameters: [
        ...indexParameters,
        {
          name: 'from',
          in: 'query',
          schema: { type: 'string', format: 'date-time' },
          description: 'inclusive',
        },
        {
          name: 'to',
          in: 'query',
          schema: { type: 'string', format: 'date-time' },
          description: 'exclusive',
        },
        {
          name: 'limit',
          in: 'query',
          schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
        },
        { name: 'cursor', in: 'query', schema: { type: 'string' } },
      ],
      responses: {
        '200': { description: 'A page', content: json(ref('EntryPage')) },
        ...commonErrors,
      },
    },
    get: {
      method: 'get',
      path: '/v1/entries/:id',
      summary: "One entry: the caller's organisation's, or `{MSP id}/{id}` for a regulator",
      responses: {
        '200': { description: 'The entry', content: json(ref('Entry')) },
        '404': errorResponse('No entry the caller may read (NOT_FOUND)'),
        '409': errorResponse(
          'Several organisations recorded this id; name one as {MSP id}/{id} (ENTRY_AMBIGUOUS)',
        ),
        ...commonErrors,
      },
    },
    erase: {
      method: 'post',
      path: '/v1/entries/:id/erase',
      summary:
        'Erase an entry’s details once its retention has ended: purged from the private data collection that held them, recorded as an entry-erasure entry',
      requestBody: { required: true, content: json(ref('ErasureRequest')) },
      responses: {
        '201': {
          description: 'The erasure entry, and the entry as it now reads (marked erased)',
          content: json({
            type: 'object',
            required: ['erasure', 'entry'],
            properties: { erasure: ref('Entry'), entry: ref('Entry') },
          }),
        },
        ...commonErrors,
        '403': errorResponse('Only a credit writer or a regulator erases (FORBIDDEN)'),
        '404': errorResponse('No entry the caller may read (NOT_FOUND)'),
        '409': errorResponse(
          'The entry keeps its payload on the channel (NOT_ERASABLE), its retention has not ended (ERASURE_NOT_DUE), or it is erased already (ALREADY_ERASED)',
        ),
      },
    },
    verify: {
      method: 'post',
      path: '/v1/verify',
      summary: 'Does this payload match what the ledger holds under this id?',
      requestBody: { required: true, content: json(ref('VerifyRequest')) },
      responses: {
        '200': { description: 'The verdict', content: json(ref('VerifyResponse')) },
        ...commonErrors,
      },
    },
  });
}

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
  return parseRequest(
    batchRequest,
    body,
    'INVALID_ENTRY',
    'the body must be {"entries": [1 to 1000 entries]}',
  ).entries;
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

/** Serves entryRoutes. */
export function createEntryRouter(kinds: KindRegistry, deps: EntryRouteDependencies): ServedRoutes {
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

  return routerOf(entryRoutes(kinds), {
    async record(request, response) {
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
    },

    async recordBatch(request, response) {
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
    },

    operation(request, response) {
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
    },

    async list(request, response) {
      response.json(await entries.list(principalOf(response), request.query));
    },

    async get(request, response) {
      response.json(await entries.get(principalOf(response), request.params.id));
    },

    async erase(request, response) {
      const outcome = await deps.erasures.erase(
        principalOf(response),
        request.params.id,
        request.body,
      );
      countCommitted([outcome.erasure]);
      response.status(201).json(outcome);
    },

    async verify(request, response) {
      response.json(await entries.verify(principalOf(response), request.body));
    },
  });
}
