import { useEffect, useState } from 'react';
import { FilePicker } from '../components/FilePicker';
import { TrustRootsPanel } from '../components/TrustRootsPanel';
import { attempt, VerificationResult, type Verification } from '../components/VerificationResult';
import { useLanguage } from '../i18n';
import { useTrustRoots } from '../verifier/trust-roots';

/**
 * A proof bundle from anywhere — a colleague's mail, an evidence package, a file saved last
 * year — checked in this browser against the loaded trust roots, with no request at all.
 */
export function VerifyBundle() {
  const { t } = useLanguage();
  const trustRoots = useTrustRoots();
  const [bundle, setBundle] = useState<{ name: string; text: string } | undefined>(undefined);
  const { roots } = trustRoots;
  const [verification, setVerification] = useState<Verification | undefined>(undefined);
  useEffect(() => {
    setVerification(undefined);
    if (bundle !== undefined && roots !== undefined) {
      void attempt((verifier) => verifier.verifyBundleText(bundle.text, roots.trust)).then(
        setVerification,
      );
    }
  }, [bundle, roots]);

  return (
    <section>
      <h2>{t('verify.title')}</h2>
      <p className="hint">{t('verify.offline')}</p>
      <TrustRootsPanel state={trustRoots} />
      <div className="panel">
        <FilePicker
          label={t('verify.bundle')}
          onText={(text, name) => {
            setBundle({ text, name });
          }}
        />
        {bundle !== undefined && (
          <p>
            {t('verify.checking')}: <span className="code">{bundle.name}</span>
          </p>
        )}
        {bundle !== undefined && roots === undefined && (
          <p role="alert" className="error">
            {t('trust.needed')}
          </p>
        )}
      </div>
      <VerificationResult verification={verification} />
    </section>
  );
}
