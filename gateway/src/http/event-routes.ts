import type { KindRegistry } from '@audit-ledger/chaincode';
import type { Response } from 'express';
import type { EntryService } from '../services/entry-service';
import type { EventFeed } from '../events/event-feed';
import type { WebhookDispatcher } from '../events/webhook-dispatcher';
import type { Metrics } from '../metrics';
import { RequestError, parseRequest } from '../services/request-error';
import { closeFindingRequest, eventsQuery, findingsQuery, webhookRequest } from './api-schemas';
import { commonErrors, errorResponse, json, ref } from './document-parts';
import { principalOf } from './request-handlers';
import { defineRoutes, routerOf, type ServedRoutes } from './routes';
import { serverSentEvent, writeToClient } from './server-sent-events';

/** Events read per page while a stream catches up. */
const STREAM_PAGE = 200;
/** How long a closing answer waits for the closure's block to reach this gateway's feed. */
const CLOSURE_WAIT_MS = 10_000;
/** How soon an interrupted stream's client should reconnect. */
const RECONNECT_MS = 2_000;

export interface EventRouteDependencies {
  feed: EventFeed;
  dispatcher: WebhookDispatcher;
  entries: EntryService;
  kinds: KindRegistry;
  heartbeatMs: number;
  metrics: Metrics;
}

const webhookNotFound = errorResponse('No webhook of the caller’s with that id (NOT_FOUND)');

/** Server-Sent Events, webhook subscriptions and compliance findings. */
export function eventRoutes(kinds: KindRegistry) {
  return defineRoutes({
    events: {
      method: 'get',
      path: '/v1/events',
      summary:
        'Server-Sent Events: each committed entry the caller may read (event entry.committed, id = ledger position <block>.<index>), or each finding raised or closed (topic=findings, id f<n>); resumes after Last-Event-ID; a comment line every EVENTS_HEARTBEAT_MS when idle',
      parameters: [
        {
          name: 'topic',
          in: 'query',
          required: false,
          schema: { enum: ['entries', 'findings'], default: 'entries' },
        },
        ...['kind', 'stream', 'source'].map((name) => ({
          name,
          in: 'query',
          required: false,
          schema: name === 'kind' ? { enum: [...kinds.kinds] } : { type: 'string' },
          description: 'Entries only: those with this value',
        })),
        {
          name: 'Last-Event-ID',
          in: 'header',
          required: false,
          schema: { type: 'string' },
          description: 'The id of the last event received: the stream resumes right after it',
        },
        {
          name: 'lastEventId',
          in: 'query',
          required: false,
          schema: { type: 'string' },
          description: 'Last-Event-ID, for clients that cannot set the header',
        },
      ],
      responses: {
        '200': {
          description: 'The stream; data is the entry, or the finding, as JSON',
          content: { 'text/event-stream': { schema: { type: 'string' } } },
        },
        ...commonErrors,
      },
    },
    createWebhook: {
      method: 'post',
      path: '/v1/webhooks',
      summary:
        "Deliver the caller's events to a URL: POSTs signed as Standard Webhooks (webhook-id = event id, webhook-timestamp, webhook-signature), one at a time in ledger order, retried with backoff, dead-lettered after the last attempt",
      requestBody: { required: true, content: json(ref('WebhookRequest')) },
      responses: {
        '201': {
          description: 'Created; the secret is shown this once',
          content: json(ref('Webhook')),
        },
        ...commonErrors,
      },
    },
    webhooks: {
      method: 'get',
      path: '/v1/webhooks',
      summary: "The caller's webhooks and their delivery state",
      responses: {
        '200': {
          description: 'The webhooks',
          content: json({
            type: 'object',
            properties: { items: { type: 'array', items: ref('Webhook') } },
          }),
        },
        '401': commonErrors['401'],
      },
    },
    webhook: {
      method: 'get',
      path: '/v1/webhooks/:id',
      summary: 'One of the caller’s webhooks',
      responses: {
        '200': { description: 'The webhook', content: json(ref('Webhook')) },
        '404': webhookNotFound,
      },
    },
    deleteWebhook: {
      method: 'delete',
      path: '/v1/webhooks/:id',
      summary: 'Stop delivering, and forget the webhook and its dead letters',
      responses: { '204': { description: 'Deleted' }, '404': webhookNotFound },
    },
    deadLetters: {
      method: 'get',
      path: '/v1/webhooks/:id/dead-letters',
      summary: 'Events that exhausted their attempts, oldest first',
      responses: {
        '200': { description: 'The dead letters', content: json(ref('DeadLetters')) },
        '404': webhookNotFound,
      },
    },
    replayDeadLetters: {
      method: 'post',
      path: '/v1/webhooks/:id/dead-letters/replay',
      summary: 'Deliver every dead letter again, oldest first, before the next new event',
      responses: {
        '202': {
          description: 'How many are replaying',
          content: json({ type: 'object', properties: { replaying: { type: 'integer' } } }),
        },
        '404': webhookNotFound,
      },
    },
    findings: {
      method: 'get',
      path: '/v1/findings',
      summary:
        'Compliance findings about entries the caller may read, in the order they were raised',
      parameters: [
        { name: 'status', in: 'query', required: false, schema: { enum: ['open', 'closed'] } },
        { name: 'rule', in: 'query', required: false, schema: { type: 'string' } },
        { name: 'after', in: 'query', required: false, schema: { type: 'integer' } },
        { name: 'limit', in: 'query', required: false, schema: { type: 'integer' } },
      ],
      responses: {
        '200': { description: 'A page of findings', content: json(ref('FindingPage')) },
        ...commonErrors,
      },
    },
    finding: {
      method: 'get',
      path: '/v1/findings/:id',
      summary: 'One finding',
      responses: {
        '200': { description: 'The finding', content: json(ref('Finding')) },
        '404': errorResponse('No finding with that id the caller may read (NOT_FOUND)'),
      },
    },
    closeFinding: {
      method: 'post',
      path: '/v1/findings/:id/close',
      summary:
        'A regulator closes a finding with a reason, recorded on the ledger as a finding-closure entry',
      requestBody: { required: true, content: json(ref('CloseFindingRequest')) },
      responses: {
        '201': {
          description: 'The closure entry, and the finding closed',
          content: json({
            type: 'object',
            required: ['closure', 'finding'],
            properties: { closure: ref('Entry'), finding: ref('Finding') },
          }),
        },
        ...commonErrors,
        '403': errorResponse('Only a regulator closes a finding (FORBIDDEN)'),
        '404': errorResponse('No finding with that id (NOT_FOUND)'),
        '409': errorResponse('The finding is already closed (FINDING_CLOSED)'),
      },
    },
  });
}

