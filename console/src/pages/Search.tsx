import { useEffect, useMemo, useState, type SyntheticEvent } from 'react';
import { api, type Caller, type EntryPage, type ErrorBody } from '../api/client';
import { SearchExport, type EntrySearch } from '../components/SearchExport';
import { SubjectLookup } from '../components/SubjectLookup';
import { useLanguage } from '../i18n';
import { useKinds } from '../kinds';
import { entryName } from '../entry-name';
import { entryHref, searchHref } from '../route';
import { DistrictTimeField } from '../components/DistrictTimeField';
import { districtTime, shanghaiInstant } from '../time';

/** What a search looks up, and which index parameter of `GET /v1/entries` carries it. */
interface SearchTerm {
  parameter: string;
  prefix: string;
}

/**
 * The searches the ledger's kinds allow: each stream they join (a dataset's, a team's, a
 * subject's…), the source, each index a kind declares, and a kind itself.
 */
function searchesOf(streams: string[], indexes: string[]): Map<string, SearchTerm> {
  return new Map([
    ...streams.map((name): [string, SearchTerm] => [
      name,
      { parameter: 'stream', prefix: `${name}:` },
    ]),
    ['source', { parameter: 'source', prefix: '' }],
    ...indexes.map((name): [string, SearchTerm] => [name, { parameter: name, prefix: '' }]),
    ['kind', { parameter: 'kind', prefix: '' }],
  ]);
}

/** Roles that follow credit subjects: the sandbox's systems have none to follow. */
const SUBJECT_ROLES: readonly Caller['role'][] = ['regulator', 'credit-writer'];

export function Search({ query, role }: { query: URLSearchParams; role: Caller['role'] }) {
  const { t, named, language } = useLanguage();
  const kinds = useKinds();
  const searches = useMemo(() => searchesOf(kinds.streams, kinds.indexes), [kinds]);
  const followsSubjects = SUBJECT_ROLES.includes(role);
  const offered = [...searches.keys()].filter((name) => followsSubjects || name !== 'subject');
  const asked = query.get('by');
  const by = asked !== null && searches.has(asked) ? asked : (offered[0] ?? 'kind');
  const [form, setForm] = useState({
    by,
    value: query.get('value') ?? '',
    from: query.get('from') ?? '',
    to: query.get('to') ?? '',
  });
  const [page, setPage] = useState<EntryPage | undefined>(undefined);
  const [failure, setFailure] = useState<ErrorBody['error'] | undefined>(undefined);
  const [loading, setLoading] = useState(false);

  const value = query.get('value') ?? '';
  const from = query.get('from') ?? '';
  const to = query.get('to') ?? '';
  const cursor = query.get('cursor') ?? undefined;
  const search = useMemo<EntrySearch | undefined>(() => {
    if (value === '') {
      return undefined;
    }
    const { parameter, prefix } = searches.get(by) ?? { parameter: by, prefix: '' };
    const bounds = { from: shanghaiInstant(from), to: shanghaiInstant(to) };
    return Object.fromEntries(
      Object.entries({ [parameter]: `${prefix}${value}`, ...bounds }).filter(
        (pair): pair is [string, string] => pair[1] !== undefined,
      ),
    );
  }, [searches, by, value, from, to]);
  useEffect(() => {
    if (search === undefined) {
      setPage(undefined);
      return;
    }
    setLoading(true);
    void api
      .GET('/v1/entries', { params: { query: { ...search, cursor } } })
      .then(({ data, error }) => {
        setLoading(false);
        setPage(data);
        setFailure(error?.error);
      });
  }, [search, cursor]);

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    const next = new URLSearchParams({ by: form.by, value: form.value.trim() });
    if (form.from !== '') next.set('from', form.from);
    if (form.to !== '') next.set('to', form.to);
    window.location.hash = searchHref(next);
  };
  const nextPage = (nextCursor: string) => {
    const next = new URLSearchParams(query);
    next.set('cursor', nextCursor);
    window.location.hash = searchHref(next);
  };
  const here = searchHref(query);
  const nextCursor = page?.nextCursor ?? null;

  return (
    <section>
      <h2>{t('search.title')}</h2>
      {followsSubjects && <SubjectLookup />}
      <form className="panel search" onSubmit={submit}>
        <label>
          {t('search.by')}
          <select
            value={form.by}
            onChange={(event) => {
              setForm({ ...form, by: event.target.value, value: '' });
            }}
          >
            {offered.map((name) => (
              <option key={name} value={name}>
                {named('search.by', name)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('search.value')}
          {form.by === 'kind' ? (
            <select
              required
              value={form.value}
              onChange={(event) => {
                setForm({ ...form, value: event.target.value });
              }}
            >
              <option value="" />
              {kinds.kinds.map((kind) => (
                <option key={kind} value={kind}>
                  {kinds.titleOf(kind)}
                </option>
              ))}
            </select>
          ) : (
            <input
              required
              value={form.value}
              onChange={(event) => {
                setForm({ ...form, value: event.target.value });
              }}
            />
          )}
        </label>
        <DistrictTimeField
          label={t('search.from')}
          value={form.from}
          onChange={(from) => {
            setForm({ ...form, from });
          }}
        />
        <DistrictTimeField
          label={t('search.to')}
          value={form.to}
          onChange={(to) => {
            setForm({ ...form, to });
          }}
        />
        <button type="submit">{t('search.submit')}</button>
      </form>

      {loading && <p>{t('loading')}</p>}
      {failure !== undefined && (
        <p role="alert" className="error">
          {t('error.generic')}: {failure.code} — {failure.message}
        </p>
      )}
      {page?.items.length === 0 && <p>{t('search.none')}</p>}
      {page !== undefined && page.items.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('column.committedAt')}</th>
              <th scope="col">{t('column.kind')}</th>
              <th scope="col">{t('column.stream')}</th>
              <th scope="col">{t('column.source')}</th>
              <th scope="col">{t('column.sourceSeq')}</th>
              <th scope="col">{t('column.id')}</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((entry) => {
              return (
                <tr key={entryName(entry)}>
                  <td className="nowrap">{districtTime(entry.committedAt, language)}</td>
                  <td className="nowrap">{kinds.titleOf(entry.kind)}</td>
                  <td>{entry.stream}</td>
                  <td>{entry.source}</td>
                  <td>{entry.sourceSeq ?? '—'}</td>
                  <td>
                    <a href={entryHref(entryName(entry), here)}>{entry.id}</a>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {search !== undefined && page !== undefined && page.items.length > 0 && (
        <SearchExport search={search} />
      )}
      {nextCursor !== null && (
        <button
          type="button"
          onClick={() => {
            nextPage(nextCursor);
          }}
        >
          {t('search.more')}
        </button>
      )}
    </section>
  );
}
