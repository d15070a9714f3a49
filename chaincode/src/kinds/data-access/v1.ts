import { z } from 'zod';
import { freeText, identifier, prefixedSha256, timestamp } from '../../text-schemas';
import { defineKindVersion } from '../kind-version';

export const DATA_ACTIONS = ['query', 'read', 'download', 'train', 'export', 'compute'] as const;
export const ACCESS_OUTCOMES = ['granted', 'denied', 'error'] as const;

const MAX_SCOPE_FIELDS = 1000;

const payload = z
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
    reason: freeText().optional(),
    sessionId: identifier().optional(),
  })
  .superRefine((access, context) => {
    if (access.outcome !== 'granted' && access.reason === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['reason'],
        message: `is required when outcome is ${access.outcome}`,
      });
    }
  });

export default defineKindVersion({
  kind: 'data-access',
  version: 1,
  title: { en: 'data access', 'zh-CN': '数据访问' },
  description:
    'A person or job in the sandbox reached a dataset: who, which dataset, what action, under which approved scenario, over what scope, and whether it was granted.',
  writers: ['sandbox-writer'],
  payloadWith: () => payload,
  stream: { name: 'dataset', of: (access) => access.dataset.id },
  indexes: { approvalRef: (access) => access.purpose.approvalRef },
  rules: ['`reason` is required when `outcome` is `denied` or `error`.'],
  examples: [
    {
      summary: 'A team trains on traffic flows under its approved scenario',
      payload: {
        actor: { org: '深圳某科技有限公司', user: 'analyst-07', team: 'traffic-ml' },
        dataset: { id: 'city-mgmt/traffic-flow-2025', classification: 'restricted' },
        action: 'train',
        purpose: { scenarioId: 'scenario-12', approvalRef: 'APR-2026-0042' },
        outcome: 'granted',
        occurredAt: '2026-03-01T07:59:58.125+08:00',
        scope: {
          fields: ['road_id', 'hour', 'volume'],
          rowCount: 125000,
          queryDigest: `sha256:${'a1'.repeat(32)}`,
        },
        sessionId: 'sess-9f1c',
      },
    },
    {
      summary: 'A download outside the approved fields is denied',
      payload: {
        actor: { org: 'sz-smart-traffic-co', user: 'analyst-07' },
        dataset: { id: 'gov-services/permit-applications', classification: 'confidential' },
        action: 'download',
        purpose: { scenarioId: 'scenario-12', approvalRef: 'APR-2026-0042' },
        outcome: 'denied',
        reason: '申请字段超出已批准场景范围',
        occurredAt: '2026-03-01T10:12:40+08:00',
      },
    },
  ],
});
