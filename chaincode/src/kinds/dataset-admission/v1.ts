import { z } from 'zod';
import { freeText, identifier, timestamp } from '../../text-schemas';
import { defineKindVersion } from '../kind-version';

export const DATASET_ADMISSION_ACTIONS = ['admit', 'withdraw'] as const;

const payload = z
  .strictObject({
    dataset: z.strictObject({ id: identifier(), classification: identifier().optional() }),
    scenarioId: identifier(),
    action: z.enum(DATASET_ADMISSION_ACTIONS),
    approvalRef: identifier(),
    operator: identifier(),
    reason: freeText().optional(),
    occurredAt: timestamp,
  })
  .superRefine((admission, context) => {
    if (admission.action === 'withdraw' && admission.reason === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['reason'],
        message: 'is required for action withdraw',
      });
    }
  });

export default defineKindVersion({
  kind: 'dataset-admission',
  version: 1,
  title: { en: 'dataset admission', 'zh-CN': '数据集准入' },
  description:
    'A government dataset admitted to a published sandbox scenario, or withdrawn from it; with the approval it rests on and who did it. It shares the dataset’s trail with every access to the dataset, so an auditor sees what was admitted beside what was reached.',
  writers: ['sandbox-writer'],
  payloadWith: () => payload,
  stream: { name: 'dataset', of: (admission) => admission.dataset.id },
  indexes: {
    scenarioId: (admission) => admission.scenarioId,
    datasetId: (admission) => admission.dataset.id,
    approvalRef: (admission) => admission.approvalRef,
  },
  rules: ['`withdraw` names a `reason`.'],
  examples: [
    {
      summary: 'Traffic flows are admitted to scenario 12 before its teams start',
      payload: {
        dataset: { id: 'city-mgmt/traffic-flow-2025', classification: 'restricted' },
        scenarioId: 'scenario-12',
        action: 'admit',
        approvalRef: 'APR-2026-0042',
        operator: 'sandbox-ops-02',
        occurredAt: '2026-02-27T15:00:00+08:00',
      },
    },
    {
      summary: 'Inpatient records are withdrawn from scenario 31 at their provider’s request',
      payload: {
        dataset: { id: 'health/inpatient-2024', classification: 'confidential' },
        scenarioId: 'scenario-31',
        action: 'withdraw',
        approvalRef: 'APR-2026-0057',
        operator: 'sandbox-ops-05',
        reason: '数据提供单位撤回授权，待重新评估脱敏方案',
        occurredAt: '2026-04-20T09:00:00+08:00',
      },
    },
  ],
});
