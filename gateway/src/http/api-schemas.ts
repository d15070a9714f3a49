import {
  ROLES,
  MAX_ENTRIES_PER_TRANSACTION,
  MAX_PAGE_SIZE,
  pseudonym,
  timestamp,
} from '@audit-ledger/chaincode';
import { z } from 'zod';
import { DEFAULT_PAGE_SIZE } from '../ledger/entry-query';
import type { EntriesPerDay } from '../services/entries-per-day';
import type { KindCatalogue } from '../services/kind-catalogue';
import type { SubjectLookup } from '../services/subject-lookup';
import type { TrailReport } from '../services/trail-check';

export const batchRequest = z.strictObject({
  entries: z.array(z.unknown()).min(1).max(MAX_ENTRIES_PER_TRANSACTION),
});

/**
 * What the API answers. The OpenAPI document describes responses from these schemas, routes
 * type their bodies with them, and the black-box tests parse real answers with them: strict, so
 * an undocumented field fails a test.
 */
const errorDetail = z.strictObject({ path: z.string(), message: z.string() });

export const errorBodySchema = z.strictObject({
  error: z.strictObject({
    code: z.string(),
    message: z.string(),
    details: z.array(errorDetail).optional(),
  }),
});

const sha256Reference = z.string().regex(/^sha256:[0-9a-f]{64}$/);

export const entrySchema = z.strictObject({
  id: z.string(),
  kind: z.string().describe('One of the kinds GET /v1/kinds lists'),
  /** Absent only on entries recorded before kinds had versions: those are version 1. */
  kindVersion: z.int().min(1).optional(),
  stream: z.string().optional().describe('Absent once the details are erased'),
  source: z.string(),
  sourceSeq: z.number().int().min(1).optional(),
  payload: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('Absent once the details are erased'),
  details: z
    .strictObject({ collection: z.string(), sha256: sha256Reference })
    .optional()
    .describe(
      'Where the payload and stream are held when not on the channel (a private data collection), and the hash that proves them after erasure',
    ),
  erasableAfter: timestamp.optional().describe('From when the writer let the details be erased'),
  erased: z
    .strictObject({
      erasureId: z.string().describe('The entry-erasure entry that records the erasure'),
      erasedAt: timestamp,
      erasedBy: z.strictObject({ mspId: z.string(), name: z.string(), role: z.enum(ROLES) }),
      reason: z.string(),
      legalBasis: z.string(),
      txId: z.string(),
    })
    .optional()
    .describe('Present once the details were erased: when, by whom and why'),
  digest: sha256Reference,
  txId: z.string(),
  blockNumber: z.number().int().min(0),
  committedAt: timestamp,
  submitter: z.strictObject({
    mspId: z.string(),
    role: z.enum(ROLES),
    name: z.string(),
    subject: z.string(),
  }),
});

/** Who an API key belongs to (`GET /v1/me`). */
export const callerSchema = z.strictObject({
  name: z.string(),
  role: z.enum(ROLES),
  organization: z.string(),
});

export const entryPageSchema = z.strictObject({
  items: z.array(entrySchema),
  nextCursor: z.string().nullable(),
});

export const batchItemSchema = z.union([
  z.strictObject({ status: z.union([z.literal(200), z.literal(201)]), entry: entrySchema }),
  z.strictObject({ status: z.number().int().min(400), error: errorBodySchema.shape.error }),
]);

export const batchResponseSchema = z.strictObject({ results: z.array(batchItemSchema) });

export const acceptedSchema = z.strictObject({
  id: z.string(),
  status: z.literal('pending'),
  entryId: z.string().optional(),
  entryIds: z.array(z.string()).optional(),
});

export const operationSchema = z.strictObject({
  id: z.string(),
  status: z.enum(['pending', 'committed', 'failed']),
  createdAt: z.string(),
  completedAt: z.string().optional(),
  attempts: z.number().int().min(0),
  httpStatus: z.number().int().optional(),
  entry: entrySchema.optional(),
  results: z.array(batchItemSchema).optional(),
  error: errorBodySchema.shape.error.optional(),
});

