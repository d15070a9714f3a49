import { useState } from 'react';
import { api, failureText, type Entry } from '../api/client';
import { entryFileName, entryName } from '../entry-name';
import { useLanguage } from '../i18n';
import { useTrustRoots } from '../verifier/trust-roots';
import { SaveTextButton } from './SaveTextButton';
import { TrustRootsPanel } from './TrustRootsPanel';
import { attempt, VerificationResult, type Verification } from './VerificationResult';

/**
 * Verify: fetches the entry's proof bundle and runs the offline verifier on it in this browser,
 * against trust roots the user loaded — the gateway supplies evidence, never the verdict.
 */
export function EntryVerification({ entry }: { entry: Entry }) {
  const { t } = useLanguage();
  const trustRoots = useTrustRoots();
  const [bundle, setBundle] = useState<string | undefined>(undefined);
  const [verification, setVerification] = useState<Verification | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const { roots } = trustRoots;

  const verify = async () => {
    if (roots === undefined) {
      return;
    }
    setBusy(true);
    setVerification(undefined);
    const { data, error } = await api.GET('/v1/entries/{id}/proof', {
      params: { path: { id: entryName(entry) } },
      parseAs: 'text',
    });
    setBusy(false);
    if (data === undefined) {
      setBundle(undefined);
      setVerification({ state: 'refused', message: failureText(error) });
      return;
    }
    setBundle(data);
    setVerification(await attempt((verifier) => verifier.verifyBundleText(data, roots.trust)));
  };

  return (
    <section aria-labelledby="verify-heading">
      <h3 id="verify-heading">{t('entry.verify')}</h3>
      <TrustRootsPanel state={trustRoots} />
      <div className="actions">
        <button type="button" disabled={roots === undefined || busy} onClick={() => void verify()}>
          {t('entry.verify')}
        </button>
        {bundle !== undefined && (
          <SaveTextButton
            text={bundle}
            fileName={`proof-${entryFileName(entry)}.json`}
            label={t('entry.saveBundle')}
          />
        )}
      </div>
      {roots === undefined && <p className="hint">{t('trust.needed')}</p>}
      {busy && <p>{t('loading')}</p>}
      <VerificationResult verification={verification} />
    </section>
  );
}
