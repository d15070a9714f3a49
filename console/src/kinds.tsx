import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, failureText, type KindCatalogue } from './api/client';
import { useLanguage } from './i18n';

/** Distinct colours for kinds, in the order the ledger lists them. */
const PALETTE = [
  '#0f5e9c',
  '#b35900',
  '#1a7f37',
  '#8250df',
  '#bf3989',
  '#0a7480',
  '#9a6700',
  '#cf222e',
  '#57606a',
  '#3e1f79',
];

interface Kinds {
  /** Kind names, as the ledger lists them. */
  kinds: string[];
  /** The streams entries join (`dataset`, `team`, …), each once. */
  streams: string[];
  /** The indexes kinds declare beyond stream, kind and source. */
  indexes: string[];
  /** A kind's name in the console's language. */
  titleOf: (kind: string) => string;
  colourOf: (kind: string) => string;
}

const KindsContext = createContext<Kinds | undefined>(undefined);

/**
 * The kinds the gateway's ledger records (`GET /v1/kinds`): the console knows none of its own,
 * so a kind added to the ledger is named, coloured and searchable here without a change.
 */
export function KindsProvider({ children }: { children: ReactNode }) {
  const { t, language } = useLanguage();
  const [catalogue, setCatalogue] = useState<KindCatalogue | undefined>(undefined);
  const [failure, setFailure] = useState<string | undefined>(undefined);
  useEffect(() => {
    void api.GET('/v1/kinds').then(({ data, error }) => {
      setCatalogue(data);
      setFailure(data === undefined ? failureText(error) : undefined);
    });
  }, []);
  const kinds = useMemo<Kinds | undefined>(() => {
    if (catalogue === undefined) {
      return undefined;
    }
    const names = catalogue.kinds.map((kind) => kind.kind);
    const titles = new Map(catalogue.kinds.map((kind) => [kind.kind, kind.title[language]]));
    return {
      kinds: names,
      streams: [...new Set(catalogue.kinds.flatMap((kind) => kind.versions.map((v) => v.stream)))],
      indexes: [
        ...new Set(catalogue.kinds.flatMap((kind) => kind.versions.flatMap((v) => v.indexes))),
      ],
      titleOf: (kind) => titles.get(kind) ?? kind,
      colourOf: (kind) => {
        const position = names.indexOf(kind);
        return PALETTE[position % PALETTE.length] ?? '#57606a';
      },
    };
  }, [catalogue, language]);
  if (kinds === undefined) {
    return failure === undefined ? (
      <p>{t('loading')}</p>
    ) : (
      <p className="error" role="alert">
        {t('error.generic')}: {failure}
      </p>
    );
  }
  return <KindsContext.Provider value={kinds}>{children}</KindsContext.Provider>;
}

export function useKinds(): Kinds {
  const kinds = useContext(KindsContext);
  if (kinds === undefined) {
    throw new Error('useKinds outside KindsProvider');
  }
  return kinds;
}
