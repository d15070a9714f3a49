import { useEffect, useState, type SyntheticEvent } from 'react';
import { callerOf, session, type Caller } from '../api/client';
import { useLanguage } from '../i18n';

/** Signs in with an API key; a key already in this tab's session is checked again first. */
export function SignIn({ onSignedIn }: { onSignedIn: (caller: Caller) => void }) {
  const { t } = useLanguage();
  const [key, setKey] = useState('');
  const [refused, setRefused] = useState(false);
  const [checking, setChecking] = useState(session.key() !== null);

  useEffect(() => {
    const stored = session.key();
    if (stored === null) {
      return;
    }
    void callerOf(stored).then((caller) => {
      setChecking(false);
      if (caller === undefined) {
        session.signOut();
      } else {
        onSignedIn(caller);
      }
    });
  }, [onSignedIn]);

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    const caller = await callerOf(key.trim());
    if (caller === undefined) {
      setRefused(true);
      return;
    }
    session.signIn(key.trim());
    onSignedIn(caller);
  };

  if (checking) {
    return <p>{t('loading')}</p>;
  }
  return (
    <form className="panel" onSubmit={(event) => void submit(event)}>
      <h2>{t('signIn.title')}</h2>
      <label htmlFor="api-key">{t('signIn.key')}</label>
      <input
        id="api-key"
        type="password"
        autoComplete="off"
        required
        value={key}
        aria-describedby="api-key-hint"
        aria-invalid={refused}
        onChange={(event) => {
          setKey(event.target.value);
          setRefused(false);
        }}
      />
      <p id="api-key-hint" className="hint">
        {t('signIn.hint')}
      </p>
      {refused && (
        <p role="alert" className="error">
          {t('signIn.refused')}
        </p>
      )}
      <button type="submit">{t('signIn.submit')}</button>
    </form>
  );
}
