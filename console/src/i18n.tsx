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
  'search.by.team': '团队',
  'search.by.federation': '联邦学习任务',
  'search.by.recordId': '信用记录编号',
  'search.by.scenarioId': '场景',
  'search.by.datasetId': '涉及数据集',
  'search.by.matterId': '审批事项编号',
  'search.by.recipientId': '共享对象',
  'search.by.kind': '记录类型',
  'search.value': '检索值',
  'search.from': '起始时间',
  'search.to': '截止时间',
  'search.submit': '检索',
  'search.none': '没有符合条件的记录。',
  'search.more': '下一页',
  'column.committedAt': '上链时间',
  'column.kind': '类型',
  'column.stream': '对象',
  'column.source': '来源',
  'column.sourceSeq': '来源序号',
  'column.id': '记录编号',
  'entry.title': '审计记录',
  'entry.digest': '摘要',
  'entry.kindVersion': '版本',
  'entry.submitter': '提交者',
  'entry.block': '区块',
  'entry.transaction': '交易',
  'entry.payload': '内容',
  'entry.back': '返回检索结果',
  'entry.ambiguous': '多个机构记录了这一编号的审计记录，请选择其中一条：',
  'nav.overview': '概览',
  'nav.trail': '轨迹',
  'nav.checkpoints': '检查点',
  'nav.verify': '核验证据',
  'nav.label': '页面',
  'entry.verify': '核验',
  'entry.saveBundle': '保存证明包',
  'trust.title': '信任根',
  'trust.none': '尚未载入信任文件。',
  'trust.hint':
    '信任文件（trust.json）须从您自己的渠道取得，不能来自被核验的网关；它只保存在本浏览器中。',
  'trust.load': '载入信任文件',
  'trust.forget': '移除信任文件',
  'trust.needed': '请先载入信任文件，才能核验。',
  'trust.ledger': '账本 · 通道',
  'trust.organizations': '组织',
  'trust.fingerprint': '文件指纹（SHA-256）',
  'verify.title': '核验证明包',
  'verify.offline':
    '在本浏览器中离线核验：不向任何服务器发送请求，与命令行 npx audit-ledger verify 的检查完全相同。',
  'verify.bundle': '选择证明包文件',
  'verify.checking': '正在核验',
  'verify.refused': '无法核验',
  'verdict.verified': '每一项检查均通过。',
  'verdict.notVerified': '至少一项检查未通过，见上方标记为 ✗ 的步骤。',
  'step.passed': '（通过）',
  'step.failed': '（未通过）',
  'step.old': '旧',
  'step.new': '新',
  'step.ledger': '账本',
  'step.entry digest': '记录摘要',
  'step.canonical entry': '规范形式',
  'step.checkpoint signatures': '检查点签名',
  'step.checkpoint signed by the log': '检查点由日志签名',
  'step.checkpoint origin': '检查点来源',
  'step.checkpoint witnessed': '见证人联署',
  'step.checkpoint format': '检查点格式',
  'step.block in checkpoint': '区块包含于检查点',
  'step.creator signature': '提交者签名',
  'step.endorsement signature': '背书签名',
  'step.endorsement policy': '背书策略',
  'step.orderer signature': '排序节点签名',
  'step.validation code': '验证结果',
  'step.channel': '通道',
  'step.data hash': '区块数据哈希',
  'step.header hash': '区块头哈希',
  'step.transaction id': '交易编号',
  'step.transaction in block': '交易在区块中',
  'step.write set': '写入集',
  'step.submitter': '提交者',
  'step.peer answer': '节点应答',
  'step.peer answers': '节点应答',
  'step.consistency proof': '一致性证明',
  'step.same log': '同一日志',
  'step.tree grew': '树只增不减',
  'trail.title': '轨迹',
  'trail.show': '显示轨迹',
  'trail.complete': '轨迹完整',
  'trail.incomplete': '轨迹不完整',
  'trail.entries': '记录数',
  'trail.truncated': '仅显示前 2,000 条，请缩小时间范围',
  'trail.gaps': '缺号',
  'trail.gap': '缺号',
  'trail.reversals': '序号倒退',
  'trail.reversal': '序号倒退：排在',
  'trail.digestMismatch': '摘要不符',
  'trail.integrity': '账本完整性',
  'trail.peerDiffers': '节点副本不同',
  'checkpoints.title': '检查点',
  'checkpoints.explain':
    '检查点是日志对全部区块的签名承诺，并由见证人联署。本浏览器记住上次核验通过的检查点，新检查点必须是它的延续；否则说明历史被改写。',
  'checkpoints.size': '区块数',
  'checkpoints.root': '树根哈希',
  'checkpoints.origin': '日志',
  'checkpoints.cosigners': '联署见证人',
  'checkpoints.save': '保存检查点',
  'checkpoints.checks': '核验步骤',
  'checkpoints.alarm': '警报：账本历史与本浏览器此前核验的不一致',
  'checkpoints.alarmDetail': '最新检查点不是本浏览器此前所见检查点的延续。此前所见区块数：',
  'checkpoints.badSignature': '警报：最新检查点的签名或联署不成立',
  'checkpoints.first': '本浏览器首次核验此日志：签名成立，已记住作为今后比对的基准。',
  'checkpoints.consistent': '签名成立，且与本浏览器此前所见的检查点一致。此前所见区块数：',
  'overview.title': '概览',
  'overview.ledger': '账本高度',
  'overview.blocks': '区块',
  'overview.ready': '可用',
  'overview.unavailable': '不可用',
  'overview.reachable': '可达',
  'overview.unreachable': '不可达',
  'overview.checkpoint': '最新检查点',
  'overview.cosignedBy': '联署',
  'overview.checkCheckpoint': '核验检查点',
  'overview.outbox': '待提交队列',
  'overview.queued': '条待提交',
  'overview.oldest': '最早已等待',
  'overview.perDay': '近 14 天每日记录数（按类型）',
  'overview.date': '日期',
  'overview.truncated': '仍在统计较早的区块，数字暂不完整',
  'lookup.label': '按身份证号或统一社会信用代码查找信用主体',
  'lookup.submit': '查找',
  'lookup.hint': '号码只在本次请求中发给网关换取假名，不会出现在网址、日志或账本中。',
  'lookup.refused': '无法查找',
  'export.csv': '导出 CSV',
  'export.evidence': '导出证据包',
  'export.reading': '已读取',
  'export.proofs': '已取得证明',
  'export.saved': '已保存，记录数：',
  'export.capped': '已达上限，未全部导出',
  'error.generic': '请求失败',
  loading: '加载中…',
};

