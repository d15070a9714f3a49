import { useState } from 'react';
import { session, type Caller } from './api/client';
import { LANGUAGES, messageKey, useLanguage, type Language } from './i18n';
import { EntryView } from './pages/EntryView';
import { Search } from './pages/Search';
import { SignIn } from './pages/SignIn';
import { VerifyBundle } from './pages/VerifyBundle';
import { pageHref, useRoute, type Page, type Route } from './route';

/** The pages in the navigation bar, in its order. */
const NAVIGATION: readonly Page[] = ['search', 'verify'];

function PageOf({ route }: { route: Route }) {
  switch (route.page) {
    case 'entry':
      return <EntryView id={route.id} back={route.back} />;
    case 'verify':
      return <VerifyBundle />;
    default:
      return <Search query={route.query} />;
  }
}

export function App() {
  const { t, language, setLanguage } = useLanguage();
  const [caller, setCaller] = useState<Caller | undefined>(undefined);
  const route = useRoute();
  const roleKey = caller === undefined ? undefined : messageKey('role', caller.role);

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
              {t('signedInAs')}: {caller.name} ({roleKey === undefined ? caller.role : t(roleKey)},{' '}
              {caller.organization})
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
          {NAVIGATION.map((page) => (
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
        {caller === undefined ? <SignIn onSignedIn={setCaller} /> : <PageOf route={route} />}
      </main>
    </>
  );
}
