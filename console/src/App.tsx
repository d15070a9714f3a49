import { useState } from 'react';
import { session, type Caller } from './api/client';
import { LANGUAGES, useLanguage, type Language } from './i18n';
import { KindsProvider } from './kinds';
import { Checkpoints } from './pages/Checkpoints';
import { EntryView } from './pages/EntryView';
import { Overview } from './pages/Overview';
import { Search } from './pages/Search';
import { SignIn } from './pages/SignIn';
import { TrailPage } from './pages/Trail';
import { VerifyBundle } from './pages/VerifyBundle';
import { PAGES, pageHref, type Route } from './route';
import { useRoute } from './use-route';

function PageOf({ route, caller }: { route: Route; caller: Caller }) {
  switch (route.page) {
    case 'entry':
      return <EntryView key={route.id} id={route.id} back={route.back} />;
    case 'overview':
      return <Overview />;
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
            </a>
          ))}
        </nav>
      )}
      <main>
        {caller === undefined ? (
          <SignIn onSignedIn={setCaller} />
        ) : (
          <KindsProvider>
            <PageOf route={route} caller={caller} />
          </KindsProvider>
        )}
      </main>
    </>
  );
}