/** Serves eventRoutes. */
export function createEventRouter(deps: EventRouteDependencies): ServedRoutes {
  const { feed, dispatcher, metrics } = deps;

  function checkKind(kind: string | undefined): void {
    if (kind !== undefined && deps.kinds.versionsOf(kind).length === 0) {
      throw new RequestError('INVALID_QUERY', `no entry kind ${kind}`, [
        { path: 'kind', message: 'must be one of the kinds GET /v1/kinds lists' },
      ]);
    }
  }

  function ownedWebhook(response: Response, id: string) {
    const webhook = feed.webhooks.owned(principalOf(response).name, id);
    if (webhook === undefined) {
      throw new RequestError('NOT_FOUND', 'no webhook of yours with that id');
    }
    return webhook;
  }

  return routerOf(eventRoutes(deps.kinds), {
    async events(request, response) {
      const query = parseRequest(
        eventsQuery,
        request.query,
        'INVALID_QUERY',
        'the event filter is invalid',
      );
      checkKind(query.kind);
      const { topic, kind, stream, source } = query;
      const lastEventId = request.get('last-event-id') ?? query.lastEventId;
      const reader = await feed.readerOf(principalOf(response));
      // Read before the stream opens, so that a bad Last-Event-ID is answered with its own status.
      let changesSeen = feed.changesSoFar();
      let page = await feed.eventsAfter(
        topic,
        lastEventId,
        { kind, stream, source },
        reader,
        STREAM_PAGE,
      );

      const gone = new AbortController();
      // Read through a function: the loop's own awaits are where the caller can go.
      const isGone = () => gone.signal.aborted;
      response.once('close', () => {
        gone.abort();
      });
      response.status(200).set({
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        'X-Accel-Buffering': 'no',
      });
      response.flushHeaders();
      response.write(`retry: ${RECONNECT_MS}\n\n`);
      let sentAt = Date.now();
      let after = lastEventId;
      while (!isGone()) {
        for (const event of page) {
          if (!(await writeToClient(response, serverSentEvent(event), gone.signal))) {
            gone.abort();
            break;
          }
          if (event.committedAt !== undefined) {
            metrics.observeDelivery('sse', event.committedAt);
          }
          after = event.id;
          sentAt = Date.now();
        }
        if (page.length < STREAM_PAGE) {
          const quiet = Date.now() - sentAt;
          if (quiet >= deps.heartbeatMs) {
            response.write(': heartbeat\n\n');
            sentAt = Date.now();
          }
          await feed.changed(
            deps.heartbeatMs - Math.min(quiet, deps.heartbeatMs - 1),
            gone.signal,
            changesSeen,
          );
        }
        if (!isGone()) {
          try {
            changesSeen = feed.changesSoFar();
            page = await feed.eventsAfter(
              topic,
              after,
              { kind, stream, source },
              reader,
              STREAM_PAGE,
            );
          } catch {
            // Older events' blocks could not be read (the feed logged why): the stream ends, and
            // its client reconnects after the retry interval, resuming at its Last-Event-ID.
            break;
          }
        }
      }
      response.end();
    },

    async createWebhook(request, response) {
      const principal = principalOf(response);
      const body = parseRequest(
        webhookRequest,
        request.body,
        'INVALID_ARGUMENT',
        'the webhook is invalid',
      );
      checkKind(body.filter.kind);
      const created = feed.webhooks.create({
        owner: principal.name,
        reader: await feed.readerOf(principal),
        url: body.url,
        topic: body.topic,
        filter: body.filter,
        startAfter: body.from === 'now' ? feed.latest(body.topic) : undefined,
      });
      dispatcher.deliver(created.id);
      response.location(`/v1/webhooks/${created.id}`);
      response.status(201).json({
        ...feed.webhooks.owned(principal.name, created.id),
        secret: created.secret,
      });
    },

    webhooks(_request, response) {
      response.json({ items: feed.webhooks.ownedBy(principalOf(response).name) });
    },

    webhook(request, response) {
      response.json(ownedWebhook(response, request.params.id));
    },

    deleteWebhook(request, response) {
      if (!feed.webhooks.remove(principalOf(response).name, request.params.id)) {
        throw new RequestError('NOT_FOUND', 'no webhook of yours with that id');
      }
      response.status(204).end();
    },

    deadLetters(request, response) {
      const { id } = ownedWebhook(response, request.params.id);
      response.json({ items: feed.webhooks.deadLetters(id) });
    },

    replayDeadLetters(request, response) {
      const { id } = ownedWebhook(response, request.params.id);
      const replaying = feed.webhooks.replay(id);
      dispatcher.deliver(id);
      response.status(202).json({ replaying });
    },

    async findings(request, response) {
      const query = parseRequest(
        findingsQuery,
        request.query,
        'INVALID_QUERY',
        'the findings query is invalid',
      );
      const reader = await feed.readerOf(principalOf(response));
      const { items, after } = feed.compliance.findings(reader, query);
      response.json({ items, next: after === undefined ? '' : String(after) });
    },

    async finding(request, response) {
      const reader = await feed.readerOf(principalOf(response));
      const finding = feed.compliance.finding(reader, request.params.id);
      if (finding === undefined) {
        throw new RequestError('NOT_FOUND', 'no finding with that id that you may read');
      }
      response.json(finding);
    },

    async closeFinding(request, response) {
      const principal = principalOf(response);
      if (principal.role !== 'regulator') {
        throw new RequestError('FORBIDDEN', 'only a regulator closes a finding');
      }
      const { reason } = parseRequest(
        closeFindingRequest,
        request.body,
        'INVALID_ARGUMENT',
        'the closure is invalid',
      );
      const finding = feed.compliance.finding({ everyOrganization: true }, request.params.id);
      if (finding === undefined) {
        throw new RequestError('NOT_FOUND', 'no finding with that id');
      }
      if (finding.status === 'closed') {
        throw new RequestError('FINDING_CLOSED', 'the finding is already closed', [
          { path: 'id', message: `closed by entry ${finding.closure?.entryId ?? ''}` },
        ]);
      }
      const closing = {
        kind: 'finding-closure',
        // One closure per finding, whoever tries: a second is the same id, which the ledger refuses.
        id: `closure-${finding.id}`,
        payload: {
          finding: { id: finding.id, rule: finding.rule.id, ruleVersion: finding.rule.version },
          reason,
          closedBy: principal.name,
          occurredAt: new Date().toISOString(),
        },
      };
      const outcome = await deps.entries.record(principal, closing).catch((error: unknown) => {
        const refusal = RequestError.from(error);
        throw refusal?.code === 'ENTRY_CONFLICT'
          ? new RequestError('FINDING_CLOSED', 'the finding is already closed', undefined, error)
          : error;
      });
      const deadline = Date.now() + CLOSURE_WAIT_MS;
      while (feed.log.height() <= outcome.entry.blockNumber && Date.now() < deadline) {
        await feed.changed(deadline - Date.now(), AbortSignal.timeout(CLOSURE_WAIT_MS));
      }
      response.status(201).json({
        closure: outcome.entry,
        finding: feed.compliance.finding({ everyOrganization: true }, finding.id) ?? finding,
      });
    },
  });
}
