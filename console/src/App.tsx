import { useState } from 'react';
import { session, type Caller } from './api/client';
import { LANGUAGES, messageKey, useLanguage, type Language } from './i18n';
import { EntryView } from './pages/EntryView';
import { Search } from './pages/Search';
import { SignIn } from './pages/SignIn';
import { useRoute } from './route';

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
      <main>
        {caller === undefined ? (
          <SignIn onSignedIn={setCaller} />
        ) : route.page === 'entry' ? (
          <EntryView id={route.id} back={route.back} />
        ) : (
          <Search query={route.query} />
        )}
      </main>
    </>
  );
}
