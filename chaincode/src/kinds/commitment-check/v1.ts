import { z } from 'zod';
import { freeText, identifier, timestamp } from '../../text-schemas';
import { creditSubject, defineKindVersion } from '../kind-version';

export const COMMITMENT_CHECK_RESULTS = ['fulfilled', 'broken'] as const;

const MAX_MATERIALS = 100;

function payloadAround<Subject extends z.ZodType>(applicant: Subject) {
  return z
    .strictObject({
      applicant,
      matter: z.strictObject({ id: identifier() }),
      result: z.enum(COMMITMENT_CHECK_RESULTS),
      /** What the applicant supplied of what was waived, and when. */
      materials: z
        .array(z.strictObject({ material: freeText(200), suppliedAt: timestamp.optional() }))
        .min(1)
        .max(MAX_MATERIALS)
        .optional(),
      checkedBy: identifier(),
      reason: freeText().optional(),
      occurredAt: timestamp,
    })
    .superRefine((check, context) => {
      if (check.result === 'broken' && check.reason === undefined) {
        context.addIssue({ code: 'custom', path: ['reason'], message: 'is required when broken' });
      }
    });
}

export default defineKindVersion({
  kind: 'commitment-check',
  version: 1,
  title: { en: 'commitment check', 'zh-CN': '承诺核查' },
  description:
    'The credit authority checked whether an applicant approved on credit kept what it promised: the waived materials supplied by their due dates, or the undertakings of its commitment letter; fulfilled or broken, with what was supplied and when.',
  writers: ['credit-writer'],
  payloadWith: payloadAround<typeof creditSubject>,
  subjectFields: ['applicant'],
  stream: { name: 'subject', of: (check) => check.applicant.ref },
  indexes: { matterId: (check) => check.matter.id },
  rules: ['A `broken` commitment names a `reason`.'],
  examples: [
    {
      summary: 'A person supplied the waived tenancy registration in time',
      payload: {
        applicant: { type: 'person', ref: `hmac-sha256:${'cd'.repeat(32)}` },
        matter: { id: 'SQ-2026-004610' },
        result: 'fulfilled',
        materials: [{ material: '房屋租赁登记备案证明', suppliedAt: '2026-04-10T14:20:00+08:00' }],
        checkedBy: 'officer-07',
        occurredAt: '2026-04-12T10:00:00+08:00',
      },
    },
    {
      summary: 'A company approved on a commitment letter missed its fire-safety certificate',
      payload: {
        applicant: { type: 'organization', ref: `hmac-sha256:${'ab'.repeat(32)}` },
        matter: { id: 'SQ-2026-004521' },
        result: 'broken',
        checkedBy: 'officer-12',
        reason: '逾期未补交场所消防验收证明',
        occurredAt: '2026-06-01T09:30:00+08:00',
      },
    },
  ],
});
