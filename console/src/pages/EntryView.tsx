import { useEffect, useState } from 'react';
import { api, type Entry, type ErrorBody } from '../api/client';
import { EntryVerification } from '../components/EntryVerification';
import { entryName } from '../entry-name';
import { useLanguage } from '../i18n';
import { useKinds } from '../kinds';
import { entryHref } from '../route';
import { districtTime } from '../time';

/**
 * Every field of one entry: what was recorded, its digest, who submitted it, where it is. `id`
 * is its name, `<MSP id>/<id>`, or a bare id from an older link.
 */
export function EntryView({ id, back }: { id: string; back: string }) {
  const { t, named, language } = useLanguage();
  const kinds = useKinds();
  const [entry, setEntry] = useState<Entry | undefined>(undefined);
  const [failure, setFailure] = useState<ErrorBody['error'] | undefined>(undefined);

  useEffect(() => {
    void api.GET('/v1/entries/{id}', { params: { path: { id } } }).then(({ data, error }) => {
      setEntry(data);
      setFailure(error?.error);
    });
  }, [id]);

  if (failure?.code === 'ENTRY_AMBIGUOUS') {
    // A bare id several organisations recorded: the gateway names each one; offer them.
    return (
      <article>
        {back !== '' && <a href={back}>← {t('entry.back')}</a>}
        <p id="ambiguous-entry">{t('entry.ambiguous')}</p>
        <ul aria-labelledby="ambiguous-entry">
          {(failure.details ?? []).map(({ message: name }) => (
            <li key={name}>
              <a href={entryHref(name, back)}>{name}</a>
            </li>
          ))}
        </ul>
      </article>
    );
  }
  if (failure !== undefined) {
    return (
      <p role="alert" className="error">
        {t('error.generic')}: {failure.code} — {failure.message}
      </p>
    );
  }
  if (entry === undefined) {
    return <p>{t('loading')}</p>;
  }
  return (
    <article>
      {back !== '' && <a href={back}>← {t('entry.back')}</a>}
      <h2>
        {t('entry.title')} {entry.id}
      </h2>
      <dl className="fields">
        <dt>{t('column.kind')}</dt>
        <dd>
          {kinds.titleOf(entry.kind)} ({t('entry.kindVersion')} {entry.kindVersion ?? 1})
        </dd>
        <dt>{t('column.committedAt')}</dt>
        <dd>{districtTime(entry.committedAt, language)}</dd>
        <dt>{t('column.stream')}</dt>
        <dd>{entry.stream ?? '—'}</dd>
        <dt>{t('column.source')}</dt>
        <dd>
          {entry.source}
          {entry.sourceSeq === undefined ? '' : ` #${String(entry.sourceSeq)}`}
        </dd>
        <dt>{t('entry.digest')}</dt>
        <dd className="code">{entry.digest}</dd>
        <dt>{t('entry.submitter')}</dt>
        <dd>
          {entry.submitter.name} ({named('role', entry.submitter.role)}, {entry.submitter.mspId})
        </dd>
        <dt>{t('entry.block')}</dt>
        <dd>{entry.blockNumber}</dd>
        <dt>{t('entry.transaction')}</dt>
        <dd className="code">{entry.txId}</dd>
      </dl>
      {entry.erased === undefined ? (
        <>
          <h3>{t('entry.payload')}</h3>
          <pre className="code">{JSON.stringify(entry.payload, null, 2)}</pre>
        </>
      ) : (
        <>
          {/* The details are gone from the ledger; the digest above still proves what they were. */}
          <h3>{t('entry.erased')}</h3>
          <dl className="fields">
            <dt>{t('entry.erasedAt')}</dt>
            <dd>{districtTime(entry.erased.erasedAt, language)}</dd>
            <dt>{t('entry.erasedBy')}</dt>
            <dd>
              {entry.erased.erasedBy.name} ({named('role', entry.erased.erasedBy.role)},{' '}
              {entry.erased.erasedBy.mspId})
            </dd>
            <dt>{t('entry.erasureReason')}</dt>
            <dd>{entry.erased.reason}</dd>
            <dt>{t('entry.legalBasis')}</dt>
            <dd>{entry.erased.legalBasis}</dd>
            <dt>{t('entry.erasureEntry')}</dt>
            <dd>
              <a href={entryHref(`${entry.erased.erasedBy.mspId}/${entry.erased.erasureId}`, back)}>
                {entry.erased.erasureId}
              </a>
            </dd>
          </dl>
        </>
      )}
      {/* Keyed by name: another entry's page starts its verification afresh. */}
      <EntryVerification key={entryName(entry)} entry={entry} />
    </article>
  );
}
