import type { KindRegistry, RequestForm } from '@audit-ledger/chaincode';
import {
  acceptedSchema,
  batchRequest,
  batchResponseSchema,
  callerSchema,
  entriesPerDaySchema,
  subjectLookupSchema,
  trailReportSchema,
  entryPageSchema,
  entrySchema,
  errorBodySchema,
  kindCatalogueSchema,
  operationSchema,
  readinessSchema,
  verifyResponseSchema,
  closeFindingRequest,
  deadLettersSchema,
  findingPageSchema,
  findingSchema,
  webhookRequest,
  webhookSchema,
} from './api-schemas';
import { jsonSchemaOf as schemaOf } from '../json-schema';
import { API_FORM, VERIFY_FORM } from '../services/entry-requests';
import { DEFAULT_DAYS, MAX_DAYS } from '../services/entries-per-day';
import { erasureRequestBody } from '../services/erasure-service';
import { subjectLookupRequest } from '../services/subject-lookup';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const idInPath = [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }];
const json = (schema: unknown) => ({ 'application/json': { schema } });
const errorResponse = (description: string) => ({ description, content: json(ref('Error')) });
const preferAsync = {
  name: 'Prefer',
  in: 'header',
  required: false,
  schema: { type: 'string', example: 'respond-async' },
  description:
    'respond-async: store the write durably and answer 202 with Location: /v1/operations/{id}',
};
const accepted = {
  description: 'Accepted (Prefer: respond-async): durably queued; follow Location',
  content: json(ref('Accepted')),
};
const commonErrors = {
  '400': errorResponse(
    'Malformed JSON or invalid input (MALFORMED_JSON, INVALID_ENTRY, PERSONAL_DATA, INVALID_QUERY, INVALID_ARGUMENT)',
  ),
  '401': errorResponse('Missing or unknown API key (UNAUTHENTICATED)'),
  '403': errorResponse('The role may not do this (FORBIDDEN)'),
  '503': errorResponse('The ledger cannot be reached (LEDGER_UNAVAILABLE)'),
};
const notOnThisLedger = {
  '501': errorResponse(
    'This ledger is configured without checkpoint witnesses (NOT_AVAILABLE_ON_THIS_LEDGER)',
  ),
};

/** One alternative per kind version, each with its description and examples. */
function entryRequestOf(kinds: KindRegistry, form: RequestForm): Record<string, unknown> {
  return {
    oneOf: kinds.requestSchemas(form).map(({ version, schema }) => {
      const { $schema: _dialect, ...alternative } = schemaOf(schema);
      return {
        ...alternative,
        title: `${version.kind} v${version.version}`,
        description: version.description,
        examples: version.examples.map(({ payload }) => ({ kind: version.kind, payload })),
      };
    }),
  };
}

