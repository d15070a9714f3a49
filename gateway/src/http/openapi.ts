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
import { apiRoutes } from './api-routes';
import { ref } from './document-parts';
import { documentPaths, type RouteTable } from './routes';
import { API_FORM, VERIFY_FORM } from '../services/entry-requests';
import { erasureRequestBody } from '../services/erasure-service';
import { subjectLookupRequest } from '../services/subject-lookup';

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

/**
 * OpenAPI 3.1 description of API v1: the components from the schemas that validate requests and
 * type responses, the paths from route declarations: those a running gateway serves, or by
 * default every one api-routes.ts lists.
 */
export function buildOpenApiDocument(
  version: string,
  kinds: KindRegistry,
  routes: readonly RouteTable[] = apiRoutes(kinds),
): Record<string, unknown> {
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
    paths: documentPaths(routes),
  };
}
