import { isMessageKey, useLanguage, type MessageKey } from '../i18n';
import type { VerificationReport } from '../verifier/offline-verifier';

/** The verifier's step names, as the checklist shows them. */
function stepKey(check: string): MessageKey | undefined {
  const key = `step.${check.replace(/^(old|new) checkpoint/, 'checkpoint')}`;
  return isMessageKey(key) ? key : undefined;
}

/** Each step of a verification with its result, then the verdict. */
export function Checklist({ report }: { report: VerificationReport }) {
  const { t } = useLanguage();
  return (
    <section className="checklist" aria-live="polite">
      <ol>
        {report.checks.map((check, index) => {
          const key = stepKey(check.check);
          const prefix = /^(old|new) /.exec(check.check)?.[1];
          return (
            <li key={index} className={check.ok ? 'ok' : 'failed'}>
              <span aria-hidden="true">{check.ok ? '✓' : '✗'}</span>{' '}
              <strong>
                {prefix === undefined ? '' : `${t(prefix === 'old' ? 'step.old' : 'step.new')} `}
                {key === undefined ? check.check : t(key)}
              </strong>
              <span className="visually-hidden">
                {check.ok ? t('step.passed') : t('step.failed')}
              </span>
              : {check.detail}
              {check.reason !== undefined && <code> [{check.reason}]</code>}
            </li>
          );
        })}
      </ol>
      <p className={`verdict ${report.verified ? 'ok' : 'failed'}`} data-testid="verdict">
        {report.verified ? 'VERIFIED' : 'NOT VERIFIED'} —{' '}
        {t(report.verified ? 'verdict.verified' : 'verdict.notVerified')}
      </p>
    </section>
  );
}
