import { z } from 'zod';
import { identifier, prefixedSha256, timestamp } from '../../text-schemas';
import { defineKindVersion } from '../kind-version';
import { requireDistinct, requireLater } from '../refinements';

const MAX_PARTICIPANTS = 100;
const MAX_DATASETS_PER_PARTICIPANT = 100;

const payload = z
  .strictObject({
    job: z.strictObject({
      id: identifier(),
      scenarioId: identifier(),
      algorithm: z.strictObject({ id: identifier(), version: identifier(64) }).optional(),
    }),
    round: z.int().min(1),
    participants: z
      .array(
        z.strictObject({
          org: identifier(),
          node: identifier().optional(),
          datasets: z.array(identifier()).min(1).max(MAX_DATASETS_PER_PARTICIPANT),
        }),
      )
      .min(2)
      .max(MAX_PARTICIPANTS),
    /** e.g. fedavg, fedprox, secure-aggregation; who ran it. */
    aggregation: z.strictObject({ method: identifier(64), coordinator: identifier() }),
    model: z.strictObject({ before: prefixedSha256, after: prefixedSha256 }),
    startedAt: timestamp,
    occurredAt: timestamp,
  })
  .superRefine((round, context) => {
    requireDistinct(
      context,
      round.participants.map((participant) => participant.org),
      ['participants'],
      (index) => [index, 'org'],
    );
    requireLater(
      context,
      { earlier: round.startedAt, later: round.occurredAt },
      ['occurredAt'],
      'must be later than startedAt',
    );
  });

export default defineKindVersion({
  kind: 'federated-round',
  version: 1,
  title: { en: 'federated-learning round', 'zh-CN': '联邦学习轮次' },
  description:
    'One round of a federated-learning job: the organisations that took part and the datasets each touched, the aggregation method, and the digests of the model before and after.',
  writers: ['sandbox-writer'],
  payloadWith: () => payload,
  stream: { name: 'federation', of: (round) => round.job.id },
  indexes: {
    scenarioId: (round) => round.job.scenarioId,
    datasetId: (round) => round.participants.flatMap((participant) => participant.datasets),
  },
  rules: [
    'At least two participating organisations, each named once.',
    'A round ends (`occurredAt`) after it starts.',
  ],
  examples: [
    {
      summary: 'Round 7 of a readmission-risk model across two hospitals’ data',
      payload: {
        job: {
          id: 'fl-elderly-care-03',
          scenarioId: 'scenario-31',
          algorithm: { id: 'alg-readmission-risk', version: '2.0.1' },
        },
        round: 7,
        participants: [
          { org: 'district-people-hospital', node: 'node-a', datasets: ['health/inpatient-2024'] },
          {
            org: 'district-elderly-care-center',
            node: 'node-b',
            datasets: ['elderly-care/service-visits', 'elderly-care/assessments'],
          },
        ],
        aggregation: { method: 'fedavg', coordinator: 'sandbox-fl-coordinator' },
        model: { before: `sha256:${'a7'.repeat(32)}`, after: `sha256:${'b8'.repeat(32)}` },
        startedAt: '2026-04-02T02:00:00+08:00',
        occurredAt: '2026-04-02T02:41:17+08:00',
      },
    },
  ],
});
