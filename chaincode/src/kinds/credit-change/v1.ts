import { z } from 'zod';
import { freeText, identifier, prefixedSha256, timestamp } from '../../text-schemas';
import { CREDIT_DETAILS_COLLECTION } from '../../consortium';
import { creditSubject, defineKindVersion } from '../kind-version';

export const CREDIT_CATEGORIES = [
  'commendation',
  'breach',
  'commitment',
  'tolerance',
  'repair',
  'objection',
] as const;
export const CREDIT_CHANGES = ['create', 'update', 'revoke', 'expire'] as const;

/** Which sides of a record a change describes. */
const SIDES = {
  create: { before: false, after: true },
  update: { before: true, after: true },
  revoke: { before: true, after: false },
  expire: { before: true, after: false },
} as const;

function payloadAround<Subject extends z.ZodType>(subject: Subject) {
  return z
    .strictObject({
      subject,
      recordId: identifier(),
      category: z.enum(CREDIT_CATEGORIES),
      change: z.enum(CREDIT_CHANGES),
      before: prefixedSha256.optional(),
      after: prefixedSha256.optional(),
      sourceSystem: identifier(),
      legalBasis: freeText().optional(),
      operator: identifier(),
      occurredAt: timestamp,
    })
    .superRefine((record, context) => {
      const required = SIDES[record.change];
      for (const side of ['before', 'after'] as const) {
        const present = record[side] !== undefined;
        if (present !== required[side]) {
          context.addIssue({
            code: 'custom',
            path: [side],
            message: `${required[side] ? 'is required' : 'must be absent'} for change ${record.change}`,
          });
        }
      }
      if (record.change === 'update' && record.before === record.after) {
        context.addIssue({
          code: 'custom',
          path: ['after'],
          message: 'must differ from before for change update',
        });
      }
    });
}

export default defineKindVersion({
  kind: 'credit-change',
  version: 1,
  title: { en: 'credit-record change', 'zh-CN': '信用记录变更' },
  description:
    'A record in a person’s or company’s electronic credit file created, updated, revoked or expired: a commendation, a breach, a signed commitment, a tolerance, a repair or an objection, with digests of the record before and after.',
  writers: ['credit-writer'],
  payloadWith: payloadAround<typeof creditSubject>,
  subjectFields: ['subject'],
  stream: { name: 'subject', of: (record) => record.subject.ref },
  indexes: { recordId: (record) => record.recordId },
  details: {
    collection: CREDIT_DETAILS_COLLECTION,
    // A record's history ends with it: revoked or expired, its retention runs for every change.
    retentionGroup: {
      index: 'recordId',
      endedBy: (record) => record.change === 'revoke' || record.change === 'expire',
    },
  },
  rules: [
    '`create` carries `after` only; `update` carries `before` and `after`, and they differ; `revoke` and `expire` carry `before` only.',
    '`erasableAfter` on a `revoke` or `expire` (for adverse records, five years after the record ends) makes every change of the record erasable from then; only the credit authority’s and the regulator’s peers hold the payload.',
  ],
  examples: [
    {
      summary: 'A company signs a commitment letter instead of a certificate',
      payload: {
        subject: { type: 'organization', ref: `hmac-sha256:${'ab'.repeat(32)}` },
        recordId: 'CR-2026-000318',
        category: 'commitment',
        change: 'create',
        after: `sha256:${'a1'.repeat(32)}`,
        sourceSystem: 'credit-approval',
        legalBasis: '《深圳经济特区社会信用条例》第二十条',
        operator: 'officer-12',
        occurredAt: '2026-03-01T09:15:00+08:00',
      },
    },
    {
      summary: 'The commitment is broken: the record becomes a breach',
      payload: {
        subject: { type: 'organization', ref: `hmac-sha256:${'ab'.repeat(32)}` },
        recordId: 'CR-2026-000318',
        category: 'breach',
        change: 'update',
        before: `sha256:${'a1'.repeat(32)}`,
        after: `sha256:${'b2'.repeat(32)}`,
        sourceSystem: 'credit-approval',
        legalBasis: '承诺事项逾期未补交材料',
        operator: 'officer-12',
        occurredAt: '2026-06-02T16:40:00+08:00',
      },
    },
  ],
});
