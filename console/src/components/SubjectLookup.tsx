import { useState, type SyntheticEvent } from 'react';
import { api, failureText } from '../api/client';
import { useLanguage } from '../i18n';
import { searchHref } from '../route';

/**
 * A person's or company's credit trail from their resident identity number or unified social
 * credit code. The number goes to the gateway in a POST body, which answers with the pseudonym;
 * the search that follows carries only the pseudonym, and the field is emptied at once.
 */
export function SubjectLookup() {
  const { t } = useLanguage();
  const [idNumber, setIdNumber] = useState('');
  const [problem, setProblem] = useState<string | undefined>(undefined);

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    const { data, error } = await api.POST('/v1/subjects/lookup', { body: { idNumber } });
    setIdNumber('');
    if (data === undefined) {
      setProblem(failureText(error));
      return;
    }
    setProblem(undefined);
    window.location.hash = searchHref(
      new URLSearchParams({ by: 'subject', value: data.subject.ref }),
    );
  };

  return (
    <form className="panel search" onSubmit={(event) => void submit(event)}>
      <label>
        {t('lookup.label')}
        <input
          required
          autoComplete="off"
          spellCheck={false}
          value={idNumber}
          onChange={(event) => {
            setIdNumber(event.target.value);
          }}
        />
      </label>
      <button type="submit">{t('lookup.submit')}</button>
      <p className="hint">{t('lookup.hint')}</p>
      {problem !== undefined && (
        <p role="alert" className="error">
          {t('lookup.refused')}: {problem}
        </p>
      )}
    </form>
  );
}
