import { useEffect, useState, type SyntheticEvent } from 'react';
import { api, failureText, readEntries, type Entry, type TrailReport } from '../api/client';
import { DistrictTimeField } from '../components/DistrictTimeField';
import { entryName } from '../entry-name';
import { useLanguage } from '../i18n';
import { useKinds } from '../kinds';
import { entryHref, pageHref } from '../route';
import { districtTime, shanghaiInstant } from '../time';

/** Entries a timeline shows; past this it asks for a narrower time range. */
const MAX_TIMELINE_ENTRIES = 2_000;
/** Sources whose whole numbering is checked for a stream's timeline. */
const MAX_SOURCES_CHECKED = 8;

interface Gap {
  from: number;
  to: number;
}

interface Trail {
  entries: Entry[];
  truncated: boolean;
  report: TrailReport;
  /** Each source's gaps in its own numbering, from the gateway's check of its whole trail. */
  gaps: Map<string, Gap[]>;
}

interface TrailQuery {
  source?: string;
  stream?: string;
  from?: string;
  to?: string;
}

async function checkTrail(query: TrailQuery): Promise<TrailReport> {
  // The report as one JSON answer: the streamed form is for the command line's progress.
  const { data, error } = await api.GET('/v1/trails/verify', {
    params: { query },
    headers: { Accept: 'application/json' },
  });
  if (data === undefined || typeof data === 'string') {
    throw new Error(failureText(error));
  }
  return data;
}

/** A trail follows one stream the kinds join (`dataset`, `team`…) or, `by` = `source`, one source. */
async function readTrail(by: string, value: string, from?: string, to?: string): Promise<Trail> {
  const selector = by === 'source' ? { source: value } : { stream: `${by}:${value}` };
  const query = { ...selector, from, to };
  const [{ entries, more: truncated }, report] = await Promise.all([
    readEntries(query, MAX_TIMELINE_ENTRIES),
    checkTrail(query),
  ]);
  const gaps = new Map<string, Gap[]>();
  if (by === 'source') {
    gaps.set(value, report.sourceSeq?.gaps ?? []);
  } else {
    // A source's numbering runs across streams: only its whole trail can show what is missing.
    const sources = [
      ...new Set(entries.filter((entry) => entry.sourceSeq !== undefined).map((e) => e.source)),
    ];
    for (const source of sources.slice(0, MAX_SOURCES_CHECKED)) {
      gaps.set(source, (await checkTrail({ source })).sourceSeq?.gaps ?? []);
    }
  }
  return { entries, truncated, report, gaps };
}

type Row =
  | { type: 'entry'; entry: Entry; reversedAfter?: number }
  | { type: 'gap'; source: string; gap: Gap };

/** The timeline, with each source's missing numbers placed between the entries they fall between. */
function rowsOf(trail: Trail): { rows: Row[]; elsewhere: { source: string; gap: Gap }[] } {
  // Each source's highest number so far. A number below it went backwards; the report names
  // such entries by bare id, which two organisations may share, so they are found here, as the
  // gateway's check finds them (the timeline is the same entries in the same order).
  const previous = new Map<string, number>();
  const placed = new Set<Gap>();
  const rows: Row[] = [];
  for (const entry of trail.entries) {
    const seq = entry.sourceSeq;
    const before = previous.get(entry.source);
    if (seq !== undefined && before !== undefined && seq > before) {
      for (const gap of trail.gaps.get(entry.source) ?? []) {
        if (gap.from > before && gap.to < seq && !placed.has(gap)) {
          placed.add(gap);
          rows.push({ type: 'gap', source: entry.source, gap });
        }
      }
    }
    const reversedAfter =
      seq !== undefined && before !== undefined && seq < before ? before : undefined;
    rows.push({ type: 'entry', entry, reversedAfter });
    if (seq !== undefined) {
      previous.set(entry.source, Math.max(before ?? seq, seq));
    }
  }
  const elsewhere = [...trail.gaps].flatMap(([source, gaps]) =>
    gaps.filter((gap) => !placed.has(gap)).map((gap) => ({ source, gap })),
  );
  return { rows, elsewhere };
}

const range = (gap: Gap) =>
  gap.from === gap.to ? `#${String(gap.from)}` : `#${String(gap.from)}–#${String(gap.to)}`;

