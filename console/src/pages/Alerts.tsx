import {
  Fragment,
  useCallback,
  useEffect,
  useId,
  useRef,
  useState,
  type SyntheticEvent,
} from 'react';
import {
  closeFinding,
  failureText,
  readFindings,
  type Caller,
  type Finding,
  type FindingStatus,
} from '../api/client';
import { useLanguage } from '../i18n';
import { entryName } from '../entry-name';
import { entryHref, pageHref } from '../route';
import { districtTime } from '../time';

/** Findings shown at first, and how many more "Load more" adds. */
const PAGE_SIZE = 50;

/**
 * How often the list is read again while the page is in view. Polling rather than the gateway's
 * event stream: a browser's EventSource cannot send the key's Authorization header, and a
 * fetch-streamed feed would need reconnecting and resuming of its own; reading the list again
 * also shows what was closed elsewhere, in the filter's own terms.
 */
const POLL_MS = 10_000;

/** The rules the gateway evaluates, offered as filters; a finding of another names its rule. */
const STANDARD_RULES = [
  'access-without-admission',
  'export-without-review',
  'round-dataset-not-admitted',
  'algorithm-before-approval',
  'share-without-legal-basis',
  'commitment-overdue',
  'source-sequence-gap',
];

type StatusFilter = FindingStatus | 'all';
const STATUS_FILTERS: readonly StatusFilter[] = ['open', 'closed', 'all'];
/** What the page shows when the link names no status: what is still to be dealt with. */
const DEFAULT_STATUS: StatusFilter = 'open';

function statusFilterOf(query: URLSearchParams): StatusFilter {
  const asked = query.get('status');
  return STATUS_FILTERS.find((status) => status === asked) ?? DEFAULT_STATUS;
}

/** Calls `tick` every `ms` while the tab is visible, and at once when it is shown again. */
function useWhileVisible(tick: () => void, ms: number): void {
  useEffect(() => {
    const tickIfVisible = () => {
      if (document.visibilityState === 'visible') {
        tick();
      }
    };
    const timer = setInterval(tickIfVisible, ms);
    document.addEventListener('visibilitychange', tickIfVisible);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', tickIfVisible);
    };
  }, [tick, ms]);
}

/**
 * Compliance findings, filtered by status and rule, in the order they were raised: the order the
 * gateway pages them in, so "Load more" continues where the list ends. A regulator closes an
 * open finding here with a reason. `onChanged` tells the navigation's count to look again.
 */
