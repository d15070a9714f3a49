import { z } from 'zod';
import { freeText, identifier, timestamp } from '../../text-schemas';
import { creditSubject, defineKindVersion } from '../kind-version';
import { requireDistinct } from '../refinements';

export const RECIPIENT_TYPES = ['credit-bureau', 'credit-platform', 'department'] as const;

const MAX_SHARED_RECORDS = 1000;

function payloadAround<Subject extends z.ZodType>(subject: Subject) {
  return z
    .strictObject({
      subject,
      records: z.array(identifier()).min(1).max(MAX_SHARED_RECORDS),
      recipient: z.strictObject({
        type: z.enum(RECIPIENT_TYPES),
        id: identifier(),
        name: freeText(200).optional(),
      }),
      legalBasis: freeText(),
      purpose: freeText().optional(),
      channel: identifier().optional(),
      operator: identifier(),
      occurredAt: timestamp,
    })
    .superRefine((share, context) => {
      requireDistinct(context, share.records, ['records']);
    });
}

export default defineKindVersion({
  kind: 'credit-share',
  version: 1,
  title: { en: 'credit-record sharing', 'zh-CN': '信用信息共享' },
  description:
    'Records of one credit file shared with an external credit bureau, the city credit platform or a supervising department: whom, which records, on what legal basis.',
  writers: ['credit-writer'],
  payloadWith: payloadAround<typeof creditSubject>,
  subjectFields: ['subject'],
  stream: { name: 'subject', of: (share) => share.subject.ref },
  indexes: {
    recordId: (share) => share.records,
    recipientId: (share) => share.recipient.id,
  },
  rules: ['Each record is named once.'],
  examples: [
    {
      summary: 'A company’s commitment and breach records go to the city credit platform',
      payload: {
        subject: { type: 'organization', ref: `hmac-sha256:${'ab'.repeat(32)}` },
        records: ['CR-2026-000318', 'CR-2026-000402'],
        recipient: {
          type: 'credit-platform',
          id: 'sz-credit-platform',
          name: '市公共信用信息平台',
        },
        legalBasis: '《深圳经济特区社会信用条例》第二十四条',
        purpose: '公共信用信息归集',
        channel: 'daily-push-2026-06-03',
        operator: 'credit-sync',
        occurredAt: '2026-06-03T01:00:00+08:00',
      },
    },
  ],
});
