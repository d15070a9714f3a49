import { z } from 'zod';
import { freeText, identifier, prefixedSha256, timestamp } from '../../text-schemas';
import { creditSubject, defineKindVersion } from '../kind-version';
import { requireLater } from '../refinements';

/** Instant approval, acceptance with missing materials, approval on a commitment letter. */
export const APPROVAL_MODES = ['instant', 'missing-materials', 'commitment'] as const;
export const APPROVAL_DECISIONS = ['approved', 'refused'] as const;
export const CREDIT_CHECK_RESULTS = ['pass', 'fail'] as const;

const MAX_WAIVED = 100;

function payloadAround<Subject extends z.ZodType>(applicant: Subject) {
  return z
    .strictObject({
      applicant,
      matter: z.strictObject({
        id: identifier(),
        service: identifier(),
        name: freeText(200).optional(),
      }),
      mode: z.enum(APPROVAL_MODES),
      decision: z.enum(APPROVAL_DECISIONS),
      creditCheck: z.strictObject({
        ref: identifier(),
        result: z.enum(CREDIT_CHECK_RESULTS),
        rating: identifier(16).optional(),
        checkedAt: timestamp,
      }),
      commitment: z.strictObject({ letterDigest: prefixedSha256, signedAt: timestamp }).optional(),
      /** Materials or certificates not required now, each with the date it is due by. */
      waived: z
        .array(z.strictObject({ material: freeText(200), dueBy: timestamp }))
        .min(1)
        .max(MAX_WAIVED)
        .optional(),
      decidedBy: identifier(),
      reason: freeText().optional(),
      occurredAt: timestamp,
    })
    .superRefine((decision, context) => {
      if (decision.decision === 'approved' && decision.creditCheck.result !== 'pass') {
        context.addIssue({
          code: 'custom',
          path: ['creditCheck', 'result'],
          message: 'must be pass when an application is approved by credit',
        });
      }
      if (decision.decision === 'refused' && decision.reason === undefined) {
        context.addIssue({ code: 'custom', path: ['reason'], message: 'is required when refused' });
      }
      if ((decision.mode === 'commitment') !== (decision.commitment !== undefined)) {
        context.addIssue({
          code: 'custom',
          path: ['commitment'],
          message: `${decision.mode === 'commitment' ? 'is required' : 'must be absent'} for mode ${decision.mode}`,
        });
      }
      if (decision.mode === 'missing-materials' && decision.waived === undefined) {
        context.addIssue({
          code: 'custom',
          path: ['waived'],
          message: 'is required for mode missing-materials',
        });
      }
      if (decision.mode === 'instant' && decision.waived !== undefined) {
        context.addIssue({
          code: 'custom',
          path: ['waived'],
          message: 'must be absent for mode instant',
        });
      }
      decision.waived?.forEach((item, index) => {
        requireLater(
          context,
          { earlier: decision.occurredAt, later: item.dueBy },
          ['waived', index, 'dueBy'],
          'must be later than occurredAt',
        );
      });
    });
}

export default defineKindVersion({
  kind: 'approval-decision',
  version: 1,
  title: { en: 'approval by credit', 'zh-CN': '信用审批决定' },
  description:
    'An application decided by the applicant’s credit: approved instantly after an automatic credit check, accepted with materials missing on an honest declaration, or approved on a signed commitment letter instead of certificates; with the credit check, the letter’s digest and the deadlines for what was waived.',
  writers: ['credit-writer'],
  payloadWith: payloadAround<typeof creditSubject>,
  subjectFields: ['applicant'],
  stream: { name: 'subject', of: (decision) => decision.applicant.ref },
  indexes: { matterId: (decision) => decision.matter.id },
  rules: [
    'An `approved` application passed its credit check; a `refused` one names a `reason`.',
    "Mode `commitment` carries the signed letter's digest, and no other mode does.",
    'Mode `missing-materials` lists what was waived; mode `instant` waives nothing.',
    'Everything waived is due after the decision.',
  ],
  examples: [
    {
      summary: 'A company’s food-business licence is approved on a commitment letter',
      payload: {
        applicant: { type: 'organization', ref: `hmac-sha256:${'ab'.repeat(32)}` },
        matter: { id: 'SQ-2026-004521', service: 'food-business-licence', name: '食品经营许可' },
        mode: 'commitment',
        decision: 'approved',
        creditCheck: {
          ref: 'CC-2026-118230',
          result: 'pass',
          rating: 'A',
          checkedAt: '2026-03-01T09:14:02+08:00',
        },
        commitment: {
          letterDigest: `sha256:${'c9'.repeat(32)}`,
          signedAt: '2026-03-01T09:13:40+08:00',
        },
        waived: [{ material: '场所消防验收证明', dueBy: '2026-05-31T23:59:59+08:00' }],
        decidedBy: 'officer-12',
        occurredAt: '2026-03-01T09:15:00+08:00',
      },
    },
    {
      summary: 'A person’s application is refused: the credit check found an unrepaired breach',
      payload: {
        applicant: { type: 'person', ref: `hmac-sha256:${'cd'.repeat(32)}` },
        matter: { id: 'SQ-2026-004588', service: 'housing-subsidy' },
        mode: 'instant',
        decision: 'refused',
        creditCheck: {
          ref: 'CC-2026-118301',
          result: 'fail',
          checkedAt: '2026-03-02T10:00:05+08:00',
        },
        decidedBy: 'auto-approval',
        reason: '存在未修复的失信记录',
        occurredAt: '2026-03-02T10:00:06+08:00',
      },
    },
  ],
});
