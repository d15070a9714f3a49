import { z } from 'zod';
import { freeText, identifier, sha256Hex, timestamp } from '../../text-schemas';
import { defineKindVersion } from '../kind-version';
import { requireDistinct } from '../refinements';

export const RESULT_TYPES = ['model', 'dataset', 'statistics', 'report'] as const;
export const REVIEW_DECISIONS = ['approved', 'rejected'] as const;
export const EXPORT_STATUSES = ['released', 'blocked'] as const;

const MAX_SOURCE_DATASETS = 100;

const payload = z
  .strictObject({
    result: z.strictObject({
      id: identifier(),
      type: z.enum(RESULT_TYPES),
      sha256: sha256Hex,
      sizeBytes: z.int().positive(),
      mediaType: identifier(128).optional(),
    }),
    team: identifier(),
    scenarioId: identifier(),
    algorithm: z.strictObject({ id: identifier(), version: identifier(64) }).optional(),
    /** The government datasets the result was derived from. */
    datasets: z.array(identifier()).min(1).max(MAX_SOURCE_DATASETS),
    review: z.strictObject({
      ref: identifier(),
      decision: z.enum(REVIEW_DECISIONS),
      reviewer: identifier(),
      approvedBy: identifier().optional(),
      reviewedAt: timestamp,
      desensitization: freeText(500).optional(),
    }),
    destination: z.strictObject({ org: identifier(), system: identifier().optional() }),
    status: z.enum(EXPORT_STATUSES),
    reason: freeText().optional(),
    occurredAt: timestamp,
  })
  .superRefine((exported, context) => {
    if (exported.status === 'released') {
      if (exported.review.decision !== 'approved') {
        context.addIssue({
          code: 'custom',
          path: ['review', 'decision'],
          message: 'must be approved when status is released',
        });
      }
      if (exported.review.approvedBy === undefined) {
        context.addIssue({
          code: 'custom',
          path: ['review', 'approvedBy'],
          message: 'is required when status is released',
        });
      }
    } else if (exported.reason === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['reason'],
        message: 'is required when status is blocked',
      });
    }
    requireDistinct(context, exported.datasets, ['datasets']);
  });

export default defineKindVersion({
  kind: 'result-export',
  version: 1,
  title: { en: 'result export', 'zh-CN': '结果导出' },
  description:
    'A model or result leaving the sandbox after review, or stopped at the boundary: the digest of exactly what left, the datasets it came from, the review and who approved it, and where it went.',
  writers: ['sandbox-writer'],
  payloadWith: () => payload,
  stream: { name: 'team', of: (exported) => exported.team },
  indexes: {
    scenarioId: (exported) => exported.scenarioId,
    datasetId: (exported) => exported.datasets,
  },
  rules: [
    'A `released` result had an `approved` review and names who approved it (`review.approvedBy`); a `blocked` one names a `reason`.',
    'Each source dataset is named once.',
  ],
  examples: [
    {
      summary: 'A reviewed, desensitised forecasting model is released to its team’s company',
      payload: {
        result: {
          id: 'res-2026-0311',
          type: 'model',
          sha256: 'd4'.repeat(32),
          sizeBytes: 18_204_311,
          mediaType: 'application/octet-stream',
        },
        team: 'traffic-ml',
        scenarioId: 'scenario-12',
        algorithm: { id: 'alg-traffic-forecast', version: '1.4.0' },
        datasets: ['city-mgmt/traffic-flow-2025', 'city-mgmt/road-network'],
        review: {
          ref: 'REV-2026-0088',
          decision: 'approved',
          reviewer: 'reviewer-05',
          approvedBy: 'sandbox-head-01',
          reviewedAt: '2026-05-20T10:00:00+08:00',
          desensitization: '仅含模型参数，不含任何原始记录',
        },
        destination: { org: 'sz-smart-traffic-co', system: 'sftp-outbound' },
        status: 'released',
        occurredAt: '2026-05-20T14:32:10+08:00',
      },
    },
    {
      summary: 'A table of raw rows is stopped at review',
      payload: {
        result: {
          id: 'res-2026-0312',
          type: 'dataset',
          sha256: 'e5'.repeat(32),
          sizeBytes: 5_120_000,
        },
        team: 'traffic-ml',
        scenarioId: 'scenario-12',
        datasets: ['city-mgmt/traffic-flow-2025'],
        review: {
          ref: 'REV-2026-0091',
          decision: 'rejected',
          reviewer: 'reviewer-05',
          reviewedAt: '2026-05-22T09:30:00+08:00',
        },
        destination: { org: 'sz-smart-traffic-co' },
        status: 'blocked',
        reason: '结果包含逐条原始记录，未脱敏',
        occurredAt: '2026-05-22T09:31:00+08:00',
      },
    },
  ],
});
