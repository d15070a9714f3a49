import { useState } from 'react';
import { api, failureText, readEntries } from '../api/client';
import { entriesCsv } from '../entries-csv';
import { entryName } from '../entry-name';
import { useLanguage } from '../i18n';
import { loadVerifier } from '../verifier/load-verifier';
import { saveText } from './SaveTextButton';

/** A search as `GET /v1/entries` takes it, without the cursor: every page of it. */
export type EntrySearch = Record<string, string>;

/** Entries a CSV export reads at most, and entries an evidence package holds at most. */
const MAX_CSV_ENTRIES = 10_000;
const MAX_EVIDENCE_ENTRIES = 200;

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
      const { entries, more } = await readEntries(search, MAX_CSV_ENTRIES, (read) => {
        setStatus(`${t('export.reading')} ${String(read)}`);
      });
      saveText(entriesCsv(entries), `audit-entries-${stamp()}.csv`, 'text/csv;charset=utf-8');
      return `${t('export.saved')} ${String(entries.length)}${more ? ` (${t('export.capped')})` : ''}`;
    });

  const exportEvidence = () =>
    run(async () => {
      const { entries, more } = await readEntries(search, MAX_EVIDENCE_ENTRIES);
      const bundles: unknown[] = [];
      for (const entry of entries) {
        const { data, error } = await api.GET('/v1/entries/{id}/proof', {
          params: { path: { id: entryName(entry) } },
        });
        if (data === undefined) {
          throw new Error(`${entryName(entry)}: ${failureText(error)}`);
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
