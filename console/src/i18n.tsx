import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';

/** Every text the console shows, in Chinese (the default) and English. */
const zhCN = {
  'app.title': '审计账本控制台',
  'nav.search': '检索',
  'nav.signOut': '退出',
  'language.label': '语言',
  'signIn.title': '登录',
  'signIn.key': 'API 密钥',
  'signIn.hint': '密钥只保存在本标签页中，关闭标签页即清除。',
  'signIn.submit': '登录',
  'signIn.refused': '密钥无效或已被吊销。',
  signedInAs: '当前身份',
  'role.regulator': '监管方',
  'role.sandbox-writer': '沙箱写入方',
  'role.credit-writer': '信用写入方',
  'search.title': '检索审计记录',
  'search.by': '检索方式',
  'search.by.dataset': '数据集',
  'search.by.algorithm': '算法',
  'search.by.subject': '信用主体',
  'search.by.source': '来源系统',
  'search.by.approvalRef': '审批编号',
  'search.by.kind': '记录类型',
  'search.value': '检索值',
  'search.from': '起始时间',
  'search.to': '截止时间',
  'search.submit': '检索',
  'search.none': '没有符合条件的记录。',
  'search.more': '下一页',
  'kind.data-access': '数据访问',
  'kind.algorithm-upload': '算法上传',
  'kind.credit-change': '信用记录变更',
  'column.committedAt': '上链时间',
  'column.kind': '类型',
  'column.stream': '对象',
  'column.source': '来源',
  'column.sourceSeq': '来源序号',
  'column.id': '记录编号',
  'entry.title': '审计记录',
  'entry.digest': '摘要',
  'entry.submitter': '提交者',
  'entry.block': '区块',
  'entry.transaction': '交易',
  'entry.payload': '内容',
  'entry.back': '返回检索结果',
  'error.generic': '请求失败',
  loading: '加载中…',
};

type MessageKey = keyof typeof zhCN;

const en: Record<MessageKey, string> = {
  'app.title': 'Audit ledger console',
  'nav.search': 'Search',
  'nav.signOut': 'Sign out',
  'language.label': 'Language',
  'signIn.title': 'Sign in',
  'signIn.key': 'API key',
  'signIn.hint': 'The key is kept in this tab only and is gone when the tab closes.',
  'signIn.submit': 'Sign in',
  'signIn.refused': 'The key is not valid or has been revoked.',
  signedInAs: 'Signed in as',
  'role.regulator': 'regulator',
  'role.sandbox-writer': 'sandbox writer',
  'role.credit-writer': 'credit writer',
  'search.title': 'Search audit entries',
  'search.by': 'Search by',
  'search.by.dataset': 'Dataset',
  'search.by.algorithm': 'Algorithm',
  'search.by.subject': 'Credit subject',
  'search.by.source': 'Source system',
  'search.by.approvalRef': 'Approval reference',
  'search.by.kind': 'Entry kind',
  'search.value': 'Value',
  'search.from': 'From',
  'search.to': 'To',
  'search.submit': 'Search',
  'search.none': 'No entries match.',
  'search.more': 'Next page',
  'kind.data-access': 'data access',
  'kind.algorithm-upload': 'algorithm upload',
  'kind.credit-change': 'credit-record change',
  'column.committedAt': 'Committed',
  'column.kind': 'Kind',
  'column.stream': 'Subject of the entry',
  'column.source': 'Source',
  'column.sourceSeq': 'Source seq.',
  'column.id': 'Entry id',
  'entry.title': 'Audit entry',
  'entry.digest': 'Digest',
  'entry.submitter': 'Submitter',
  'entry.block': 'Block',
  'entry.transaction': 'Transaction',
  'entry.payload': 'Payload',
  'entry.back': 'Back to the results',
  'error.generic': 'The request failed',
  loading: 'Loading…',
};

export const LANGUAGES = { 'zh-CN': '中文', en: 'English' } as const;
export type Language = keyof typeof LANGUAGES;

const MESSAGES: Record<Language, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };
const STORED_LANGUAGE = 'audit-console.language';

function storedLanguage(): Language {
  const stored = localStorage.getItem(STORED_LANGUAGE);
  return stored === 'en' ? 'en' : 'zh-CN';
}

interface LanguageState {
  language: Language;
  setLanguage: (language: Language) => void;
  t: (key: MessageKey) => string;
}

const LanguageContext = createContext<LanguageState | undefined>(undefined);

export function LanguageProvider({ children }: { children: ReactNode }) {
  const [language, choose] = useState(storedLanguage);
  const state = useMemo<LanguageState>(
    () => ({
      language,
      setLanguage: (next) => {
        localStorage.setItem(STORED_LANGUAGE, next);
        choose(next);
      },
      t: (key) => MESSAGES[language][key],
    }),
    [language],
  );
  // The page says which language it is in, for screen readers and for the browser's fonts.
  useEffect(() => {
    document.documentElement.lang = language;
    document.title = MESSAGES[language]['app.title'];
  }, [language]);
  return <LanguageContext.Provider value={state}>{children}</LanguageContext.Provider>;
}

export function useLanguage(): LanguageState {
  const state = useContext(LanguageContext);
  if (state === undefined) {
    throw new Error('useLanguage outside LanguageProvider');
  }
  return state;
}

/** A message key for a value the API names (a role, a kind), checked against the dictionary. */
export function messageKey(prefix: 'role' | 'kind', value: string): MessageKey | undefined {
  const key = `${prefix}.${value}`;
  return key in zhCN ? (key as MessageKey) : undefined;
}
