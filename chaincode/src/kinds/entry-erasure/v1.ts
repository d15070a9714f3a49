import { z } from 'zod';
import { ERASURE_KIND } from '../../audit-entry';
import { MSP_ID } from '../../consortium';
import { entryId, freeText, identifier, prefixedSha256, timestamp } from '../../text-schemas';
import { defineKindVersion } from '../kind-version';

const payload = z.strictObject({
  /** The erased entry: its organisation's id, its kind, and what proves what it was. */
  entry: z.strictObject({
    mspId: z.string().regex(MSP_ID, 'must be an MSP id'),
    id: entryId,
    kind: identifier(),
    digest: prefixedSha256,
    detailsSha256: prefixedSha256,
  }),
  /** When its retention ended; the erasure came at or after it. */
  erasableAfter: timestamp,
  reason: freeText(),
  legalBasis: freeText(),
});

export default defineKindVersion({
  kind: ERASURE_KIND,
  version: 1,
  title: { en: 'entry erasure', 'zh-CN': '记录删除' },
  description:
    'Details of an entry were purged from the private data collection that held them, once its retention ended: which entry, the digest and details hash that still prove what it was, why and on what legal basis. Recorded by the erasure itself (POST /v1/entries/{id}/erase or the retention sweep), in the same transaction as the purge; never written on its own.',
  writers: ['credit-writer', 'regulator'],
  recordedBy: 'EraseEntry',
  payloadWith: () => payload,
  stream: { name: 'erasure', of: (erasure) => erasure.entry.mspId },
  indexes: { erasedEntryId: (erasure) => erasure.entry.id },
  examples: [
    {
      summary: 'A breach record ended five years ago: its changes are erased on schedule',
      payload: {
        entry: {
          mspId: 'CreditOrg',
          id: 'cc-2021-000318-2',
          kind: 'credit-change',
          digest: `sha256:${'c3'.repeat(32)}`,
          detailsSha256: `sha256:${'d4'.repeat(32)}`,
        },
        erasableAfter: '2026-06-02T16:40:00+08:00',
        reason: '不良信息保存期限届满，按期删除',
        legalBasis: '《征信业管理条例》第十六条：不良信息自不良行为终止之日起保存五年',
      },
    },
  ],
});
