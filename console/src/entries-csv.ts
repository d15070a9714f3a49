/**
 * Entries as CSV (RFC 4180), one row each, for spreadsheets: UTF-8 with a byte-order mark, and no
 * cell a spreadsheet would run as a formula.
 */

/** The fields of an entry a row holds (the API's Entry has them all). */
export interface CsvEntry {
  committedAt: string;
  kind: string;
  id: string;
  /** Absent, as the payload is, once an entry's details are erased. */
  stream?: string;
  source: string;
  sourceSeq?: number;
  digest: string;
  submitter: { mspId: string; name: string };
  blockNumber: number;
  txId: string;
  payload?: unknown;
}

const CSV_COLUMNS = [
  'committedAt',
  'kind',
  'id',
  'stream',
  'source',
  'sourceSeq',
  'digest',
  'submitter',
  'blockNumber',
  'txId',
  'payload',
] as const;

/**
 * One CSV cell (RFC 4180). A text a spreadsheet would run as a formula (=, +, -, @, tab, CR)
 * is prefixed with an apostrophe: an exported ledger must not execute anything.
 */
function csvCell(value: string | number | undefined): string {
  const text = value === undefined ? '' : String(value);
  const inert = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(inert) ? `"${inert.replaceAll('"', '""')}"` : inert;
}

function csvRow(entry: CsvEntry): string {
  const values: Record<(typeof CSV_COLUMNS)[number], string | number | undefined> = {
    committedAt: entry.committedAt,
    kind: entry.kind,
    id: entry.id,
    stream: entry.stream,
    source: entry.source,
    sourceSeq: entry.sourceSeq,
    digest: entry.digest,
    submitter: `${entry.submitter.mspId}/${entry.submitter.name}`,
    blockNumber: entry.blockNumber,
    txId: entry.txId,
    payload: entry.payload === undefined ? undefined : JSON.stringify(entry.payload),
  };
  return CSV_COLUMNS.map((column) => csvCell(values[column])).join(',');
}

export function entriesCsv(entries: readonly CsvEntry[]): string {
  // A byte-order mark, so that spreadsheets read the Chinese text as UTF-8.
  return `\uFEFF${[CSV_COLUMNS.join(','), ...entries.map(csvRow)].join('\r\n')}\r\n`;
}
