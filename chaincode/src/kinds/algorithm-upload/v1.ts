import { z } from 'zod';
import { freeText, identifier, sha256Hex, timestamp } from '../../text-schemas';
import { defineKindVersion } from '../kind-version';

export const ALGORITHM_STATUSES = [
  'submitted',
  'approved',
  'rejected',
  'deployed',
  'retired',
] as const;

const payload = z.strictObject({
  algorithm: z.strictObject({
    id: identifier(),
    version: identifier(64),
    name: freeText().optional(),
  }),
  team: identifier(),
  uploader: identifier(),
  artifact: z.strictObject({
    sha256: sha256Hex,
    sizeBytes: z.int().positive(),
    mediaType: identifier(128).optional(),
  }),
  status: z.enum(ALGORITHM_STATUSES),
  reason: freeText().optional(),
  occurredAt: timestamp,
});

export default defineKindVersion({
  kind: 'algorithm-upload',
  version: 1,
  title: { en: 'algorithm upload', 'zh-CN': '算法上传' },
  description:
    'A step in an algorithm’s review lifecycle: uploaded by a team, approved or rejected, deployed in the sandbox, retired; with the digest of the exact artifact.',
  writers: ['sandbox-writer'],
  payloadWith: () => payload,
  stream: { name: 'algorithm', of: (upload) => upload.algorithm.id },
  examples: [
    {
      summary: 'A team submits version 1.4.0 of its forecasting model for review',
      payload: {
        algorithm: { id: 'alg-traffic-forecast', version: '1.4.0', name: '交通流量预测' },
        team: 'traffic-ml',
        uploader: 'dev-lead-03',
        artifact: { sha256: 'c3'.repeat(32), sizeBytes: 48_213_004, mediaType: 'application/zip' },
        status: 'submitted',
        occurredAt: '2026-03-01T08:00:00Z',
      },
    },
  ],
});
