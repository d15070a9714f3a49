/**
 * The alerts page in a real browser against a real gateway: teams no scenario admitted reach
 * data, the gateway raises findings, a regulator reads one in the console's language and closes
 * it with a reason, a writer sees those about its own organisation's entries and cannot close
 * them, a finding raised while the page is open shows up, and the list pages on.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Finding } from '../../gateway/src/compliance/compliance-engine.js';
import type { LedgerEntry } from '../../gateway/src/ledger/ledger.js';
import { startTestGateway, type TestGateway } from '../support/gateway-server.js';
import { allFindings, findingAbout, unadmittedAccess } from '../support/findings.js';
import {
  SCREENSHOTS,
  launchBrowser,
  openConsoleTab,
  seriousViolations,
  showPage,
  signIn,
} from './browser.js';

/** More findings than the page shows before "Load more". */
const MANY = 55;

let gateway: TestGateway;
let browser: Browser;
/** The entry whose finding the regulator closes. */
let closedAbout: LedgerEntry;
/** The entry whose finding stays open for the writer to see. */
let openAbout: LedgerEntry;

async function writeUnadmitted(on: TestGateway): Promise<LedgerEntry> {
  const written = await on.request<LedgerEntry>('POST', '/v1/entries', {
    key: on.keys['sandbox-writer'],
    body: unadmittedAccess(),
  });
  expect(written.status).toBe(201);
  return written.body;
}

/** The finding shown about an entry: the card that links to it. */
function cardAbout(page: Page, entry: LedgerEntry) {
  return page
    .getByRole('article')
    .filter({ has: page.getByRole('link', { name: entry.id, exact: true }) });
}

beforeAll(async () => {
  gateway = await startTestGateway();
  closedAbout = await writeUnadmitted(gateway);
  openAbout = await writeUnadmitted(gateway);
  const batch = await gateway.request('POST', '/v1/entries/batch', {
    key: gateway.keys['sandbox-writer'],
    body: { entries: Array.from({ length: MANY }, unadmittedAccess) },
  });
  expect(batch.status).toBe(200);
  const last = await writeUnadmitted(gateway);
  // Blocks are evaluated in order: once this finding is raised, every earlier one is.
  await findingAbout(gateway, last.id);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser.close();
  await gateway.close();
});

const openConsole = (options: { bypassCSP?: boolean } = {}) =>
  openConsoleTab(browser, gateway.url, options);

