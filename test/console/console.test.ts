/**
 * The console as a regulator uses it, in a real browser against a real gateway: sign in, search
 * a dataset's trail, open an entry, switch language; the key stays in the tab; nothing is
 * requested from any host but the gateway; no serious accessibility violation. Each page's
 * screenshot is written to .data/screenshots/.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { LedgerEntry } from '../../gateway/src/ledger/ledger.js';
import { startTestGateway, type TestGateway } from '../support/gateway-server.js';
import { dataAccess, unique } from '../support/sample-entries.js';
import {
  SCREENSHOTS,
  launchBrowser,
  openConsoleTab,
  showPage,
  seriousViolations,
  signIn,
  type InPage,
} from './browser.js';

let gateway: TestGateway;
let browser: Browser;
const dataset = unique('city-mgmt/console-traffic');
const recorded: LedgerEntry[] = [];

beforeAll(async () => {
  gateway = await startTestGateway();
  for (let seq = 1; seq <= 3; seq += 1) {
    const written = await gateway.request<LedgerEntry>('POST', '/v1/entries', {
      key: gateway.keys['sandbox-writer'],
      body: dataAccess({ sourceSeq: seq }, { dataset: { id: dataset } }),
    });
    expect(written.status).toBe(201);
    recorded.push(written.body);
  }
  browser = await launchBrowser();
  await mkdir(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await browser.close();
  await gateway.close();
});

/** A fresh tab on the gateway's console, recording every URL it requests. */
const openConsole = (options: { bypassCSP?: boolean } = {}) =>
  openConsoleTab(browser, gateway.url, options);

