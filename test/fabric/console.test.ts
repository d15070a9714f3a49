/**
 * The console on the Fabric network, in a real browser: the overview shows each organisation's
 * peer, Verify runs the offline verifier in the page on a bundle made of Fabric's own blocks
 * against the trust file `network/` exported, and the checkpoint page verifies the witnesses.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
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
  signIn,
} from '../console/browser.js';

const TRUST_FILE = resolve(__dirname, '../../network/.state/trust.json');

let gateway: TestGateway;
let browser: Browser;
let entry: LedgerEntry;

beforeAll(async () => {
  gateway = await startTestGateway();
  const written = await gateway.request<LedgerEntry>('POST', '/v1/entries', {
    key: gateway.keys['sandbox-writer'],
    body: dataAccess({}, { dataset: { id: unique('city-mgmt/console-on-fabric') } }),
  });
  expect(written.status).toBe(201);
  entry = written.body;
  browser = await launchBrowser();
  await mkdir(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await browser.close();
  await gateway.close();
});

describe('the console on Fabric', () => {
  test('the overview names every organisation’s peer, and each answers with its height', async () => {
    const { page, close } = await openConsoleTab(browser, gateway.url);
    try {
      await signIn(page, gateway.keys.regulator);
      const peers = page.locator('.parts li');
      await peers.first().waitFor();
      const named = await peers.allInnerTexts();
      expect(named).toHaveLength(3);
      expect(named.every((line) => line.includes('可达'))).toBe(true);
      // Each with the height of the chain it answered with.
      expect(named.every((line) => /· \d+ 区块$/.test(line))).toBe(true);
      expect(await page.getByText('fabric').count()).toBeGreaterThan(0);
    } finally {
      await close();
    }
  });

  test('Verify checks a Fabric bundle in the page against the network’s trust file', async () => {
    const { page, requested, close } = await openConsoleTab(browser, gateway.url);
    try {
      await signIn(page, gateway.keys.regulator);
      await showPage(page, `#/entries/${entry.id}`);
      await page.getByLabel('载入信任文件').setInputFiles(TRUST_FILE);
      await page.getByTestId('trust-fingerprint').waitFor();
      await page.getByRole('button', { name: '核验', exact: true }).click();
      const verdict = page.getByTestId('verdict');
      await verdict.waitFor();
      const steps = (await page.locator('.checklist li').allInnerTexts()).join('\n');
      expect(await verdict.innerText(), steps).toMatch(/^VERIFIED/);
      expect(steps).toContain('排序节点签名');
      expect(steps).toContain('背书策略');
      await page.screenshot({
        path: join(SCREENSHOTS, 'console-verify-fabric.png'),
        fullPage: true,
      });
      expect(requested.every((url) => new URL(url).origin === gateway.url)).toBe(true);

      await showPage(page, '#/checkpoints');
      const status = page.getByTestId('history-status');
      await status.waitFor();
      expect(await status.innerText()).toContain('首次核验');
    } finally {
      await close();
    }
  });
});
