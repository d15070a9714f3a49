import { z } from 'zod';
import { freeText, identifier, timestamp } from '../../text-schemas';
import { defineKindVersion } from '../kind-version';

const payload = z.strictObject({
  /** The finding as the gateways raised it: its id, and the rule version that raised it. */
  finding: z.strictObject({ id: identifier(), rule: identifier(), ruleVersion: z.int().min(1) }),
  reason: freeText(),
  closedBy: identifier(),
  occurredAt: timestamp,
});

export default defineKindVersion({
  kind: 'finding-closure',
  version: 1,
  title: { en: 'compliance finding closure', 'zh-CN': '合规发现关闭' },
  description:
    'A regulator closed a compliance finding, saying why: the finding, the rule version that raised it, who closed it and when. Every organisation’s gateway closes the finding when it reads this entry, so a closure is the same everywhere and none goes unrecorded.',
  writers: ['regulator'],
  payloadWith: () => payload,
  stream: { name: 'finding', of: (closure) => closure.finding.id },
  indexes: { findingId: (closure) => closure.finding.id },
  examples: [
    {
      summary: 'An export reviewed by its own team is closed after the review was repeated',
      payload: {
        finding: {
          id: 'export-without-review-v1-5c0e9a41d27b85e6f012',
          rule: 'export-without-review',
          ruleVersion: 1,
        },
        reason: '已由沙箱管理方另行复核并确认结果已脱敏，复核记录编号 REV-2026-0102',
        closedBy: 'regulator-desk-03',
        occurredAt: '2026-05-27T16:05:00+08:00',
      },
    },
  ],
});
