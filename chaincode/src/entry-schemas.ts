import { z } from 'zod';
import {
  entryId,
  freeText,
  identifier,
  prefixedSha256,
  pseudonym,
  sha256Hex,
  timestamp,
} from './text-schemas';

export const ENTRY_KINDS = ['data-access', 'algorithm-upload', 'credit-change'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

export const DATA_ACTIONS = ['query', 'read', 'download', 'train', 'export', 'compute'] as const;
export const ACCESS_OUTCOMES = ['granted', 'denied', 'error'] as const;
export const ALGORITHM_STATUSES = [
  'submitted',
  'approved',
  'rejected',
  'deployed',
  'retired',
] as const;
export const CREDIT_CATEGORIES = [
  'commendation',
  'breach',
  'commitment',
  'tolerance',
  'repair',
  'objection',
] as const;
export const CREDIT_CHANGES = ['create', 'update', 'revoke', 'expire'] as const;

const MAX_REASON_LENGTH = 2000;
const MAX_SCOPE_FIELDS = 1000;

export const dataAccessPayload = z
  .strictObject({
    actor: z.strictObject({ org: identifier(), user: identifier(), team: identifier().optional() }),
    dataset: z.strictObject({ id: identifier(), classification: identifier().optional() }),
    action: z.enum(DATA_ACTIONS),
    purpose: z.strictObject({ scenarioId: identifier(), approvalRef: identifier() }),
    outcome: z.enum(ACCESS_OUTCOMES),
    occurredAt: timestamp,
    scope: z
      .strictObject({
        fields: z.array(identifier()).max(MAX_SCOPE_FIELDS),
        rowCount: z.int().nonnegative(),
        queryDigest: prefixedSha256.optional(),
      })
      .optional(),
    reason: freeText(MAX_REASON_LENGTH).optional(),
    sessionId: identifier().optional(),
  })
  .superRefine((payload, context) => {
    if (payload.outcome !== 'granted' && payload.reason === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['reason'],
        message: `is required when outcome is ${payload.outcome}`,
      });
    }
  });

export const algorithmUploadPayload = z.strictObject({
  algorithm: z.strictObject({
    id: identifier(),
    version: identifier(64),
    name: freeText(MAX_REASON_LENGTH).optional(),
  }),
  team: identifier(),
  uploader: identifier(),
  artifact: z.strictObject({
    sha256: sha256Hex,
    sizeBytes: z.int().positive(),
    mediaType: identifier(128).optional(),
  }),
  status: z.enum(ALGORITHM_STATUSES),
  reason: freeText(MAX_REASON_LENGTH).optional(),
  occurredAt: timestamp,
});

export const SUBJECT_TYPES = ['person', 'organization'] as const;

/** A credit subject as the ledger stores it: a pseudonym, never the identifier itself. */
export const creditSubject = z.strictObject({ type: z.enum(SUBJECT_TYPES), ref: pseudonym });

/** The credit-change payload around a subject schema (the gateway accepts a wider one). */
export function creditChangePayloadOf<Subject extends z.ZodType>(subject: Subject) {
  return z
    .strictObject({
      subject,
      recordId: identifier(),
      category: z.enum(CREDIT_CATEGORIES),
      change: z.enum(CREDIT_CHANGES),
      before: prefixedSha256.optional(),
      after: prefixedSha256.optional(),
      sourceSystem: identifier(),
      legalBasis: freeText(MAX_REASON_LENGTH).optional(),
      operator: identifier(),
      occurredAt: timestamp,
    })
    .superRefine((payload, context) => {
      // A change describes the record's state on both sides; which sides exist depends on the change.
      const required = {
        create: { before: false, after: true },
        update: { before: true, after: true },
        revoke: { before: true, after: false },
        expire: { before: true, after: false },
      }[payload.change];
      for (const side of ['before', 'after'] as const) {
        const present = payload[side] !== undefined;
        if (present !== required[side]) {
          context.addIssue({
            code: 'custom',
            path: [side],
            message: `${required[side] ? 'is required' : 'must be absent'} for change ${payload.change}`,
          });
        }
      }
      if (payload.change === 'update' && payload.before === payload.after) {
        context.addIssue({
          code: 'custom',
          path: ['after'],
          message: 'must differ from before for change update',
        });
      }
    });
}

export const creditChangePayload = creditChangePayloadOf(creditSubject);

const sourceSeq = z.int().positive();

/** The request union around an id schema and a credit-subject schema. */
export function entryRequestOf<Id extends z.ZodType, Subject extends z.ZodType>(parts: {
  id: Id;
  creditSubject: Subject;
}) {
  return z.discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('data-access'),
      id: parts.id,
      sourceSeq: sourceSeq.optional(),
      payload: dataAccessPayload,
    }),
    z.strictObject({
      kind: z.literal('algorithm-upload'),
      id: parts.id,
      sourceSeq: sourceSeq.optional(),
      payload: algorithmUploadPayload,
    }),
    z.strictObject({
      kind: z.literal('credit-change'),
      id: parts.id,
      sourceSeq: sourceSeq.optional(),
      payload: creditChangePayloadOf(parts.creditSubject),
    }),
  ]);
}

export const entryRequest = entryRequestOf({ id: entryId, creditSubject });

export type DataAccessPayload = z.infer<typeof dataAccessPayload>;
export type AlgorithmUploadPayload = z.infer<typeof algorithmUploadPayload>;
export type CreditChangePayload = z.infer<typeof creditChangePayload>;
export type EntryRequest = z.infer<typeof entryRequest>;

/** Each kind's trail: the thing an auditor follows from one event to the next. */
export function streamOf(request: EntryRequest): string {
  switch (request.kind) {
    case 'data-access':
      return `dataset:${request.payload.dataset.id}`;
    case 'algorithm-upload':
      return `algorithm:${request.payload.algorithm.id}`;
    case 'credit-change':
      return `subject:${request.payload.subject.ref}`;
  }
}
