import { useLanguage } from '../i18n';
import { loadVerifier, type OfflineVerifier } from '../verifier/load-verifier';
import type { VerificationReport } from '../verifier/offline-verifier';
import { Checklist } from './Checklist';

/** What a verification attempt came to: a checklist, or why no check could run. */
export type Verification =
  { state: 'report'; report: VerificationReport } | { state: 'refused'; message: string };

export function VerificationResult({ verification }: { verification: Verification | undefined }) {
  const { t } = useLanguage();
  if (verification === undefined) {
    return null;
  }
  return verification.state === 'report' ? (
    <Checklist report={verification.report} />
  ) : (
    <p role="alert" className="error">
      {t('verify.refused')}: {verification.message}
    </p>
  );
}

/** Runs a verification, turning an unusable input into a refusal rather than a crash. */
export async function attempt(
  verify: (verifier: OfflineVerifier) => VerificationReport,
): Promise<Verification> {
  const verifier = await loadVerifier();
  try {
    return { state: 'report', report: verify(verifier) };
  } catch (error) {
    return { state: 'refused', message: (error as Error).message };
  }
}
