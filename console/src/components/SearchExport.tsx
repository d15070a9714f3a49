import { useState } from 'react';
import { api, failureText, type Entry } from '../api/client';
import { useLanguage } from '../i18n';
import { loadVerifier } from '../verifier/load-verifier';
import { saveText } from './SaveTextButton';

/** A search as `GET /v1/entries` takes it, without the cursor: every page of it. */
export type EntrySearch = Record<string, string>;

/** Entries a CSV export reads at most, and entries an evidence package holds at most. */
const MAX_CSV_ENTRIES = 10_000;
const MAX_EVIDENCE_ENTRIES = 200;

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

function csvRow(entry: Entry): string {
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
    payload: JSON.stringify(entry.payload),
  };
  return CSV_COLUMNS.map((column) => csvCell(values[column])).join(',');
}

async function readAll(search: EntrySearch, limit: number, onProgress: (read: number) => void) {
  const entries: Entry[] = [];
  let cursor: string | undefined;
  do {
    const { data, error } = await api.GET('/v1/entries', {
      params: { query: { ...search, limit: 500, cursor } },
    });
    if (data === undefined) {
      throw new Error(failureText(error));
    }
    entries.push(...data.items);
    onProgress(entries.length);
    cursor = data.nextCursor ?? undefined;
  } while (cursor !== undefined && entries.length < limit);
  return { entries: entries.slice(0, limit), more: cursor !== undefined || entries.length > limit };
}

const stamp = () => new Date().toISOString().replace(/[:.]/g, '-');

/** The current search saved as CSV, or as an evidence package the command line verifies. */
export function SearchExport({ search }: { search: EntrySearch }) {
  const { t } = useLanguage();
  const [status, setStatus] = useState<string | undefined>(undefined);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const run = async (work: () => Promise<string>) => {
    setBusy(true);
    setProblem(undefined);
    try {
      setStatus(await work());
    } catch (error) {
      setStatus(undefined);
      setProblem((error as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const exportCsv = () =>
    run(async () => {
      const { entries, more } = await readAll(search, MAX_CSV_ENTRIES, (read) => {
        setStatus(`${t('export.reading')} ${String(read)}`);
      });
      // A byte-order mark, so that spreadsheets read the Chinese text as UTF-8.
      const csv = `\uFEFF${[CSV_COLUMNS.join(','), ...entries.map(csvRow)].join('\r\n')}\r\n`;
      saveText(csv, `audit-entries-${stamp()}.csv`, 'text/csv;charset=utf-8');
      return `${t('export.saved')} ${String(entries.length)}${more ? ` (${t('export.capped')})` : ''}`;
    });

  const exportEvidence = () =>
    run(async () => {
      const { entries, more } = await readAll(search, MAX_EVIDENCE_ENTRIES, () => undefined);
      const bundles: unknown[] = [];
      for (const entry of entries) {
        const { data, error } = await api.GET('/v1/entries/{id}/proof', {
          params: { path: { id: entry.id } },
        });
        if (data === undefined) {
          throw new Error(`${entry.id}: ${failureText(error)}`);
        }
        bundles.push(data);
        setStatus(`${t('export.proofs')} ${String(bundles.length)} / ${String(entries.length)}`);
      }
      const checkpoint = await api.GET('/v1/checkpoints/latest');
      if (checkpoint.data === undefined) {
        throw new Error(failureText(checkpoint.error));
      }
      const { EVIDENCE_FORMAT } = await loadVerifier();
      const evidence = {
        format: EVIDENCE_FORMAT,
        createdAt: new Date().toISOString(),
        query: search,
        checkpoint: checkpoint.data,
        bundles,
      };
      saveText(JSON.stringify(evidence, null, 2), `evidence-${stamp()}.json`, 'application/json');
      return `${t('export.saved')} ${String(bundles.length)}${more ? ` (${t('export.capped')})` : ''}`;
    });

  return (
    <div className="actions export">
      <button type="button" className="secondary" disabled={busy} onClick={() => void exportCsv()}>
        {t('export.csv')}
      </button>
      <button
        type="button"
        className="secondary"
        disabled={busy}
        onClick={() => void exportEvidence()}
      >
        {t('export.evidence')}
      </button>
      {status !== undefined && (
        <span role="status" data-testid="export-status">
          {status}
        </span>
      )}
      {problem !== undefined && (
        <span role="alert" className="error">
          {t('error.generic')}: {problem}
        </span>
      )}
    </div>
  );
}
