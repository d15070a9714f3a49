import type { Finding } from '../compliance/compliance-engine';
import type { TrailReport } from '../services/trail-check';

/** How the CLI shows the gateway's answers to a person; `--json` prints them as they came. */

export interface EntryView {
  id: string;
  kind: string;
  stream: string;
  source: string;
  sourceSeq?: number;
  digest: string;
  txId: string;
  blockNumber: number;
  committedAt: string;
  submitter: { mspId: string; name: string; role: string };
  payload: unknown;
}

const indent = (text: string, by: string) =>
  text
    .split('\n')
    .map((line) => `${by}${line}`)
    .join('\n');

export function formatEntry(entry: EntryView): string {
  const fields: [string, string][] = [
    ['kind', entry.kind],
    ['stream', entry.stream],
    ['source', entry.source],
    ...(entry.sourceSeq === undefined
      ? []
      : [['sourceSeq', String(entry.sourceSeq)] as [string, string]]),
    ['committed', `${entry.committedAt}, block ${entry.blockNumber}, tx ${entry.txId}`],
    ['submitter', `${entry.submitter.mspId}/${entry.submitter.name} (${entry.submitter.role})`],
    ['digest', entry.digest],
  ];
  const width = Math.max(...fields.map(([name]) => name.length));
  return [
    entry.id,
    ...fields.map(([name, value]) => `  ${name.padEnd(width)}  ${value}`),
    '  payload',
    indent(JSON.stringify(entry.payload, null, 2), '    '),
  ].join('\n');
}

/** Entries as a table, one line each, in commit order. */
export function formatEntryTable(entries: EntryView[]): string {
  const rows = [
    ['committed', 'kind', 'id', 'stream', 'source', 'seq'],
    ...entries.map((entry) => [
      entry.committedAt,
      entry.kind,
      entry.id,
      entry.stream,
      entry.source,
      entry.sourceSeq === undefined ? '' : String(entry.sourceSeq),
    ]),
  ];
  const widths = rows[0]?.map((_, column) =>
    Math.max(...rows.map((row) => row[column]?.length ?? 0)),
  );
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths?.[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const mark = (ok: boolean) => (ok ? '✓' : '✗');

export function formatTrailReport(report: TrailReport): string {
  const lines = [
    `${mark(!report.truncated)} entries read: ${report.entries}${report.truncated ? ' (truncated: narrow the range with --from/--to)' : ''}`,
  ];
  if (report.sourceSeq !== undefined) {
    const { first, last, gaps, unsequenced } = report.sourceSeq;
    const holes = gaps.map((gap) =>
      gap.from === gap.to ? `${gap.from}` : `${gap.from}–${gap.to}`,
    );
    lines.push(
      `${mark(gaps.length === 0)} sourceSeq ${first ?? '–'} to ${last ?? '–'}: ${gaps.length === 0 ? 'no gaps' : `missing ${holes.join(', ')}`}${unsequenced > 0 ? `; ${unsequenced} entries without a number` : ''}`,
    );
  }
  lines.push(
    `${mark(report.outOfOrder.length === 0)} order: ${
      report.outOfOrder.length === 0
        ? 'no number went backwards'
        : report.outOfOrder
            .map((item) => `${item.id} (${item.sourceSeq} after ${item.after})`)
            .join(', ')
    }`,
    `${mark(report.digestMismatches.length === 0)} digests: ${
      report.digestMismatches.length === 0
        ? 'every entry matches its digest'
        : `no longer match for ${report.digestMismatches.join(', ')}`
    }`,
    `${mark(report.ledgerIntegrity.ok)} ledger integrity: ${report.ledgerIntegrity.ok ? 'ok' : (report.ledgerIntegrity.message ?? 'failed')}`,
    `${report.peers.checked || report.peers.differing.length > 0 ? mark(report.peers.differing.length === 0) : '–'} peers: ${report.peers.detail}`,
    report.complete ? 'COMPLETE' : 'NOT COMPLETE',
  );
  return `${lines.join('\n')}\n`;
}

/** `name  value` lines, names padded to one width; a value's further lines under its first. */
function fieldLines(fields: [string, string][], by: string): string[] {
  const width = Math.max(...fields.map(([name]) => name.length));
  return fields.map(
    ([name, value]) =>
      `${by}${name.padEnd(width)}  ${value.split('\n').join(`\n${by}${' '.repeat(width + 2)}`)}`,
  );
}

/** A finding, field by field: the rule, the entry it is about, the facts, and its closure. */
export function formatFinding(finding: Finding): string {
  const { rule, closure } = finding;
  const facts = Object.entries(finding.details).map(([name, value]): [string, string] => [
    name,
    Array.isArray(value) ? value.join(', ') : String(value),
  ]);
  const fields: [string, string][] = [
    ['rule', `${rule.id} v${rule.version}: ${finding.title.en}`],
    ['raised', finding.raisedAt],
    ['entry', `${finding.entry.id} (ledger position ${finding.entry.position})`],
    ['summary', finding.summary],
    ...(closure === undefined
      ? []
      : ([
          ['closed', `${closure.closedAt} by ${closure.closedBy}, entry ${closure.entryId}`],
          ['reason', closure.reason],
        ] satisfies [string, string][])),
  ];
  return [
    `${finding.id}  ${finding.status}`,
    ...fieldLines(fields, '  '),
    ...(facts.length === 0 ? [] : ['  details', ...fieldLines(facts, '    ')]),
  ].join('\n');
}

/** Findings one after the other, then how many are open and closed. */
export function formatFindings(findings: Finding[]): string {
  if (findings.length === 0) {
    return 'no findings';
  }
  const open = findings.filter((finding) => finding.status === 'open').length;
  const total = `${findings.length} ${findings.length === 1 ? 'finding' : 'findings'}`;
  return [
    ...findings.map(formatFinding),
    `${total}: ${open} open, ${findings.length - open} closed`,
  ].join('\n\n');
}