/** `GET /v1/trails/verify`'s report; typed as the check's own report, so the two cannot drift. */
export const trailReportSchema: z.ZodType<TrailReport> = z.strictObject({
  complete: z.boolean(),
  entries: z.number().int().nonnegative(),
  truncated: z.boolean(),
  sourceSeq: z
    .strictObject({
      first: z.number().int().nullable(),
      last: z.number().int().nullable(),
      gaps: z.array(z.strictObject({ from: z.number().int(), to: z.number().int() })),
      unsequenced: z.number().int().nonnegative(),
    })
    .optional(),
  outOfOrder: z.array(
    z.strictObject({ id: z.string(), sourceSeq: z.number().int(), after: z.number().int() }),
  ),
  digestMismatches: z.array(z.string()),
  ledgerIntegrity: z.strictObject({ ok: z.boolean(), message: z.string().optional() }),
  peers: z.strictObject({
    checked: z.boolean(),
    detail: z.string(),
    differing: z.array(z.string()),
  }),
});

/** `GET /v1/kinds`, typed as the catalogue itself. */
export const kindCatalogueSchema: z.ZodType<KindCatalogue> = z.strictObject({
  indexes: z.array(z.string()),
  kinds: z.array(
    z.strictObject({
      kind: z.string(),
      title: z.strictObject({ en: z.string(), 'zh-CN': z.string() }),
      versions: z.array(
        z.strictObject({
          version: z.int().min(1),
          description: z.string(),
          stream: z.string(),
          writers: z.array(z.enum(ROLES)),
          indexes: z.array(z.string()),
          subjectFields: z.array(z.string()),
          payloadSchema: z.record(z.string(), z.unknown()),
          examples: z.array(z.strictObject({ summary: z.string(), payload: z.unknown() })),
        }),
      ),
    }),
  ),
});

/** `GET /v1/statistics/entries-per-day`, typed as the count's own answer. */
export const entriesPerDaySchema: z.ZodType<EntriesPerDay> = z.strictObject({
  timeZone: z.literal('Asia/Shanghai'),
  days: z.array(
    z.strictObject({
      date: z.iso.date(),
      counts: z.record(z.string(), z.number().int().nonnegative()),
    }),
  ),
  complete: z.boolean(),
});

/** `POST /v1/subjects/lookup`: the pseudonym and trail of a number, never the number. */
export const subjectLookupSchema: z.ZodType<SubjectLookup> = z.strictObject({
  subject: z.strictObject({ ref: pseudonym }),
  stream: z.string(),
});

export const verifyResponseSchema = z.strictObject({
  verified: z.boolean(),
  reason: z.enum(['NOT_FOUND', 'KIND_MISMATCH', 'DIGEST_MISMATCH', 'LEDGER_INTEGRITY']).optional(),
  message: z.string().optional(),
  entry: entrySchema.optional(),
});

const blockCount = z.number().int().nonnegative();
/** Each organisation's peer, and the chain height it reported when it answered. */
const readinessParts = z
  .array(
    z.strictObject({ name: z.string(), reachable: z.boolean(), height: blockCount.optional() }),
  )
  .optional();
const outboxDepth = z.strictObject({ depth: z.number().int(), oldestAgeMs: z.number() });

export const readinessSchema = z.union([
  z.strictObject({
    status: z.literal('ready'),
    ledger: z.enum(['embedded', 'fabric']),
    parts: readinessParts,
    /** Blocks held from block 0 (on Fabric: followed into the gateway's index so far). */
    blocks: blockCount.optional(),
    /** Of those, the blocks from block 0 whose entries queries and counts read. */
    indexedBlocks: blockCount.optional(),
    /** The highest chain height a peer reported (Fabric). */
    chainHeight: blockCount.optional(),
    /** Queries and counts wait for the index, and may answer 503, until it is false. */
    catchingUp: z.boolean().optional(),
    outbox: outboxDepth,
  }),
  errorBodySchema.extend({ parts: readinessParts, outbox: outboxDepth }),
]);

