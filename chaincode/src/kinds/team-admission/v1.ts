import { z } from 'zod';
import { freeText, identifier, timestamp } from '../../text-schemas';
import { defineKindVersion } from '../kind-version';
import { requireLater } from '../refinements';

export const ADMISSION_ACTIONS = ['admit', 'extend', 'remove'] as const;

const payload = z
  .strictObject({
    team: z.strictObject({
      id: identifier(),
      organization: identifier(),
      name: freeText(200).optional(),
    }),
    scenarioId: identifier(),
    action: z.enum(ADMISSION_ACTIONS),
    /** The team's sandbox environment; its window is what admission grants and extension moves. */
    environment: z.strictObject({
      id: identifier(),
      opensAt: timestamp.optional(),
      closesAt: timestamp.optional(),
    }),
    approvalRef: identifier(),
    operator: identifier(),
    reason: freeText().optional(),
    occurredAt: timestamp,
  })
  .superRefine((admission, context) => {
    const { opensAt, closesAt } = admission.environment;
    const needs = {
      admit: { opensAt: true, closesAt: true },
      extend: { opensAt: false, closesAt: true },
      remove: { opensAt: false, closesAt: false },
    }[admission.action];
    if (needs.opensAt && opensAt === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['environment', 'opensAt'],
        message: `is required for action ${admission.action}`,
      });
    }
    if (needs.closesAt && closesAt === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['environment', 'closesAt'],
        message: `is required for action ${admission.action}`,
      });
    }
    if (admission.action === 'remove' && admission.reason === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['reason'],
        message: 'is required for action remove',
      });
    }
    requireLater(
      context,
      { earlier: opensAt, later: closesAt },
      ['environment', 'closesAt'],
      'must be later than opensAt',
    );
  });

export default defineKindVersion({
  kind: 'team-admission',
  version: 1,
  title: { en: 'team admission', 'zh-CN': '团队准入' },
  description:
    'A team admitted to a published sandbox scenario with its environment’s window, the window extended, or the team removed; with the approval it rests on and who decided.',
  writers: ['sandbox-writer'],
  payloadWith: () => payload,
  stream: { name: 'team', of: (admission) => admission.team.id },
  indexes: {
    scenarioId: (admission) => admission.scenarioId,
    approvalRef: (admission) => admission.approvalRef,
  },
  rules: [
    '`admit` names the window (`environment.opensAt` and `closesAt`); `extend` names its new `closesAt`; `remove` names a `reason`.',
    'A window closes after it opens.',
  ],
  examples: [
    {
      summary: 'A traffic team is admitted to scenario 12 for three months',
      payload: {
        team: { id: 'traffic-ml', organization: 'sz-smart-traffic-co', name: '交通流量建模组' },
        scenarioId: 'scenario-12',
        action: 'admit',
        environment: {
          id: 'env-2026-0117',
          opensAt: '2026-03-01T00:00:00+08:00',
          closesAt: '2026-06-01T00:00:00+08:00',
        },
        approvalRef: 'APR-2026-0042',
        operator: 'sandbox-ops-02',
        occurredAt: '2026-02-27T15:20:00+08:00',
      },
    },
    {
      summary: 'The same team is removed after leaving the scenario’s data boundary',
      payload: {
        team: { id: 'traffic-ml', organization: 'sz-smart-traffic-co' },
        scenarioId: 'scenario-12',
        action: 'remove',
        environment: { id: 'env-2026-0117' },
        approvalRef: 'APR-2026-0042',
        operator: 'sandbox-ops-02',
        reason: '多次尝试导出未经审核的结果',
        occurredAt: '2026-04-18T11:05:00+08:00',
      },
    },
  ],
});
