import { useCallback, useEffect, useState } from 'react';
import { readFindings, session, type Caller } from './api/client';
import { LANGUAGES, useLanguage, type Language } from './i18n';
import { KindsProvider } from './kinds';
import { Alerts } from './pages/Alerts';
import { Checkpoints } from './pages/Checkpoints';
import { EntryView } from './pages/EntryView';
import { Overview } from './pages/Overview';
import { Search } from './pages/Search';
import { SignIn } from './pages/SignIn';
import { TrailPage } from './pages/Trail';
import { VerifyBundle } from './pages/VerifyBundle';
import { PAGES, pageHref, type Route } from './route';
import { useRoute } from './use-route';

/** Open findings the navigation counts; past this it says "99+". */
const OPEN_FINDINGS_SHOWN = 99;

function PageOf({
  route,
  caller,
  onFindingsChanged,
}: {
  route: Route;
  caller: Caller;
  onFindingsChanged: () => void;
}) {
  switch (route.page) {
    case 'entry':
      return <EntryView key={route.id} id={route.id} back={route.back} />;
    case 'overview':
      return <Overview />;
    case 'alerts':
      return (
        <Alerts
          key={route.query.toString()}
          query={route.query}
          role={caller.role}
          onChanged={onFindingsChanged}
        />
      );
    case 'search':
      // A new search (from a link, the lookup, a page of results) starts from its own terms.
      return <Search key={route.query.toString()} query={route.query} role={caller.role} />;
    case 'trail':
      return <TrailPage key={route.query.toString()} query={route.query} />;
    case 'checkpoints':
      return <Checkpoints />;
    case 'verify':
      return <VerifyBundle />;
  }
}

export function App() {
  const { t, named, language, setLanguage } = useLanguage();
  const [caller, setCaller] = useState<Caller | undefined>(undefined);
  const route = useRoute();
  const [openFindings, setOpenFindings] = useState<string | undefined>(undefined);
  const [findingsChanged, setFindingsChanged] = useState(0);
  const countFindingsAgain = useCallback(() => {
    setFindingsChanged((count) => count + 1);
  }, []);

  // Counted again on every move between pages and whenever the alerts page reads again or
  // closes one: no timer of its own, so a page that promises to ask nothing of the gateway
  // (Verify evidence) is not interrupted by one.
  useEffect(() => {
    let shown = true;
    if (caller === undefined) {
      setOpenFindings(undefined);
    } else {
      readFindings({ status: 'open' }, OPEN_FINDINGS_SHOWN + 1).then(
        ({ items }) => {
          if (shown) {
            const count = items.length;
            setOpenFindings(count > OPEN_FINDINGS_SHOWN ? `${OPEN_FINDINGS_SHOWN}+` : `${count}`);
          }
        },
        // The count is a convenience: the page itself says when the gateway cannot be reached.
        () => {
          if (shown) setOpenFindings(undefined);
        },
      );
    }
    return () => {
      shown = false;
    };
  }, [caller, route, findingsChanged]);

  return (
    <>
      <header className="bar">
        <h1>{t('app.title')}</h1>
        <label>
          {t('language.label')}{' '}
          <select
            value={language}
            onChange={(event) => {
              setLanguage(event.target.value as Language);
            }}
          >
            {Object.entries(LANGUAGES).map(([code, name]) => (
              <option key={code} value={code}>
                {name}
              </option>
            ))}
          </select>
        </label>
        {caller !== undefined && (
          <>
            <span>
              {t('signedInAs')}: {caller.name} ({named('role', caller.role)}, {caller.organization})
            </span>
            <button
              type="button"
              onClick={() => {
                session.signOut();
                setCaller(undefined);
              }}
            >
              {t('nav.signOut')}
            </button>
          </>
        )}
      </header>
      {caller !== undefined && (
        <nav aria-label={t('nav.label')} className="pages">
          {PAGES.map((page) => (
            <a
              key={page}
              href={pageHref(page)}
              aria-current={route.page === page ? 'page' : undefined}
            >
              {t(`nav.${page}`)}
              {page === 'alerts' && openFindings !== undefined && openFindings !== '0' && (
                <>
                  {' '}
                  <span className="count" aria-hidden="true">
                    {openFindings}
                  </span>
                  <span className="visually-hidden">
                    ({openFindings} {t('nav.openFindings')})
                  </span>
                </>
              )}
            </a>
          ))}
        </nav>
      )}
      <main>
        {caller === undefined ? (
          <SignIn onSignedIn={setCaller} />
        ) : (
          <KindsProvider>
            <PageOf route={route} caller={caller} onFindingsChanged={countFindingsAgain} />
          </KindsProvider>
        )}
      </main>
    </>
  );
}