describe('the console in a browser', () => {
  test('a regulator signs in, finds a dataset’s entries and opens one', async () => {
    const { page, requested, close } = await openConsole();
    try {
      await expect(page.getByRole('heading', { name: '审计账本控制台' }).isVisible()).resolves.toBe(
        true,
      );
      await page.screenshot({ path: join(SCREENSHOTS, 'console-sign-in.png') });
      await signIn(page, gateway.keys.regulator);
      expect(await page.getByText('监管方').count()).toBeGreaterThan(0);

      await page.getByRole('link', { name: '检索' }).click();
      await page.getByLabel('检索值').fill(dataset);
      await page.getByRole('button', { name: '检索' }).click();
      const rows = page.locator('tbody tr');
      await rows.first().waitFor();
      expect(await rows.count()).toBe(3);
      const firstRow = await rows.first().innerText();
      expect(firstRow).toContain(`dataset:${dataset}`);
      expect(firstRow).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC\+08:00/);
      await page.screenshot({ path: join(SCREENSHOTS, 'console-search.png'), fullPage: true });

      const [first] = recorded;
      await page.getByRole('link', { name: first?.id ?? '' }).click();
      await page.getByRole('heading', { name: `审计记录 ${first?.id ?? ''}` }).waitFor();
      const article = await page.locator('article').innerText();
      expect(article).toContain(first?.digest ?? 'digest');
      expect(article).toContain(first?.txId ?? 'txId');
      await page.screenshot({ path: join(SCREENSHOTS, 'console-entry.png'), fullPage: true });

      await page.getByRole('link', { name: /返回检索结果/ }).click();
      await rows.first().waitFor();
      expect(await rows.count()).toBe(3);

      const origins = new Set(requested.map((url) => new URL(url).origin));
      expect([...origins]).toEqual([new URL(gateway.url).origin]);
    } finally {
      await close();
    }
  });

  test('switches to English, and keeps the choice', async () => {
    const { page, close } = await openConsole();
    try {
      await page.getByLabel('语言').selectOption('en');
      await page.getByRole('heading', { name: 'Audit ledger console' }).waitFor();
      expect(await page.getByLabel('API key').count()).toBe(1);
      await page.reload();
      await page.getByRole('heading', { name: 'Audit ledger console' }).waitFor();
      expect(
        await page.evaluate(() => (globalThis as unknown as InPage).document.documentElement.lang),
      ).toBe('en');
    } finally {
      await close();
    }
  });

  test('a wrong key is refused; a right one lives in this tab’s session storage only', async () => {
    const { page, close } = await openConsole();
    try {
      await page.getByLabel('API 密钥').fill('not-a-key');
      await page.getByRole('button', { name: '登录' }).click();
      await page.getByRole('alert').waitFor();
      expect(await page.getByRole('alert').innerText()).toContain('密钥无效');

      await signIn(page, gateway.keys['credit-writer']);
      const stored = await page.evaluate(() => {
        const { sessionStorage, localStorage, document } = globalThis as unknown as InPage;
        return {
          session: Object.values(sessionStorage),
          local: Object.values(localStorage),
          cookies: document.cookie,
        };
      });
      expect(stored.session).toContain(gateway.keys['credit-writer']);
      expect(stored.local).not.toContain(gateway.keys['credit-writer']);
      expect(stored.cookies).toBe('');

      await page.getByRole('button', { name: '退出' }).click();
      await page.getByLabel('API 密钥').waitFor();
      const session = await page.evaluate(() =>
        Object.values((globalThis as unknown as InPage).sessionStorage),
      );
      expect(session).not.toContain(gateway.keys['credit-writer']);
    } finally {
      await close();
    }
  });

  test('Verify checks an entry in the browser against trust roots loaded from a file', async () => {
    const { page, requested, close } = await openConsole();
    const [entry] = recorded;
    try {
      await signIn(page, gateway.keys.regulator);
      await showPage(page, `#/entries/${entry?.id ?? ''}`);
      const verify = page.getByRole('button', { name: '核验', exact: true });
      expect(await verify.isDisabled()).toBe(true);

      await page.getByLabel('载入信任文件').setInputFiles(join(gateway.dataDir, 'trust.json'));
      await page.getByTestId('trust-fingerprint').waitFor();
      await verify.click();
      const verdict = page.getByTestId('verdict');
      await verdict.waitFor();
      expect(await verdict.innerText()).toMatch(/^VERIFIED/);
      const steps = await page.locator('.checklist li').allInnerTexts();
      expect(steps.length).toBeGreaterThanOrEqual(8);
      expect(steps.join('\n')).toContain('记录摘要');
      expect(await page.locator('.checklist li.failed').count()).toBe(0);
      await page.screenshot({ path: join(SCREENSHOTS, 'console-verify.png'), fullPage: true });

      // The bundle came from the gateway; the trust roots and the verdict did not.
      const paths = requested.map((url) => new URL(url));
      expect(paths.map((url) => url.origin).every((origin) => origin === gateway.url)).toBe(true);
      expect(paths.some((url) => url.pathname.includes('trust'))).toBe(false);
      // The bundle is asked for by the entry's name, with its organisation: never ambiguous.
      const proofPath = `/v1/entries/SandboxOrg%2F${entry?.id ?? ''}/proof`;
      expect(paths.some((url) => url.pathname === proofPath)).toBe(true);
    } finally {
      await close();
    }
  });

  test('an entry page’s back link never leaves the console, whatever the link said', async () => {
    const { page, close } = await openConsole();
    const [entry] = recorded;
    try {
      await signIn(page, gateway.keys.regulator);
      const crafted = new URLSearchParams({ back: 'https://evil.example/' }).toString();
      await showPage(page, `#/entries/${entry?.id ?? ''}?${crafted}`);
      await page.getByRole('link', { name: /返回检索结果/ }).click();
      await page.getByTestId('per-day-table').waitFor();
      expect(new URL(page.url()).origin).toBe(new URL(gateway.url).origin);
      expect(new URL(page.url()).hash).toBe('#/overview');
    } finally {
      await close();
    }
  });

  test('a tampered bundle does not verify, and the checklist names the step', async () => {
    const [entry] = recorded;
    const bundle = await gateway.request<{ canonicalEntry: string } & Record<string, unknown>>(
      'GET',
      `/v1/entries/${entry?.id ?? ''}/proof`,
      { key: gateway.keys.regulator },
    );
    expect(bundle.status).toBe(200);
    const tampered = join(gateway.dataDir, 'tampered-bundle.json');
    const text = JSON.stringify(bundle.body).replace('"outcome":"granted"', '"outcome":"denied"');
    expect(text).toContain('"outcome":"denied"');
    await writeFile(tampered, text);

    const { page, requested, close } = await openConsole();
    try {
      await signIn(page, gateway.keys.regulator);
      await page.getByRole('link', { name: '核验证据' }).click();
      await page.getByLabel('载入信任文件').setInputFiles(join(gateway.dataDir, 'trust.json'));
      await page.getByTestId('trust-fingerprint').waitFor();
      const before = requested.length;
      await page.getByLabel('选择证明包文件').setInputFiles(tampered);
      const verdict = page.getByTestId('verdict');
      await verdict.waitFor();
      expect(await verdict.innerText()).toMatch(/^NOT VERIFIED/);
      const failed = await page.locator('.checklist li.failed').allInnerTexts();
      expect(failed.join('\n')).toContain('记录摘要');
      expect(failed.join('\n')).toContain('ENTRY_DIGEST');
      await page.screenshot({
        path: join(SCREENSHOTS, 'console-verify-tampered.png'),
        fullPage: true,
      });
      // Checking a file asks nothing of any server.
      expect(requested.slice(before)).toEqual([]);

      await page.getByLabel('选择证明包文件').setInputFiles(join(gateway.dataDir, 'trust.json'));
      await page.getByRole('alert').waitFor();
      expect(await page.getByRole('alert').innerText()).toContain('无法核验');
    } finally {
      await close();
    }
  });

  test('the keyboard alone signs in, moves between pages and searches', async () => {
    const { page, close } = await openConsole();
    /** Presses Tab until the focused element is the one named, as a keyboard user would. */
    const tabTo = async (name: string) => {
      for (let presses = 0; presses < 15; presses += 1) {
        await page.keyboard.press('Tab');
        const focused = await page.evaluate(() => {
          const { document } = globalThis as unknown as {
            document: {
              activeElement: { textContent: string; labels?: { textContent: string }[] };
            };
          };
          const element = document.activeElement;
          return [
            element.textContent,
            ...Array.from(element.labels ?? [], (label) => label.textContent),
          ];
        });
        if (focused.some((text) => text.trim() === name || text.startsWith(name))) {
          return;
        }
      }
      throw new Error(`Tab never reached ${name}`);
    };
    try {
      await tabTo('API 密钥');
      await page.keyboard.type(gateway.keys.regulator);
      await page.keyboard.press('Enter');
      await page.getByText('当前身份').waitFor();
      await tabTo('检索');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: '检索审计记录' }).waitFor();
      await tabTo('检索值');
      await page.keyboard.type(dataset);
      await page.keyboard.press('Enter');
      await page.locator('tbody tr').first().waitFor();
      expect(await page.locator('tbody tr').count()).toBe(3);
    } finally {
      await close();
    }
  });

  test('no serious accessibility violations on the sign-in, search and entry pages', async () => {
    const { page, close } = await openConsole({ bypassCSP: true });
    const violations = () => seriousViolations(page);
    try {
      expect(await violations()).toEqual([]);
      await signIn(page, gateway.keys.regulator);
      await page.getByRole('link', { name: '检索' }).click();
      await page.getByLabel('检索值').fill(dataset);
      await page.getByRole('button', { name: '检索' }).click();
      await page.locator('tbody tr').first().waitFor();
      expect(await violations()).toEqual([]);
      await page.locator('tbody a').first().click();
      await page.locator('article').waitFor();
      expect(await violations()).toEqual([]);
    } finally {
      await close();
    }
  });
});
