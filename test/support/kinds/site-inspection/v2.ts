import { defineKindVersion, freeText, identifier, timestamp } from '@audit-ledger/chaincode';
import { z } from 'zod';

const SEVERITIES = ['info', 'minor', 'major'] as const;

/** Version 2 of the throw-away kind: several findings, each with a severity. */
export default defineKindVersion({
  kind: 'site-inspection',
  version: 2,
  title: { en: 'site inspection', 'zh-CN': '现场检查' },
  description: 'An inspector’s visit to a data centre hosting the sandbox, with its findings.',
  writers: ['sandbox-writer'],
  payloadWith: () =>
    z.strictObject({
      site: identifier(),
      inspector: identifier(),
      findings: z.array(z.strictObject({ severity: z.enum(SEVERITIES), note: freeText() })).min(1),
      occurredAt: timestamp,
    }),
  stream: { name: 'site', of: (inspection) => inspection.site },
  indexes: { siteId: (inspection) => inspection.site },
  examples: [
    {
      summary: 'A visit finds an unlocked rack',
      payload: {
        site: 'dc-futian-02',
        inspector: 'inspector-04',
        findings: [{ severity: 'major', note: '机柜未上锁' }],
        occurredAt: '2026-07-01T10:00:00+08:00',
      },
    },
  ],
});