describe('the alerts page', () => {
  test('a regulator reads a finding, closes it with a reason, and sees who closed it, when and why', async () => {
    const finding = await findingAbout(gateway, closedAbout.id);
    const open = (await allFindings(gateway, { status: 'open' })).length;
    const reason = '已核实：该团队的准入申请已补办，复核编号 REV-2026-0301';
    const { page, close } = await openConsole();
    try {
      await signIn(page, gateway.keys.regulator);
      await page.getByRole('link', { name: `合规告警 (${open} 条未关闭)` }).click();
      await page.getByRole('heading', { name: '合规告警' }).waitFor();
      const card = cardAbout(page, closedAbout);
      await card.waitFor();
      const shown = await card.innerText();
      expect(shown).toContain('团队未准入即访问数据');
      expect(shown).toContain(finding.summary);
      expect(shown).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC\+08:00/);
      expect(await card.getByTestId('finding-status').innerText()).toBe('未关闭');

      await card.getByRole('button', { name: '关闭告警' }).click();
      await card.getByLabel('关闭理由').fill(reason);
      await page.screenshot({ path: join(SCREENSHOTS, 'console-alerts-close.png') });
      await card.getByRole('button', { name: '确认关闭' }).click();

      const notice = page.getByTestId('closure-notice');
      await notice.waitFor();
      const closure = await notice.innerText();
      expect(closure).toContain('团队未准入即访问数据');
      expect(closure).toContain(reason);
      expect(closure).toContain(gateway.names.regulator);
      expect(closure).toContain(`closure-${finding.id}`);
      // Closed, it leaves the open findings, and the navigation counts one fewer.
      await card.waitFor({ state: 'detached' });
      await page.getByRole('link', { name: `合规告警 (${open - 1} 条未关闭)` }).waitFor();

      await page.getByLabel('状态').selectOption({ label: '已关闭' });
      await page.getByRole('button', { name: '筛选' }).click();
      await card.waitFor();
      expect(await card.getByTestId('finding-status').innerText()).toBe('已关闭');
      expect(await card.innerText()).toContain(reason);
      expect(await card.getByRole('button', { name: '关闭告警' }).count()).toBe(0);

      await card.getByRole('link', { name: `closure-${finding.id}` }).click();
      await page.getByRole('heading', { name: `审计记录 closure-${finding.id}` }).waitFor();
      expect(await page.getByText('合规发现关闭').count()).toBeGreaterThan(0);

      const stored = await gateway.request<Finding>('GET', `/v1/findings/${finding.id}`, {
        key: gateway.keys.regulator,
      });
      expect(stored.body.closure).toMatchObject({ reason, closedBy: gateway.names.regulator });
    } finally {
      await close();
    }
  });

  test('a writer sees the finding about its own entry, in either language, and no Close', async () => {
    const finding = await findingAbout(gateway, openAbout.id);
    const { page, close } = await openConsole();
    try {
      await signIn(page, gateway.keys['sandbox-writer']);
      await showPage(page, '#/alerts');
      const card = cardAbout(page, openAbout);
      await card.waitFor();
      expect(await card.innerText()).toContain(finding.summary);
      expect(await page.getByRole('button', { name: '关闭告警' }).count()).toBe(0);

      await page.getByLabel('语言').selectOption('en');
      await card.getByRole('heading', { name: 'data access without team admission' }).waitFor();
      expect(await card.getByTestId('finding-status').innerText()).toBe('open');

      await card.getByRole('link', { name: openAbout.id, exact: true }).click();
      await page.getByRole('heading', { name: `Audit entry ${openAbout.id}` }).waitFor();
      await page.getByRole('link', { name: /Back to the results/ }).click();
      await card.waitFor();
    } finally {
      await close();
    }

    const other = await openConsole();
    try {
      await signIn(other.page, gateway.keys['credit-writer']);
      await showPage(other.page, '#/alerts');
      await other.page.getByText('没有符合条件的告警。').waitFor();
    } finally {
      await other.close();
    }
  });

  test('the list shows the first findings and loads the rest on request', async () => {
    const all = (await allFindings(gateway)).length;
    expect(all).toBeGreaterThan(50);
    const { page, close } = await openConsole();
    try {
      await signIn(page, gateway.keys.regulator);
      await showPage(page, '#/alerts?status=all&rule=access-without-admission');
      const cards = page.getByRole('article');
      await cards.first().waitFor();
      expect(await cards.count()).toBe(50);
      await page.getByRole('button', { name: '加载更多' }).click();
      await cards.nth(all - 1).waitFor();
      expect(await cards.count()).toBe(all);
    } finally {
      await close();
    }
  });

  test('a finding raised while the page is open shows up without reloading', async () => {
    const own = await startTestGateway();
    const { page, close } = await openConsoleTab(browser, own.url);
    try {
      await signIn(page, own.keys['sandbox-writer']);
      await showPage(page, '#/alerts');
      await page.getByText('没有符合条件的告警。').waitFor();
      const entry = await writeUnadmitted(own);
      await cardAbout(page, entry).waitFor({ timeout: 30_000 });
      await page.getByRole('link', { name: '合规告警 (1 条未关闭)' }).waitFor();
    } finally {
      await close();
      await own.close();
    }
  });

  test('no serious accessibility violations on the list, a closure form and a closed finding', async () => {
    const { page, close } = await openConsole({ bypassCSP: true });
    const violations = () => seriousViolations(page);
    try {
      await signIn(page, gateway.keys.regulator);
      await showPage(page, '#/alerts');
      const card = cardAbout(page, openAbout);
      await card.waitFor();
      expect(await violations()).toEqual([]);
      await card.getByRole('button', { name: '关闭告警' }).click();
      await card.getByLabel('关闭理由').waitFor();
      expect(await violations()).toEqual([]);
      await showPage(page, '#/alerts?status=closed');
      await cardAbout(page, closedAbout).waitFor();
      expect(await violations()).toEqual([]);
    } finally {
      await close();
    }
  });
});
