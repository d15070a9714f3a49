import { useState } from 'react';
import { useLanguage } from '../i18n';
import type { TrustRootsState } from '../verifier/trust-roots';
import { FilePicker } from './FilePicker';

/** Which trust roots verification uses, and loading or forgetting them. */
export function TrustRootsPanel({ state }: { state: TrustRootsState }) {
  const { t } = useLanguage();
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const { roots } = state;
  return (
    <section className="panel trust" aria-labelledby="trust-heading">
      <h3 id="trust-heading">{t('trust.title')}</h3>
      {roots === undefined ? (
        <p className="hint">{t('trust.none')}</p>
      ) : (
        <dl className="fields">
          <dt>{t('trust.ledger')}</dt>
          <dd>
            {roots.trust.ledger} · {roots.trust.channel}
          </dd>
          <dt>{t('trust.organizations')}</dt>
          <dd>{roots.trust.organizations.map((org) => org.mspId).join(', ')}</dd>
          <dt>{t('trust.fingerprint')}</dt>
          <dd className="code" data-testid="trust-fingerprint">
            {roots.fingerprint}
          </dd>
        </dl>
      )}
      <p className="hint">{t('trust.hint')}</p>
      <div className="actions">
        <FilePicker
          label={t('trust.load')}
          onText={(text) => {
            state.load(text).then(
              () => {
                setProblem(undefined);
              },
              (error: unknown) => {
                setProblem((error as Error).message);
              },
            );
          }}
        />
        {roots !== undefined && (
          <button type="button" className="secondary" onClick={state.forget}>
            {t('trust.forget')}
          </button>
        )}
      </div>
      {problem !== undefined && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
    </section>
  );
}