export function Alerts({
  query,
  role,
  onChanged,
}: {
  query: URLSearchParams;
  role: Caller['role'];
  onChanged: () => void;
}) {
  const { t, named, language } = useLanguage();
  const status = statusFilterOf(query);
  const rule = query.get('rule') ?? '';
  const regulator = role === 'regulator';
  const [form, setForm] = useState({ status, rule });
  const [wanted, setWanted] = useState(PAGE_SIZE);
  const [reads, setReads] = useState(0);
  const [list, setList] = useState<{ items: Finding[]; more: boolean } | undefined>(undefined);
  const [failure, setFailure] = useState<string | undefined>(undefined);
  const [justClosed, setJustClosed] = useState<Finding | undefined>(undefined);
  const notice = useRef<HTMLElement>(null);

  const readAgain = useCallback(() => {
    setReads((count) => count + 1);
    onChanged();
  }, [onChanged]);
  useWhileVisible(readAgain, POLL_MS);

  useEffect(() => {
    let shown = true;
    const filter = {
      status: status === 'all' ? undefined : status,
      rule: rule === '' ? undefined : rule,
    };
    readFindings(filter, wanted).then(
      (read) => {
        if (shown) {
          setList(read);
          setFailure(undefined);
        }
      },
      (error: unknown) => {
        if (shown) {
          setFailure(error instanceof Error ? error.message : String(error));
        }
      },
    );
    return () => {
      shown = false;
    };
  }, [status, rule, wanted, reads]);

  // The form that had the focus is gone: the closure it made takes it.
  useEffect(() => {
    notice.current?.focus();
  }, [justClosed]);

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    const next = new URLSearchParams();
    if (form.status !== DEFAULT_STATUS) next.set('status', form.status);
    if (form.rule !== '') next.set('rule', form.rule);
    window.location.hash = pageHref('alerts', next);
  };
  const closed = (finding: Finding) => {
    setJustClosed(finding);
    readAgain();
  };

  const here = pageHref('alerts', query);
  const titles = new Map(
    list?.items.map((finding): [string, string] => [finding.rule.id, finding.title[language]]),
  );
  const rules = [...new Set([...STANDARD_RULES, ...titles.keys(), ...(rule === '' ? [] : [rule])])];

  return (
    <section>
      <h2>{t('alerts.title')}</h2>
      <p className="hint">{t('alerts.explain')}</p>
      <form className="panel search" onSubmit={submit}>
        <label>
          {t('alerts.status')}
          <select
            value={form.status}
            onChange={(event) => {
              setForm({ ...form, status: event.target.value as StatusFilter });
            }}
          >
            {STATUS_FILTERS.map((option) => (
              <option key={option} value={option}>
                {t(`alerts.status.${option}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('alerts.rule')}
          <select
            value={form.rule}
            onChange={(event) => {
              setForm({ ...form, rule: event.target.value });
            }}
          >
            <option value="">{t('alerts.rule.all')}</option>
            {rules.map((id) => (
              <option key={id} value={id}>
                {titles.get(id) ?? named('rule', id)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">{t('alerts.filter')}</button>
      </form>

      {justClosed?.closure !== undefined && (
        <section
          ref={notice}
          tabIndex={-1}
          role="status"
          className="notice"
          aria-labelledby="just-closed"
          data-testid="closure-notice"
        >
          <h3 id="just-closed">
            {t('alerts.justClosed')}: {justClosed.title[language]}
          </h3>
          <dl className="fields">
            <ClosureFields closure={justClosed.closure} linked={regulator} back={here} />
          </dl>
        </section>
      )}

      {failure !== undefined && (
        <p role="alert" className="error">
          {t('error.generic')}: {failure}
        </p>
      )}
      {list === undefined && failure === undefined && <p>{t('loading')}</p>}
      {list?.items.length === 0 && <p>{t('alerts.none')}</p>}
      {list !== undefined && list.items.length > 0 && (
        <>
          <p className="hint">{t('alerts.order')}</p>
          <ol className="findings">
            {list.items.map((finding) => (
              <li key={finding.id}>
                <FindingCard
                  finding={finding}
                  regulator={regulator}
                  back={here}
                  onClosed={closed}
                />
              </li>
            ))}
          </ol>
        </>
      )}
      {list?.more === true && (
        <button
          type="button"
          onClick={() => {
            setWanted((count) => count + PAGE_SIZE);
          }}
        >
          {t('alerts.more')}
        </button>
      )}
    </section>
  );
}

/**
 * Who closed a finding, when and why, and the ledger entry that says so: a link for a regulator,
 * the id for anyone else, who may not read a regulator's entries.
 */
function ClosureFields({
  closure,
  linked,
  back,
}: {
  closure: NonNullable<Finding['closure']>;
  linked: boolean;
  back: string;
}) {
  const { t, language } = useLanguage();
  return (
    <>
      <dt>{t('alerts.closedBy')}</dt>
      <dd>{closure.closedBy}</dd>
      <dt>{t('alerts.closedAt')}</dt>
      <dd>{districtTime(closure.closedAt, language)}</dd>
      <dt>{t('alerts.reason')}</dt>
      <dd className="reason">{closure.reason}</dd>
      <dt>{t('alerts.closureEntry')}</dt>
      <dd>
        {linked ? (
          <a href={entryHref(closure.entryId, back)}>{closure.entryId}</a>
        ) : (
          <span className="code">{closure.entryId}</span>
        )}
      </dd>
    </>
  );
}

function FindingCard({
  finding,
  regulator,
  back,
  onClosed,
}: {
  finding: Finding;
  regulator: boolean;
  back: string;
  onClosed: (finding: Finding) => void;
}) {
  const { t, language } = useLanguage();
  const heading = useId();
  const facts = Object.entries(finding.details);
  return (
    <article className={`finding ${finding.status}`} aria-labelledby={heading}>
      <h3 id={heading}>{finding.title[language]}</h3>
      <p>{finding.summary}</p>
      <dl className="fields">
        <dt>{t('alerts.status')}</dt>
        <dd data-testid="finding-status">{t(`alerts.status.${finding.status}`)}</dd>
        <dt>{t('alerts.raisedAt')}</dt>
        <dd>{districtTime(finding.raisedAt, language)}</dd>
        <dt>{t('alerts.entry')}</dt>
        <dd>
          <a
            href={entryHref(
              entryName({ id: finding.entry.id, submitter: { mspId: finding.entry.mspId } }),
              back,
            )}
          >
            {finding.entry.id}
          </a>
        </dd>
        {finding.closure !== undefined && (
          <ClosureFields closure={finding.closure} linked={regulator} back={back} />
        )}
      </dl>
      {facts.length > 0 && (
        <details>
          <summary>{t('alerts.facts')}</summary>
          <dl className="fields">
            {facts.map(([name, value]) => (
              <Fragment key={name}>
                <dt className="code">{name}</dt>
                <dd>{Array.isArray(value) ? value.join(', ') : String(value)}</dd>
              </Fragment>
            ))}
          </dl>
        </details>
      )}
      {regulator && finding.status === 'open' && (
        <CloseFinding finding={finding} onClosed={onClosed} />
      )}
    </article>
  );
}

/** "Close the alert", then the reason the ledger keeps with the closure. */
function CloseFinding({
  finding,
  onClosed,
}: {
  finding: Finding;
  onClosed: (finding: Finding) => void;
}) {
  const { t } = useLanguage();
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  const [sending, setSending] = useState(false);
  const [refusal, setRefusal] = useState<string | undefined>(undefined);

  if (!asking) {
    return (
      <button
        type="button"
        className="secondary"
        onClick={() => {
          setAsking(true);
        }}
      >
        {t('alerts.close')}
      </button>
    );
  }
  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    setSending(true);
    const { data, error } = await closeFinding(finding.id, reason.trim());
    setSending(false);
    if (data?.finding === undefined) {
      setRefusal(failureText(error));
    } else {
      onClosed(data.finding);
    }
  };
  return (
    <form className="close-finding" onSubmit={(event) => void submit(event)}>
      <label>
        {t('alerts.reason')}
        <textarea
          required
          // The form opened because the user asked to close: the reason is what comes next.
          autoFocus
          rows={3}
          maxLength={2000}
          value={reason}
          onChange={(event) => {
            setReason(event.target.value);
          }}
        />
      </label>
      <div className="actions">
        <button type="submit" disabled={sending}>
          {t('alerts.confirmClose')}
        </button>
        <button
          type="button"
          className="secondary"
          onClick={() => {
            setAsking(false);
            setRefusal(undefined);
          }}
        >
          {t('alerts.cancel')}
        </button>
      </div>
      {refusal !== undefined && (
        <p role="alert" className="error">
          {t('alerts.closeRefused')}: {refusal}
        </p>
      )}
    </form>
  );
}
