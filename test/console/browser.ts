/**
 * Debian's Chromium, headless, driven by playwright-core, and what every console test does in
 * it. Started with the flags this closed network needs: without them Chromium keeps dialling
 * Google's hosts in the background.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where the tests write each page's screenshot. */
export const SCREENSHOTS = resolve(__dirname, '../../.data/screenshots');

/**
 * The browser globals the page.evaluate callbacks use: the tests compile without the DOM's
 * types, and each callback casts `globalThis` to this (a cast vanishes before it reaches the page).
 */
export interface InPage {
  document: { documentElement: { lang: string }; cookie: string };
  sessionStorage: Record<string, string>;
  localStorage: Record<string, string> & { setItem(key: string, value: string): void };
  axe: { run(): Promise<{ violations: { id: string; impact: string | null }[] }> };
  location: { hash: string };
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: install Debian's (apt-get install chromium) or set CHROMIUM_PATH`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A fresh tab (its own storage) on a gateway's console, recording every URL it requests. */
export async function openConsoleTab(
  browser: Browser,
  gatewayUrl: string,
  options: { bypassCSP?: boolean } = {},
) {
  const context = await browser.newContext({ locale: 'zh-CN', ...options });
  const page = await context.newPage();
  const requested: string[] = [];
  page.on('request', (request) => requested.push(request.url()));
  await page.goto(`${gatewayUrl}/console/`);
  return { page, requested, close: () => context.close() };
}

/** Moves to one of the console's places, as following a link there would. */
export async function showPage(page: Page, hash: string): Promise<void> {
  await page.evaluate((target) => {
    (globalThis as unknown as InPage).location.hash = target;
  }, hash);
}

export async function signIn(page: Page, key: string): Promise<void> {
  await page.getByLabel('API 密钥').fill(key);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByText('当前身份').waitFor();
}

/**
 * axe-core's serious and critical violations on the page as it is now. axe is injected as an
 * inline script, which the console's own policy rightly refuses: open the tab with bypassCSP.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({
    content: await readFile(require.resolve('axe-core/axe.min.js'), 'utf8'),
  });
  return page.evaluate(async () => {
    const { violations } = await (globalThis as unknown as InPage).axe.run();
    return violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => violation.id);
  });
}