export type MessageKey = keyof typeof zhCN;

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
  'search.by.team': 'Team',
  'search.by.federation': 'Federated-learning job',
  'search.by.recordId': 'Credit record',
  'search.by.scenarioId': 'Scenario',
  'search.by.datasetId': 'Dataset used',
  'search.by.matterId': 'Application (matter)',
  'search.by.recipientId': 'Shared with',
  'search.by.kind': 'Entry kind',
  'search.value': 'Value',
  'search.from': 'From',
  'search.to': 'To',
  'search.submit': 'Search',
  'search.none': 'No entries match.',
  'search.more': 'Next page',
  'column.committedAt': 'Committed',
  'column.kind': 'Kind',
  'column.stream': 'Subject of the entry',
  'column.source': 'Source',
  'column.sourceSeq': 'Source seq.',
  'column.id': 'Entry id',
  'entry.title': 'Audit entry',
  'entry.digest': 'Digest',
  'entry.kindVersion': 'version',
  'entry.submitter': 'Submitter',
  'entry.block': 'Block',
  'entry.transaction': 'Transaction',
  'entry.payload': 'Payload',
  'entry.back': 'Back to the results',
  'entry.ambiguous': 'Several organisations recorded an entry with this id; choose one:',
  'nav.overview': 'Overview',
  'nav.trail': 'Trail',
  'nav.checkpoints': 'Checkpoints',
  'nav.verify': 'Verify evidence',
  'nav.label': 'Pages',
  'entry.verify': 'Verify',
  'entry.saveBundle': 'Save the proof bundle',
  'trust.title': 'Trust roots',
  'trust.none': 'No trust file loaded yet.',
  'trust.hint':
    'Get the trust file (trust.json) through your own channel, never from the gateway you are checking; it is kept in this browser only.',
  'trust.load': 'Load a trust file',
  'trust.forget': 'Remove the trust file',
  'trust.needed': 'Load a trust file to verify.',
  'trust.ledger': 'Ledger · channel',
  'trust.organizations': 'Organisations',
  'trust.fingerprint': 'File fingerprint (SHA-256)',
  'verify.title': 'Verify a proof bundle',
  'verify.offline':
    'Checked offline in this browser, with no request to any server: the same checks as npx audit-ledger verify on the command line.',
  'verify.bundle': 'Choose a proof bundle file',
  'verify.checking': 'Checking',
  'verify.refused': 'Cannot verify',
  'verdict.verified': 'every check holds.',
  'verdict.notVerified': 'at least one check failed: see the steps marked ✗ above.',
  'step.passed': '(passed)',
  'step.failed': '(failed)',
  'step.old': 'old',
  'step.new': 'new',
  'step.ledger': 'ledger',
  'step.entry digest': 'entry digest',
  'step.canonical entry': 'canonical entry',
  'step.checkpoint signatures': 'checkpoint signatures',
  'step.checkpoint signed by the log': 'checkpoint signed by the log',
  'step.checkpoint origin': 'checkpoint origin',
  'step.checkpoint witnessed': 'checkpoint witnessed',
  'step.checkpoint format': 'checkpoint format',
  'step.block in checkpoint': 'block in checkpoint',
  'step.creator signature': 'creator signature',
  'step.endorsement signature': 'endorsement signature',
  'step.endorsement policy': 'endorsement policy',
  'step.orderer signature': 'orderer signature',
  'step.validation code': 'validation code',
  'step.channel': 'channel',
  'step.data hash': 'block data hash',
  'step.header hash': 'block header hash',
  'step.transaction id': 'transaction id',
  'step.transaction in block': 'transaction in block',
  'step.write set': 'write set',
  'step.submitter': 'submitter',
  'step.peer answer': 'peer answer',
  'step.peer answers': 'peer answers',
  'step.consistency proof': 'consistency proof',
  'step.same log': 'same log',
  'step.tree grew': 'tree grew',
  'trail.title': 'Trail',
  'trail.show': 'Show the trail',
  'trail.complete': 'The trail is complete',
  'trail.incomplete': 'The trail is not complete',
  'trail.entries': 'Entries',
  'trail.truncated': 'only the first 2,000 are shown: narrow the time range',
  'trail.gaps': 'Missing numbers',
  'trail.gap': 'Missing',
  'trail.reversals': 'Numbers going backwards',
  'trail.reversal': 'number went backwards: after',
  'trail.digestMismatch': 'Digest mismatch',
  'trail.integrity': 'Ledger integrity',
  'trail.peerDiffers': 'A peer holds a different trail',
  'checkpoints.title': 'Checkpoints',
  'checkpoints.explain':
    'A checkpoint is the log’s signed commitment to every block, cosigned by witnesses. This browser remembers the last checkpoint it verified; the next must extend it, or history was rewritten.',
  'checkpoints.size': 'Blocks',
  'checkpoints.root': 'Root hash',
  'checkpoints.origin': 'Log',
  'checkpoints.cosigners': 'Cosigning witnesses',
  'checkpoints.save': 'Save the checkpoint',
  'checkpoints.checks': 'Checks',
  'checkpoints.alarm': 'ALARM: the ledger’s history differs from what this browser verified before',
  'checkpoints.alarmDetail':
    'The latest checkpoint does not extend the one this browser saw before. Blocks seen before:',
  'checkpoints.badSignature':
    'ALARM: the latest checkpoint’s signature or cosignatures do not hold',
  'checkpoints.first':
    'This browser verifies this log for the first time: the signatures hold, and it is kept to compare with from now on.',
  'checkpoints.consistent':
    'The signatures hold, and it extends the checkpoint this browser saw before. Blocks seen before:',
  'overview.title': 'Overview',
  'overview.ledger': 'Ledger height',
  'overview.blocks': 'blocks',
  'overview.ready': 'ready',
  'overview.unavailable': 'unavailable',
  'overview.reachable': 'reachable',
  'overview.unreachable': 'unreachable',
  'overview.checkpoint': 'Latest checkpoint',
  'overview.cosignedBy': 'Cosigned by',
  'overview.checkCheckpoint': 'Verify the checkpoint',
  'overview.outbox': 'Outbox',
  'overview.queued': 'entries waiting to be committed',
  'overview.oldest': 'oldest waiting for',
  'overview.perDay': 'Entries per day, last 14 days, by kind',
  'overview.date': 'Date',
  'overview.truncated': 'still counting earlier blocks: the figures are not complete yet',
  'lookup.label': 'Find a credit subject by resident ID number or unified social credit code',
  'lookup.submit': 'Find',
  'lookup.hint':
    'The number goes to the gateway only in this request, for its pseudonym; it is never in a URL, a log or the ledger.',
  'lookup.refused': 'Cannot look up',
  'export.csv': 'Export CSV',
  'export.evidence': 'Export an evidence package',
  'export.reading': 'Read',
  'export.proofs': 'Proofs fetched',
  'export.saved': 'Saved; entries:',
  'export.capped': 'the limit was reached: not everything was exported',
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
  /** A value the API names (a role, an index) in this language, or as the API spells it. */
  named: (prefix: NamedPrefix, value: string) => string;
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
      named: (prefix, value) => {
        const key = messageKey(prefix, value);
        return key === undefined ? value : MESSAGES[language][key];
      },
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

export function isMessageKey(key: string): key is MessageKey {
  return key in zhCN;
}

/** A message key for a value the API names (a role, a kind), checked against the dictionary. */
/** Values the API names that the console has words for; kinds name themselves (kinds.tsx). */
type NamedPrefix = 'role' | 'search.by';

function messageKey(prefix: NamedPrefix, value: string): MessageKey | undefined {
  const key = `${prefix}.${value}`;
  return isMessageKey(key) ? key : undefined;
}
