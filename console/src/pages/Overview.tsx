import { useEffect, useState } from 'react';
import { api, failureText, type EntriesPerDay, type Readiness } from '../api/client';
import { useLanguage } from '../i18n';
import { useKinds } from '../kinds';
import { pageHref } from '../route';

interface Checkpoint {
  size: number;
  cosignedBy: string[];
}

/** Each source of the overview: its answer, or why it has none. */
type Answer<T> = { ok: true; value: T } | { ok: false; message: string };

async function answerOf<T>(request: Promise<{ data?: T; error?: unknown }>): Promise<Answer<T>> {
  const { data, error } = await request;
  return data === undefined
    ? { ok: false, message: failureText(error) }
    : { ok: true, value: data };
}

/** The ledger at a glance: its height, the latest checkpoint, what was recorded, what is queued. */
export function Overview() {
  const { t } = useLanguage();
  const [readiness, setReadiness] = useState<Answer<Readiness> | undefined>(undefined);
  const [checkpoint, setCheckpoint] = useState<Answer<Checkpoint> | undefined>(undefined);
  const [perDay, setPerDay] = useState<Answer<EntriesPerDay> | undefined>(undefined);

  // Each part shows as soon as it arrives: counting a busy fortnight takes longer than the rest.
  useEffect(() => {
    void answerOf(api.GET('/readyz')).then(setReadiness);
    void answerOf(api.GET('/v1/checkpoints/latest')).then(setCheckpoint);
    void answerOf(
      api.GET('/v1/statistics/entries-per-day', { params: { query: { days: 14 } } }),
    ).then(setPerDay);
  }, []);

  return (
    <section>
      <h2>{t('overview.title')}</h2>
      <div className="cards">
        <Card title={t('overview.ledger')} answer={readiness}>
          {(value) => (
            <>
              <p className="figure" data-testid="ledger-height">
                {'blocks' in value && value.blocks !== undefined ? value.blocks : '—'}
              </p>
              <p>
                {t('overview.blocks')} · {'ledger' in value ? value.ledger : ''} ·{' '}
                {'status' in value ? t('overview.ready') : t('overview.unavailable')}
              </p>
              {'catchingUp' in value && value.catchingUp === true && (
                <p role="status" data-testid="index-catching-up">
                  {t('overview.catchingUp')} {value.indexedBlocks} /{' '}
                  {value.chainHeight ?? value.blocks}
                </p>
              )}
              {value.parts !== undefined && value.parts.length > 0 && (
                <ul className="parts">
                  {value.parts.map((part) => (
                    <li key={part.name} className={part.reachable ? 'ok' : 'failed'}>
                      {part.reachable ? '●' : '○'} {part.name}:{' '}
                      {part.reachable ? t('overview.reachable') : t('overview.unreachable')}
                      {part.height !== undefined && ` · ${part.height} ${t('overview.blocks')}`}
                    </li>
                  ))}
                </ul>
              )}
            </>
          )}
        </Card>
        <Card title={t('overview.checkpoint')} answer={checkpoint}>
          {(value) => (
            <>
              <p className="figure">{value.size}</p>
              <p>
                {t('overview.cosignedBy')}: {value.cosignedBy.join(', ') || '—'}
              </p>
              <a href={pageHref('checkpoints')}>{t('overview.checkCheckpoint')}</a>
            </>
          )}
        </Card>
        <Card title={t('overview.outbox')} answer={readiness}>
          {(value) => (
            <>
              <p className="figure" data-testid="outbox-depth">
                {value.outbox.depth}
              </p>
              <p>
                {t('overview.queued')}
                {value.outbox.depth > 0 &&
                  ` · ${t('overview.oldest')} ${String(Math.round(value.outbox.oldestAgeMs / 1000))} s`}
              </p>
            </>
          )}
        </Card>
      </div>
      <h3>{t('overview.perDay')}</h3>
      {perDay === undefined && <p>{t('loading')}</p>}
      {perDay?.ok === true && <PerDayChart perDay={perDay.value} />}
      {perDay?.ok === false && (
        <p role="alert" className="error">
          {t('error.generic')}: {perDay.message}
        </p>
      )}
    </section>
  );
}

function Card<T>(props: {
  title: string;
  answer: Answer<T> | undefined;
  children: (value: T) => React.ReactNode;
}) {
  const { t } = useLanguage();
  return (
    <section className="card" aria-label={props.title}>
      <h3>{props.title}</h3>
      {props.answer === undefined ? (
        <p>{t('loading')}</p>
      ) : props.answer.ok ? (
        props.children(props.answer.value)
      ) : (
        <p className="error">
          {t('error.generic')}: {props.answer.message}
        </p>
      )}
    </section>
  );
}

/**
 * Entries per day as stacked bars, drawn as SVG (no chart library to load). The same numbers
 * are in a table beside it, for screen readers and for copying.
 */
function PerDayChart({ perDay }: { perDay: EntriesPerDay }) {
  const { t } = useLanguage();
  const { titleOf, colourOf } = useKinds();
  // Kinds with no entry in the period would only widen the table.
  const kinds = Object.keys(perDay.days[0]?.counts ?? {}).filter((kind) =>
    perDay.days.some((day) => (day.counts[kind] ?? 0) > 0),
  );
  const totals = perDay.days.map((day) =>
    Object.values(day.counts).reduce((sum, count) => sum + count, 0),
  );
  const highest = Math.max(1, ...totals);
  const width = 40;
  const height = 160;
  return (
    <figure className="chart">
      <svg
        viewBox={`0 0 ${String(perDay.days.length * width)} ${String(height + 20)}`}
        role="img"
        aria-label={t('overview.perDay')}
      >
        {perDay.days.map((day, index) => {
          let top = height;
          return (
            <g key={day.date} transform={`translate(${String(index * width)},0)`}>
              {kinds.map((kind) => {
                const barHeight = ((day.counts[kind] ?? 0) / highest) * (height - 10);
                top -= barHeight;
                return (
                  <rect
                    key={kind}
                    x={6}
                    y={top}
                    width={width - 12}
                    height={barHeight}
                    fill={colourOf(kind)}
                  />
                );
              })}
              <text x={width / 2} y={height + 14} textAnchor="middle" fontSize="10">
                {day.date.slice(5)}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>
        {kinds.map((kind) => (
          <span key={kind} className="legend">
            <span style={{ background: colourOf(kind) }} aria-hidden="true" /> {titleOf(kind)}
          </span>
        ))}
        {!perDay.complete && <span> · {t('overview.truncated')}</span>}
      </figcaption>
      <table data-testid="per-day-table">
        <caption className="visually-hidden">{t('overview.perDay')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('overview.date')}</th>
            {kinds.map((kind) => (
              <th key={kind} scope="col">
                {titleOf(kind)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {perDay.days
            .filter((_, index) => (totals[index] ?? 0) > 0)
            .map((day) => (
              <tr key={day.date}>
                <th scope="row">{day.date}</th>
                {kinds.map((kind) => (
                  <td key={kind}>{day.counts[kind] ?? 0}</td>
                ))}
              </tr>
            ))}
        </tbody>
      </table>
    </figure>
  );
}
