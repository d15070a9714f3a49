/**
 * Entry ids are each organisation's own, so two organisations may record the same one. A
 * regulator sees both, and a bare id is ambiguous to it (409 ENTRY_AMBIGUOUS): every link, page,
 * proof and export in the console names an entry as `<MSP id>/<id>`, in a real browser against
 * a real gateway.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { LedgerEntry } from '../../gateway/src/ledger/ledger.js';
import { startTestGateway, type TestGateway } from '../support/gateway-server.js';
import { creditChange, dataAccess, unique } from '../support/sample-entries.js';
import { launchBrowser, openConsoleTab, showPage, signIn } from './browser.js';

let gateway: TestGateway;
let browser: Browser;
const shared = unique('batch-0042');
const dataset = unique('city-mgmt/shared-ids');
let sandboxEntry: LedgerEntry;
let creditEntry: LedgerEntry;

async function write(body: unknown, key: string): Promise<LedgerEntry> {
  const written = await gateway.request<LedgerEntry>('POST', '/v1/entries', { key, body });
  expect(written.status).toBe(201);
  return written.body;
}

beforeAll(async () => {
  gateway = await startTestGateway();
  sandboxEntry = await write(
    dataAccess({ id: shared }, { dataset: { id: dataset } }),
    gateway.keys['sandbox-writer'],
  );
  creditEntry = await write(creditChange({ id: shared }), gateway.keys['credit-writer']);
  // The premise: the bare id names neither entry for a regulator.
  const bare = await gateway.request('GET', `/v1/entries/${shared}`, {
    key: gateway.keys.regulator,
  });
  expect(bare.status).toBe(409);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser.close();
  await gateway.close();
});

const searchFor = (by: string, value: string) =>
  `#/search?${new URLSearchParams({ by, value }).toString()}`;

/** The entry page now shown: whose it is, by its submitter's organisation and its digest. */
async function shownEntry(page: Page): Promise<string> {
  await page.getByRole('heading', { name: `审计记录 ${shared}` }).waitFor();
  return page.locator('article').innerText();
}

async function saveVerifiedBundle(page: Page, folder: string): Promise<string> {
  await page.getByLabel('载入信任文件').setInputFiles(join(gateway.dataDir, 'trust.json'));
  await page.getByTestId('trust-fingerprint').waitFor();
  await page.getByRole('button', { name: '核验', exact: true }).click();
  const verdict = page.getByTestId('verdict');
  await verdict.waitFor();
  expect(await verdict.innerText()).toMatch(/^VERIFIED/);
  const saved = page.waitForEvent('download');
  await page.getByRole('button', { name: '保存证明包' }).click();
  const file = join(folder, (await saved).suggestedFilename());
  await (await saved).saveAs(file);
  return file;
}

describe('two organisations record the same entry id', () => {
  test('a regulator opens each from its search results and sees that one, with its proof', async () => {
    const folder = join(gateway.dataDir, 'shared-ids');
    await mkdir(folder, { recursive: true });
    const { page, requested, close } = await openConsoleTab(browser, gateway.url);
    try {
      await signIn(page, gateway.keys.regulator);

      await showPage(page, searchFor('dataset', dataset));
      await page.getByRole('link', { name: shared }).click();
      const sandboxShown = await shownEntry(page);
      expect(sandboxShown).toContain(sandboxEntry.digest);
      expect(sandboxShown).toContain('SandboxOrg');
      expect(sandboxShown).not.toContain(creditEntry.digest);
      const sandboxBundle = await saveVerifiedBundle(page, folder);
      expect(sandboxBundle).toMatch(/proof-SandboxOrg-batch-0042-[^/]*\.json$/);
      const sandboxProof = JSON.parse(await readFile(sandboxBundle, 'utf8')) as {
        canonicalEntry: string;
      };
      expect(sandboxProof.canonicalEntry).toContain(sandboxEntry.digest);

      // Back to the results, then the other organisation's entry of the same id.
      await page.getByRole('link', { name: /返回检索结果/ }).click();
      await page.getByRole('link', { name: shared }).waitFor();
      await showPage(page, searchFor('kind', 'credit-change'));
      await page.locator('tbody tr').first().waitFor();
      await page.getByRole('link', { name: shared }).click();
      const creditShown = await shownEntry(page);
      expect(creditShown).toContain(creditEntry.digest);
      expect(creditShown).toContain('CreditOrg');
      expect(creditShown).not.toContain(sandboxEntry.digest);
      const creditBundle = await saveVerifiedBundle(page, folder);
      expect(creditBundle).toMatch(/proof-CreditOrg-batch-0042-[^/]*\.json$/);

      // Every request named the entry with its organisation: none was refused as ambiguous.
      const entryPaths = requested
        .map((url) => new URL(url).pathname)
        .filter((path) => path.startsWith('/v1/entries/'));
      expect(entryPaths.sort()).toEqual(
        [
          `/v1/entries/SandboxOrg%2F${shared}`,
          `/v1/entries/SandboxOrg%2F${shared}/proof`,
          `/v1/entries/CreditOrg%2F${shared}`,
          `/v1/entries/CreditOrg%2F${shared}/proof`,
        ].sort(),
      );
    } finally {
      await close();
    }
  });

  test('a link with the bare id offers each organisation’s entry instead of failing', async () => {
    const { page, close } = await openConsoleTab(browser, gateway.url);
    try {
      await signIn(page, gateway.keys.regulator);
      await showPage(page, `#/entries/${shared}`);
      const choices = page.getByRole('list', { name: /多个机构/ }).getByRole('link');
      await choices.first().waitFor();
      expect((await choices.allInnerTexts()).sort()).toEqual(
        [`CreditOrg/${shared}`, `SandboxOrg/${shared}`].sort(),
      );
      await page.getByRole('link', { name: `CreditOrg/${shared}` }).click();
      expect(await shownEntry(page)).toContain(creditEntry.digest);
    } finally {
      await close();
    }
  });

  test('the evidence package of a search holds the searched organisation’s entry', async () => {
    const folder = join(gateway.dataDir, 'shared-ids-evidence');
    await mkdir(folder, { recursive: true });
    const { page, close } = await openConsoleTab(browser, gateway.url);
    try {
      await signIn(page, gateway.keys.regulator);
      await showPage(page, searchFor('kind', 'credit-change'));
      await page.locator('tbody tr').first().waitFor();
      const saved = page.waitForEvent('download');
      await page.getByRole('button', { name: '导出证据包' }).click();
      const file = join(folder, (await saved).suggestedFilename());
      await (await saved).saveAs(file);
      const evidence = JSON.parse(await readFile(file, 'utf8')) as {
        bundles: { canonicalEntry: string }[];
      };
      expect(evidence.bundles).toHaveLength(1);
      expect(evidence.bundles[0]?.canonicalEntry).toContain(creditEntry.digest);
    } finally {
      await close();
    }
  });
});
