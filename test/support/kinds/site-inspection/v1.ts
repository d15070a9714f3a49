import { defineKindVersion, freeText, identifier, timestamp } from '@audit-ledger/chaincode';
import { z } from 'zod';

/**
 * A kind no deployment records, written only to show what adding a kind takes: this module,
 * and a line in a registry (here test/support/kinds/pilot-*.ts).
 */
export default defineKindVersion({
  kind: 'site-inspection',
  version: 1,
  title: { en: 'site inspection', 'zh-CN': '现场检查' },
  description: 'An inspector’s visit to a data centre hosting the sandbox, with one finding.',
  writers: ['sandbox-writer'],
  payloadWith: () =>
    z.strictObject({
      site: identifier(),
      inspector: identifier(),
      finding: freeText(),
      occurredAt: timestamp,
    }),
  stream: { name: 'site', of: (inspection) => inspection.site },
  indexes: { siteId: (inspection) => inspection.site },
  examples: [
    {
      summary: 'A quarterly visit finds the visitor log complete',
      payload: {
        site: 'dc-futian-02',
        inspector: 'inspector-04',
        finding: '访客登记完整',
        occurredAt: '2026-04-01T10:00:00+08:00',
      },
    },
  ],
});