export function TrailPage({ query }: { query: URLSearchParams }) {
  const { t, named, language } = useLanguage();
  const kinds = useKinds();
  const trails = [...kinds.streams, 'source'];
  const requested = query.get('by');
  const by = requested !== null && trails.includes(requested) ? requested : (trails[0] ?? 'source');
  const value = query.get('value') ?? '';
  const from = query.get('from') ?? '';
  const to = query.get('to') ?? '';
  const [form, setForm] = useState({ by, value, from, to });
  const [trail, setTrail] = useState<Trail | undefined>(undefined);
  const [failure, setFailure] = useState<string | undefined>(undefined);

  useEffect(() => {
    setTrail(undefined);
    setFailure(undefined);
    if (value !== '') {
      readTrail(by, value, shanghaiInstant(from), shanghaiInstant(to)).then(
        setTrail,
        (error: unknown) => {
          setFailure((error as Error).message);
        },
      );
    }
  }, [by, value, from, to]);

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    const next = new URLSearchParams({ by: form.by, value: form.value.trim() });
    if (form.from !== '') next.set('from', form.from);
    if (form.to !== '') next.set('to', form.to);
    window.location.hash = pageHref('trail', next);
  };
  const here = pageHref('trail', query);
  const laidOut = trail === undefined ? undefined : rowsOf(trail);

  return (
    <section>
      <h2>{t('trail.title')}</h2>
      <form className="panel search" onSubmit={submit}>
        <label>
          {t('search.by')}
          <select
            value={form.by}
            onChange={(event) => {
              setForm({ ...form, by: event.target.value });
            }}
          >
            {trails.map((name) => (
              <option key={name} value={name}>
                {named('search.by', name)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('search.value')}
          <input
            required
            value={form.value}
            onChange={(event) => {
              setForm({ ...form, value: event.target.value });
            }}
          />
        </label>
        <DistrictTimeField
          label={t('search.from')}
          value={form.from}
          onChange={(next) => {
            setForm({ ...form, from: next });
          }}
        />
        <DistrictTimeField
          label={t('search.to')}
          value={form.to}
          onChange={(next) => {
            setForm({ ...form, to: next });
          }}
        />
        <button type="submit">{t('trail.show')}</button>
      </form>

      {value !== '' && trail === undefined && failure === undefined && <p>{t('loading')}</p>}
      {failure !== undefined && (
        <p role="alert" className="error">
          {t('error.generic')}: {failure}
        </p>
      )}
      {trail !== undefined && laidOut !== undefined && (
        <>
          <TrailSummary trail={trail} elsewhere={laidOut.elsewhere} />
          <ol className="timeline">
            {laidOut.rows.map((row) =>
              row.type === 'gap' ? (
                <li
                  key={`gap-${row.source}-${String(row.gap.from)}`}
                  className="gap"
                  data-testid="trail-gap"
                >
                  ⚠ {t('trail.gap')}: {row.source} {range(row.gap)}
                </li>
              ) : (
                <li
                  key={entryName(row.entry)}
                  className={row.reversedAfter === undefined ? undefined : 'reversed'}
                  data-testid={row.reversedAfter === undefined ? undefined : 'trail-reversal'}
                >
                  <span className="nowrap">{districtTime(row.entry.committedAt, language)}</span>{' '}
                  <a href={entryHref(entryName(row.entry), here)}>{row.entry.id}</a>{' '}
                  {kinds.titleOf(row.entry.kind)} · {row.entry.source}
                  {row.entry.sourceSeq === undefined ? '' : ` #${String(row.entry.sourceSeq)}`}
                  {row.reversedAfter !== undefined &&
                    ` ⚠ ${t('trail.reversal')} #${String(row.reversedAfter)}`}
                </li>
              ),
            )}
          </ol>
        </>
      )}
    </section>
  );
}

function TrailSummary(props: { trail: Trail; elsewhere: { source: string; gap: Gap }[] }) {
  const { t } = useLanguage();
  const { report, truncated, entries } = props.trail;
  const problems = [
    ...props.elsewhere.map(({ source, gap }) => `${t('trail.gap')}: ${source} ${range(gap)}`),
    ...report.digestMismatches.map((id) => `${t('trail.digestMismatch')}: ${id}`),
    ...(report.ledgerIntegrity.ok
      ? []
      : [`${t('trail.integrity')}: ${report.ledgerIntegrity.message ?? ''}`]),
    ...report.peers.differing.map((mspId) => `${t('trail.peerDiffers')}: ${mspId}`),
  ];
  const gapCount = [...props.trail.gaps.values()].reduce((sum, gaps) => sum + gaps.length, 0);
  const whole = report.complete && gapCount === 0 && !truncated;
  return (
    <div className={whole ? 'verdict ok' : 'alarm'} role={whole ? undefined : 'alert'}>
      <strong data-testid="trail-verdict">
        {whole ? t('trail.complete') : t('trail.incomplete')}
      </strong>
      <p>
        {t('trail.entries')}: {entries.length}
        {truncated ? ` (${t('trail.truncated')})` : ''} · {t('trail.gaps')}: {gapCount} ·{' '}
        {t('trail.reversals')}: {report.outOfOrder.length} · {report.peers.detail}
      </p>
      {problems.length > 0 && (
        <ul>
          {problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
