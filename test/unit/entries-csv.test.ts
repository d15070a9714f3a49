/** The console's CSV export: what a spreadsheet opens is the entry, and nothing in it runs. */
import { describe, expect, test } from 'vitest';
import { entriesCsv, type CsvEntry } from '../../console/src/entries-csv.js';

const entry: CsvEntry = {
  committedAt: '2026-03-01T01:00:00.000000000Z',
  kind: 'data-access',
  id: 'demo-1',
  stream: 'dataset:traffic-flow-2025',
  source: 'SandboxOrg/dev-sandbox-writer',
  digest: `sha256:${'a1'.repeat(32)}`,
  submitter: { mspId: 'SandboxOrg', name: 'dev-sandbox-writer' },
  blockNumber: 7,
  txId: 'ab'.repeat(32),
  payload: { actor: { org: '某科技公司', user: 'analyst-07' }, note: 'a "quoted", line\nbreak' },
};

const rowsOf = (csv: string) => csv.slice(1).trimEnd().split('\r\n');

describe('entriesCsv', () => {
  test('a byte-order mark, a header, and one row per entry with every field', () => {
    const csv = entriesCsv([entry, { ...entry, id: 'demo-2', sourceSeq: 4 }]);
    expect(csv.startsWith('\uFEFFcommittedAt,kind,id,stream,source,sourceSeq,digest,')).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    const rows = rowsOf(csv);
    expect(rows).toHaveLength(3);
    expect(rows[1]).toContain(',demo-1,dataset:traffic-flow-2025,SandboxOrg/dev-sandbox-writer,,');
    expect(rows[2]).toContain(',demo-2,dataset:traffic-flow-2025,SandboxOrg/dev-sandbox-writer,4,');
    expect(rows[1]).toContain(',SandboxOrg/dev-sandbox-writer,7,');
  });

  test('quotes, commas and line breaks stay inside one quoted cell (RFC 4180)', () => {
    const csv = entriesCsv([entry]);
    const payload = JSON.stringify(entry.payload);
    expect(csv).toContain(`"${payload.replaceAll('"', '""')}"`);
  });

  test.each(['=HYPERLINK("http://x")', '+1', '-2+3', '@SUM(A1)', '\tcmd'])(
    'a cell starting like a formula (%j) is made inert with an apostrophe',
    (text) => {
      const [, row = ''] = rowsOf(entriesCsv([{ ...entry, id: text, source: text }]));
      expect(row).not.toMatch(/(^|,)"?[=+\-@\t]/);
      expect(row).toContain(`'${text.replaceAll('"', '""')}`);
    },
  );
});
