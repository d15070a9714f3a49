import { useEffect, useState } from 'react';
import { api, failureText } from '../api/client';
import { Checklist } from '../components/Checklist';
import { SaveTextButton } from '../components/SaveTextButton';
import { TrustRootsPanel } from '../components/TrustRootsPanel';
import { useLanguage } from '../i18n';
import { districtTime } from '../time';
import { loadVerifier } from '../verifier/load-verifier';
import type { TrustFile, VerificationReport } from '../verifier/offline-verifier';
import { useTrustRoots } from '../verifier/trust-roots';

/** The last checkpoint this browser verified for a log: what the next one must extend. */
interface SeenCheckpoint {
  note: string;
  size: number;
  seenAt: string;
}

const seenKey = (origin: string) => `audit-console.checkpoint:${origin}`;

function seenCheckpoint(origin: string): SeenCheckpoint | undefined {
  const stored = localStorage.getItem(seenKey(origin));
  if (stored === null) {
    return undefined;
  }
  try {
    return JSON.parse(stored) as SeenCheckpoint;
  } catch {
    // Not written by this console: nothing to hold the ledger to, as if never seen.
    return undefined;
  }
}

interface Latest {
  origin: string;
  size: number;
  rootHash: string;
  note: string;
  cosignedBy: string[];
}

type Review =
  | { state: 'failed'; message: string }
  | {
      state: 'reviewed';
      latest: Latest;
      signatures: VerificationReport;
      /** Against the checkpoint this browser saw before, when it saw one. */
      history?: { seen: SeenCheckpoint; report: VerificationReport };
    };

/**
 * The latest checkpoint, its signatures, and whether its tree extends the one this browser saw
 * last: a ledger that rewrote history cannot show both, and the page says so loudly.
 */
async function review(trust: TrustFile): Promise<Review> {
  const answer = await api.GET('/v1/checkpoints/latest');
  if (answer.data === undefined) {
    return { state: 'failed', message: failureText(answer.error) };
  }
  const latest = answer.data;
  const verifier = await loadVerifier();
  const signatures = verifier.verifyCheckpointText(latest.note, trust);
  const seen = seenCheckpoint(trust.checkpoints.origin);
  let history: { seen: SeenCheckpoint; report: VerificationReport } | undefined;
  if (seen !== undefined) {
    // A tree smaller than the one seen has no proof to ask for; the check itself says it shrank.
    let proof = '{"hashes": []}';
    if (latest.size >= seen.size) {
      const consistency = await api.GET('/v1/proofs/consistency', {
        params: { query: { from: seen.size, to: latest.size } },
        parseAs: 'text',
      });
      if (consistency.data === undefined) {
        return { state: 'failed', message: failureText(consistency.error) };
      }
      proof = consistency.data;
    }
    history = {
      seen,
      report: verifier.verifyConsistencyText(
        { older: seen.note, newer: latest.note, proof },
        trust,
      ),
    };
  }
  if (signatures.verified && (history === undefined || history.report.verified)) {
    const next: SeenCheckpoint = {
      note: latest.note,
      size: latest.size,
      seenAt: new Date().toISOString(),
    };
    localStorage.setItem(seenKey(trust.checkpoints.origin), JSON.stringify(next));
  }
  return { state: 'reviewed', latest, signatures, history };
}

export function Checkpoints() {
  const { t, language } = useLanguage();
  const trustRoots = useTrustRoots();
  const { roots } = trustRoots;
  const [result, setResult] = useState<Review | undefined>(undefined);

  useEffect(() => {
    setResult(undefined);
    if (roots !== undefined) {
      review(roots.trust).then(setResult, (error: unknown) => {
        setResult({ state: 'failed', message: (error as Error).message });
      });
    }
  }, [roots]);

  return (
    <section>
      <h2>{t('checkpoints.title')}</h2>
      <p className="hint">{t('checkpoints.explain')}</p>
      <TrustRootsPanel state={trustRoots} />
      {roots === undefined && <p className="hint">{t('trust.needed')}</p>}
      {roots !== undefined && result === undefined && <p>{t('loading')}</p>}
      {result?.state === 'failed' && (
        <p role="alert" className="error">
          {t('error.generic')}: {result.message}
        </p>
      )}
      {result?.state === 'reviewed' && (
        <>
          <HistoryVerdict
            signatures={result.signatures}
            history={result.history}
            seenAt={(seen) => districtTime(seen.seenAt, language)}
          />
          <dl className="fields">
            <dt>{t('checkpoints.size')}</dt>
            <dd data-testid="checkpoint-size">{result.latest.size}</dd>
            <dt>{t('checkpoints.root')}</dt>
            <dd className="code">{result.latest.rootHash}</dd>
            <dt>{t('checkpoints.origin')}</dt>
            <dd className="code">{result.latest.origin}</dd>
            <dt>{t('checkpoints.cosigners')}</dt>
            <dd>{result.latest.cosignedBy.join(', ') || '—'}</dd>
          </dl>
          <div className="actions">
            <SaveTextButton
              text={JSON.stringify(result.latest, null, 2)}
              fileName={`checkpoint-${String(result.latest.size)}.json`}
              label={t('checkpoints.save')}
            />
          </div>
          <h3>{t('checkpoints.checks')}</h3>
          <Checklist report={result.history?.report ?? result.signatures} />
        </>
      )}
    </section>
  );
}

function HistoryVerdict(props: {
  signatures: VerificationReport;
  history: { seen: SeenCheckpoint; report: VerificationReport } | undefined;
  seenAt: (seen: SeenCheckpoint) => string;
}) {
  const { t } = useLanguage();
  const { signatures, history } = props;
  if (history !== undefined && !history.report.verified) {
    return (
      <div role="alert" className="alarm" data-testid="history-alarm">
        <strong>{t('checkpoints.alarm')}</strong>
        <p>
          {t('checkpoints.alarmDetail')} {history.seen.size} ({props.seenAt(history.seen)})
        </p>
      </div>
    );
  }
  if (!signatures.verified) {
    return (
      <div role="alert" className="alarm" data-testid="history-alarm">
        <strong>{t('checkpoints.badSignature')}</strong>
      </div>
    );
  }
  return (
    <p className="verdict ok" data-testid="history-status">
      {history === undefined
        ? t('checkpoints.first')
        : `${t('checkpoints.consistent')} ${String(history.seen.size)} (${props.seenAt(history.seen)})`}
    </p>
  );
}