const filterValue = z.string().min(1).max(512);
const topic = z.enum(['entries', 'findings']).default('entries');

/** `GET /v1/events`: which events, and where to resume when the header cannot be sent. */
export const eventsQuery = z
  .strictObject({
    topic,
    kind: filterValue.optional(),
    stream: filterValue.optional(),
    source: filterValue.optional(),
    lastEventId: filterValue.optional(),
  })
  .superRefine((query, context) => {
    if (query.topic === 'findings') {
      for (const field of ['kind', 'stream', 'source'] as const) {
        if (query[field] !== undefined) {
          context.addIssue({
            code: 'custom',
            path: [field],
            message: 'filters entries; findings are not filtered',
          });
        }
      }
    }
  });

/** `POST /v1/webhooks`. */
export const webhookRequest = z
  .strictObject({
    url: z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }).max(2048),
    topic,
    filter: z
      .strictObject({
        kind: filterValue.optional(),
        stream: filterValue.optional(),
        source: filterValue.optional(),
      })
      .default({}),
    /** `now`: only events after the subscription is made; `start`: every event from the first. */
    from: z.enum(['now', 'start']).default('now'),
  })
  .superRefine((webhook, context) => {
    if (webhook.topic === 'findings' && Object.keys(webhook.filter).length > 0) {
      context.addIssue({
        code: 'custom',
        path: ['filter'],
        message: 'filters entries; findings are not filtered',
      });
    }
  });

/** `GET /v1/findings`. */
export const findingsQuery = z.strictObject({
  status: z.enum(['open', 'closed']).optional(),
  rule: filterValue.optional(),
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
});

/** `POST /v1/findings/{id}/close`. */
export const closeFindingRequest = z.strictObject({
  reason: z.string().trim().min(1, 'must say why').max(2000),
});

const eventFilter = z.strictObject({
  kind: z.string().optional(),
  stream: z.string().optional(),
  source: z.string().optional(),
});

/** A webhook as its owner reads it (`secret` only in the answer that made it). */
export const webhookSchema = z.strictObject({
  id: z.string(),
  url: z.string(),
  topic: z.enum(['entries', 'findings']),
  filter: eventFilter,
  createdAt: z.string(),
  deliveredThrough: z.string().optional(),
  retry: z
    .strictObject({ attempts: z.int(), nextAttemptAt: z.string(), lastError: z.string() })
    .optional(),
  deadLetters: z.int(),
  secret: z.string().optional(),
});

export const deadLettersSchema = z.strictObject({
  items: z.array(
    z.strictObject({
      eventId: z.string(),
      attempts: z.int(),
      lastError: z.string(),
      failedAt: z.string(),
      replaying: z.boolean(),
    }),
  ),
});

export const findingSchema = z.strictObject({
  id: z.string(),
  rule: z.strictObject({ id: z.string(), version: z.int() }),
  title: z.strictObject({ en: z.string(), 'zh-CN': z.string() }),
  status: z.enum(['open', 'closed']),
  summary: z.string(),
  details: z.record(
    z.string(),
    z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]),
  ),
  entry: z.strictObject({ id: z.string(), mspId: z.string(), position: z.string() }),
  raisedAt: z.string(),
  closure: z
    .strictObject({
      entryId: z.string(),
      reason: z.string(),
      closedBy: z.string(),
      closedAt: z.string(),
    })
    .optional(),
});

export const findingPageSchema = z.strictObject({
  items: z.array(findingSchema),
  /** Pass as `after` for the next page; empty when there is none. */
  next: z.string(),
});