/** OpenAPI 3.1 description of API v1, generated from the schemas that validate requests. */
export function buildOpenApiDocument(
  version: string,
  kinds: KindRegistry,
): Record<string, unknown> {
  const indexParameters = kinds.indexes.map((name) => ({
    name,
    in: 'query',
    required: false,
    schema: name === 'kind' ? { enum: [...kinds.kinds] } : { type: 'string' },
    description: `Give exactly one of ${kinds.indexes.join(', ')}.`,
  }));

  return {
    openapi: '3.1.0',
    info: {
      title: 'Audit ledger API',
      version,
      description:
        'Append-only audit trail of a data-open sandbox (data access, algorithms, team admission, result exports, federated learning) and of approval by credit (decisions, credit-record changes and sharing). GET /v1/kinds lists each kind.',
    },
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } },
      schemas: {
        EntryRequest: entryRequestOf(kinds, API_FORM),
        BatchRequest: {
          ...schemaOf(batchRequest),
          properties: {
            entries: { type: 'array', minItems: 1, maxItems: 1000, items: ref('EntryRequest') },
          },
        },
        VerifyRequest: entryRequestOf(kinds, VERIFY_FORM),
        Entry: schemaOf(entrySchema, 'output'),
        KindCatalogue: schemaOf(kindCatalogueSchema, 'output'),
        EntryPage: schemaOf(entryPageSchema, 'output'),
        BatchResponse: schemaOf(batchResponseSchema, 'output'),
        Accepted: schemaOf(acceptedSchema, 'output'),
        Operation: schemaOf(operationSchema, 'output'),
        VerifyResponse: schemaOf(verifyResponseSchema, 'output'),
        Readiness: schemaOf(readinessSchema, 'output'),
        Caller: schemaOf(callerSchema, 'output'),
        TrailReport: schemaOf(trailReportSchema, 'output'),
        EntriesPerDay: schemaOf(entriesPerDaySchema, 'output'),
        SubjectLookup: schemaOf(subjectLookupSchema, 'output'),
        SubjectLookupRequest: schemaOf(subjectLookupRequest),
        Error: schemaOf(errorBodySchema, 'output'),
        WebhookRequest: schemaOf(webhookRequest),
        Webhook: schemaOf(webhookSchema, 'output'),
        DeadLetters: schemaOf(deadLettersSchema, 'output'),
        Finding: schemaOf(findingSchema, 'output'),
        FindingPage: schemaOf(findingPageSchema, 'output'),
        CloseFindingRequest: schemaOf(closeFindingRequest),
        ErasureRequest: schemaOf(erasureRequestBody),
      },
    },
    security: [{ apiKey: [] }],
    paths: {
      '/v1/kinds': {
        get: {
          summary:
            'The kinds this ledger records: every version, who may write it, its indexes, its payload schema and examples',
          responses: {
            '200': { description: 'The kinds', content: json(ref('KindCatalogue')) },
            '401': commonErrors['401'],
          },
        },
      },
      '/v1/me': {
        get: {
          summary: 'Who this API key belongs to: its name, role and organisation',
          responses: {
            '200': { description: 'The caller', content: json(ref('Caller')) },
            '401': commonErrors['401'],
          },
        },
      },
      '/v1/entries': {
        post: {
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
        get: {
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
      },
      '/v1/entries/batch': {
        post: {
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
      },
      '/v1/entries/{id}': {
        get: {
          summary: "One entry: the caller's organisation's, or `{MSP id}/{id}` for a regulator",
          parameters: idInPath,
          responses: {
            '200': { description: 'The entry', content: json(ref('Entry')) },
            '404': errorResponse('No entry the caller may read (NOT_FOUND)'),
            '409': errorResponse(
              'Several organisations recorded this id; name one as {MSP id}/{id} (ENTRY_AMBIGUOUS)',
            ),
            ...commonErrors,
          },
        },
      },
      '/v1/entries/{id}/erase': {
        post: {
          summary:
            'Erase an entry’s details once its retention has ended: purged from the private data collection that held them, recorded as an entry-erasure entry',
          parameters: idInPath,
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
      },
      '/v1/verify': {
        post: {
          summary: 'Does this payload match what the ledger holds under this id?',
          requestBody: { required: true, content: json(ref('VerifyRequest')) },
          responses: {
            '200': { description: 'The verdict', content: json(ref('VerifyResponse')) },
            ...commonErrors,
          },
        },
      },
      '/v1/operations/{id}': {
        get: {
          summary:
            'An asynchronous write: pending, committed (with its entry or results) or failed (with its error)',
          parameters: idInPath,
          responses: {
            '200': { description: 'The operation', content: json(ref('Operation')) },
            '404': errorResponse('No operation the caller may see (NOT_FOUND)'),
            ...commonErrors,
          },
        },
      },
      '/v1/entries/{id}/proof': {
        get: {
          summary: 'A self-contained proof bundle (audit-ledger-proof/1) for offline verification',
          parameters: idInPath,
          responses: {
            '200': { description: 'The bundle', content: json({ type: 'object' }) },
            ...notOnThisLedger,
            ...commonErrors,
            '403': errorResponse(
              "The entry's block also holds other organisations' transactions, which the bundle would reveal; a regulator can obtain it (PROOF_WITHHELD), or the role may not read (FORBIDDEN)",
            ),
            '404': errorResponse('No entry the caller may read (NOT_FOUND)'),
          },
        },
      },
      '/v1/trails/verify': {
        get: {
          summary: 'Is a trail complete: sourceSeq gaps, reordering, digests, ledger integrity',
          parameters: [
            { name: 'source', in: 'query', schema: { type: 'string' } },
            { name: 'stream', in: 'query', schema: { type: 'string' } },
            { name: 'from', in: 'query', schema: { type: 'string', format: 'date-time' } },
            { name: 'to', in: 'query', schema: { type: 'string', format: 'date-time' } },
          ],
          responses: {
            '200': {
              description:
                'The trail report; with Accept: application/x-ndjson, lines of {"progress": {phase, entries, organization?}} while the check runs, then {"report": …} (or {"error": …} if it fails after the first line)',
              content: {
                ...json(ref('TrailReport')),
                'application/x-ndjson': { schema: { type: 'string' } },
              },
            },
            ...commonErrors,
            '503': errorResponse(
              'The ledger cannot be reached (LEDGER_UNAVAILABLE), or 2 trail checks are already running (BUSY); Retry-After says when to try again',
            ),
          },
        },
      },
      '/v1/statistics/entries-per-day': {
        get: {
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
      },
      '/v1/subjects/lookup': {
        post: {
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
      },
      '/v1/checkpoints/latest': {
        get: {
          summary: 'The signed, witness-cosigned checkpoint (C2SP signed note) of the block tree',
          responses: {
            '200': {
              description: 'The checkpoint',
              content: json({
                type: 'object',
                required: ['origin', 'size', 'rootHash', 'note', 'cosignedBy'],
                properties: {
                  origin: { type: 'string' },
                  size: { type: 'integer' },
                  rootHash: { type: 'string', contentEncoding: 'base64' },
                  note: { type: 'string' },
                  cosignedBy: { type: 'array', items: { type: 'string' } },
                },
              }),
            },
            ...notOnThisLedger,
            ...commonErrors,
          },
        },
      },
      '/v1/proofs/inclusion': {
        get: {
          summary: 'RFC 9162 audit path of a block in the tree of a given size',
          parameters: [
            { name: 'block', in: 'query', required: true, schema: { type: 'integer', minimum: 0 } },
            {
              name: 'treeSize',
              in: 'query',
              required: true,
              schema: { type: 'integer', minimum: 1 },
            },
          ],
          responses: {
            '200': { description: 'The proof', content: json({ type: 'object' }) },
            ...notOnThisLedger,
            ...commonErrors,
          },
        },
      },
      '/v1/proofs/consistency': {
        get: {
          summary: 'RFC 9162 consistency proof between two tree sizes',
          parameters: [
            { name: 'from', in: 'query', required: true, schema: { type: 'integer', minimum: 0 } },
            { name: 'to', in: 'query', required: true, schema: { type: 'integer', minimum: 0 } },
          ],
          responses: {
            '200': { description: 'The proof', content: json({ type: 'object' }) },
            ...notOnThisLedger,
            ...commonErrors,
          },
        },
      },
      '/v1/events': {
        get: {
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
      },
      '/v1/webhooks': {
        post: {
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
        get: {
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
      },
      '/v1/webhooks/{id}': {
        get: {
          parameters: idInPath,
          summary: 'One of the caller’s webhooks',
          responses: {
            '200': { description: 'The webhook', content: json(ref('Webhook')) },
            '404': errorResponse('No webhook of the caller’s with that id (NOT_FOUND)'),
          },
        },
        delete: {
          parameters: idInPath,
          summary: 'Stop delivering, and forget the webhook and its dead letters',
          responses: {
            '204': { description: 'Deleted' },
            '404': errorResponse('No webhook of the caller’s with that id (NOT_FOUND)'),
          },
        },
      },
      '/v1/webhooks/{id}/dead-letters': {
        get: {
          parameters: idInPath,
          summary: 'Events that exhausted their attempts, oldest first',
          responses: {
            '200': { description: 'The dead letters', content: json(ref('DeadLetters')) },
            '404': errorResponse('No webhook of the caller’s with that id (NOT_FOUND)'),
          },
        },
      },
      '/v1/webhooks/{id}/dead-letters/replay': {
        post: {
          parameters: idInPath,
          summary: 'Deliver every dead letter again, oldest first, before the next new event',
          responses: {
            '202': {
              description: 'How many are replaying',
              content: json({ type: 'object', properties: { replaying: { type: 'integer' } } }),
            },
            '404': errorResponse('No webhook of the caller’s with that id (NOT_FOUND)'),
          },
        },
      },
      '/v1/findings': {
        get: {
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
      },
      '/v1/findings/{id}': {
        get: {
          parameters: idInPath,
          summary: 'One finding',
          responses: {
            '200': { description: 'The finding', content: json(ref('Finding')) },
            '404': errorResponse('No finding with that id the caller may read (NOT_FOUND)'),
          },
        },
      },
      '/v1/findings/{id}/close': {
        post: {
          parameters: idInPath,
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
      },
      '/healthz': {
        get: {
          summary: 'The process is alive',
          security: [],
          responses: { '200': { description: 'ok' } },
        },
      },
      '/readyz': {
        get: {
          summary: "The ledger is reachable; on Fabric, which organisations' peers answer",
          security: [],
          responses: {
            '200': { description: 'ready', content: json(ref('Readiness')) },
            '503': { description: 'not ready', content: json(ref('Readiness')) },
          },
        },
      },
    },
  };
}
