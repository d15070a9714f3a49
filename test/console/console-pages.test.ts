/**
 * The console's pages beyond search, in a real browser against a real gateway: the overview,
 * a trail with a gap and a reversal where they are, checkpoints remembered across visits and an
 * alarm when history is rewritten, a person found by number without the number travelling in
 * a URL, and exports the command line verifies.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { standardKinds } from '../../chaincode/src/index.js';
import type { LedgerEntry } from '../../gateway/src/ledger/ledger.js';
import { startTestGateway, type TestGateway } from '../support/gateway-server.js';
import { runGatewayProgram } from '../support/processes.js';
import { rewriteHistory } from '../support/rewrite-history.js';
import { RESIDENT_ID, creditChange, dataAccess, unique } from '../support/sample-entries.js';
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
const dataset = unique('city-mgmt/console-trail');
const trail: LedgerEntry[] = [];
const SOURCE = 'SandboxOrg/dev-sandbox-writer';
const federatedJob = unique('fl-elderly-care');
let round: LedgerEntry;

async function write(body: unknown, key = gateway.keys['sandbox-writer']): Promise<LedgerEntry> {
  const written = await gateway.request<LedgerEntry>('POST', '/v1/entries', { key, body });
  expect(written.status).toBe(201);
  return written.body;
}

beforeAll(async () => {
  gateway = await startTestGateway();
  // Number 3 never arrives, and 5 arrives after 6: a gap and a reversal in one trail.
  for (const sourceSeq of [1, 2, 4, 6, 5]) {
    trail.push(await write(dataAccess({ sourceSeq }, { dataset: { id: dataset } })));
  }
  // A kind the console has no code of its own for: it learns every kind from GET /v1/kinds.
  const example = standardKinds.find('federated-round', 1)?.examples[0]?.payload as {
    job: object;
  };
  round = await write({
    kind: 'federated-round',
    payload: { ...example, job: { ...example.job, id: federatedJob } },
  });
  browser = await launchBrowser();
  await mkdir(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await browser.close();
  await gateway.close();
});

const openConsole = (options: { bypassCSP?: boolean } = {}) =>
  openConsoleTab(browser, gateway.url, options);

async function loadTrust(page: Page, dataDir = gateway.dataDir) {
  await page.getByLabel('载入信任文件').setInputFiles(join(dataDir, 'trust.json'));
  await page.getByTestId('trust-fingerprint').waitFor();
}

async function download(page: Page, button: string, folder: string): Promise<string> {
  const saved = page.waitForEvent('download');
  await page.getByRole('button', { name: button }).click();
  const file = join(folder, (await saved).suggestedFilename());
  await (await saved).saveAs(file);
  return file;
}

describe('the console’s pages', () => {
  test('the overview: height, checkpoint, outbox and entries per day by kind', async () => {
    const { page, close } = await openConsole();
    try {
      await signIn(page, gateway.keys.regulator);
      await page.getByRole('heading', { name: '概览' }).waitFor();
      await page.getByTestId('per-day-table').waitFor();
      expect(Number(await page.getByTestId('ledger-height').innerText())).toBeGreaterThanOrEqual(
        trail.length,
      );
      expect(await page.getByTestId('outbox-depth').innerText()).toBe('0');
      const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
      const row = await page.getByRole('row', { name: new RegExp(today) }).innerText();
      // A column for each kind with entries in the fortnight, named as GET /v1/kinds names it.
      const header = await page.getByTestId('per-day-table').locator('thead').innerText();
      expect(header.split(/\t/).map((cell) => cell.trim())).toEqual([
        '日期',
        '数据访问',
        '联邦学习轮次',
      ]);
      expect(row.split(/\s+/)).toEqual([today, String(trail.length), '1']);
      expect(await page.getByRole('img', { name: /每日记录数/ }).count()).toBe(1);
      await page.screenshot({ path: join(SCREENSHOTS, 'console-overview.png'), fullPage: true });
    } finally {
      await close();
    }
  });

  test('a kind added to the ledger is named, searched and shown from what the gateway says', async () => {
    const { page, close } = await openConsole();
    try {
      await signIn(page, gateway.keys.regulator);
      await page.getByRole('link', { name: '检索' }).click();
      await page.getByLabel('检索方式').selectOption({ label: '联邦学习任务' });
      await page.getByLabel('检索值').fill(federatedJob);
      await page.getByRole('button', { name: '检索' }).click();
      const rows = page.locator('tbody tr');
      await rows.first().waitFor();
      expect(await rows.count()).toBe(1);
      expect(await rows.first().innerText()).toContain('联邦学习轮次');
      await page.getByRole('link', { name: round.id }).click();
      await page.getByRole('heading', { name: '审计记录' }).waitFor();
      expect(await page.getByText('联邦学习轮次 (版本 1)').count()).toBe(1);
      expect(await page.getByText(`federation:${federatedJob}`).count()).toBeGreaterThan(0);
    } finally {
      await close();
    }
  });

  test('a trail shows the missing number between its neighbours, and the reversal', async () => {
    const { page, close } = await openConsole();
    try {
      await signIn(page, gateway.keys.regulator);
      await page.getByRole('link', { name: '轨迹' }).click();
      await page.getByLabel('检索值').fill(dataset);
      await page.getByRole('button', { name: '显示轨迹' }).click();
      await page.getByTestId('trail-verdict').waitFor();
      expect(await page.getByTestId('trail-verdict').innerText()).toBe('轨迹不完整');

      const rows = await page.locator('.timeline li').allInnerTexts();
      const gapAt = rows.findIndex((row) => row.includes('缺号'));
      expect(rows[gapAt]).toContain(`${SOURCE} #3`);
      expect(rows[gapAt - 1]).toContain('#2');
      expect(rows[gapAt + 1]).toContain('#4');
      const reversal = await page.getByTestId('trail-reversal').innerText();
      expect(reversal).toContain(trail[4]?.id ?? 'the fifth entry');
      expect(reversal).toContain('#6');
      await page.screenshot({ path: join(SCREENSHOTS, 'console-trail.png'), fullPage: true });
    } finally {
      await close();
    }
  });

  test('checkpoints: remembered when verified, and an alarm when history was rewritten', async () => {
    const own = await startTestGateway();
    const { page, close } = await openConsoleTab(browser, own.url);
    const writeOwn = async () => {
      const written = await own.request('POST', '/v1/entries', {
        key: own.keys['sandbox-writer'],
        body: dataAccess(),
      });
      expect(written.status).toBe(201);
    };
    try {
      await writeOwn();
      await writeOwn();
      await signIn(page, own.keys.regulator);
      await showPage(page, '#/checkpoints');
      await loadTrust(page, own.dataDir);
      const status = page.getByTestId('history-status');
      await status.waitFor();
      expect(await status.innerText()).toContain('首次核验');

      await writeOwn();
      await showPage(page, '#/overview');
      await showPage(page, '#/checkpoints');
      await page.getByText('此前所见区块数').waitFor();
      expect(await status.innerText()).toContain('一致');

      rewriteHistory(own.dataDir);
      await writeOwn();
      await showPage(page, '#/overview');
      await showPage(page, '#/checkpoints');
      const alarm = page.getByTestId('history-alarm');
      await alarm.waitFor();
      expect(await alarm.getAttribute('role')).toBe('alert');
      expect(await alarm.innerText()).toContain('警报');
      const failed = (await page.locator('.checklist li.failed').allInnerTexts()).join('\n');
      expect(failed).toContain('CONSISTENCY_PROOF');
      await page.screenshot({
        path: join(SCREENSHOTS, 'console-checkpoint-alarm.png'),
        fullPage: true,
      });
    } finally {
      await close();
      await own.close();
    }
  });

  test('when the gateway goes away, each page says so rather than waiting for ever', async () => {
    const own = await startTestGateway();
    let stopped = false;
    const { page, close } = await openConsoleTab(browser, own.url);
    try {
      const written = await own.request<LedgerEntry>('POST', '/v1/entries', {
        key: own.keys['sandbox-writer'],
        body: dataAccess(),
      });
      await signIn(page, own.keys.regulator);
      await showPage(page, '#/checkpoints');
      await loadTrust(page, own.dataDir);
      await page.getByTestId('history-status').waitFor();
      // A stored checkpoint this console did not write is as if none had been seen.
      await page.evaluate(
        (origin) => {
          (globalThis as unknown as InPage).localStorage.setItem(
            `audit-console.checkpoint:${origin}`,
            'not json',
          );
        },
        (
          JSON.parse(await readFile(join(own.dataDir, 'trust.json'), 'utf8')) as {
            checkpoints: { origin: string };
          }
        ).checkpoints.origin,
      );
      await showPage(page, '#/overview');
      await showPage(page, '#/checkpoints');
      await page.getByText('首次核验').waitFor();

      await own.close();
      stopped = true;
      await showPage(page, '#/overview');
      await page.locator('.card .error').nth(2).waitFor();
      await page.getByRole('alert').waitFor();
      await showPage(page, '#/checkpoints');
      await page.getByRole('alert').waitFor();
      expect(await page.getByRole('alert').innerText()).toContain('请求失败');
      await showPage(page, `#/entries/${written.body.id}`);
      await page.getByRole('alert').waitFor();
    } finally {
      await close();
      if (!stopped) {
        await own.close();
      }
    }
  });

  test('an erased credit change shows who erased it and why, no details, and still verifies', async () => {
    const recordId = unique('CR-console-erased');
    const written = await write(
      creditChange(
        { erasableAfter: '2021-06-30T00:00:00+08:00' },
        { recordId, change: 'revoke', before: `sha256:${'a1'.repeat(32)}`, after: undefined },
      ),
      gateway.keys['credit-writer'],
    );
    const name = encodeURIComponent(`CreditOrg/${written.id}`);
    const erased = await gateway.request('POST', `/v1/entries/${name}/erase`, {
      key: gateway.keys.regulator,
      body: { reason: '不良信息保存期限届满', legalBasis: '《征信业管理条例》第十六条' },
    });
    expect(erased.status, erased.text).toBe(201);
    // The accessibility check injects axe, which the console's CSP would refuse.
    const { page, close } = await openConsole({ bypassCSP: true });
    try {
      await signIn(page, gateway.keys.regulator);
      await showPage(page, `#/entries/${name}`);
      await page.getByRole('heading', { name: '内容已依法删除' }).waitFor();
      const shown = await page.locator('article').innerText();
      expect(shown).toContain('不良信息保存期限届满');
      expect(shown).toContain('《征信业管理条例》第十六条');
      expect(shown).toContain(written.digest);
      expect(shown).not.toContain(recordId);
      expect(await page.getByRole('heading', { name: '内容', exact: true }).count()).toBe(0);

      await loadTrust(page);
      await page.getByRole('button', { name: '核验', exact: true }).click();
      const verdict = page.getByTestId('verdict');
      await verdict.waitFor();
      expect(await verdict.innerText()).toMatch(/^VERIFIED/);
      expect(await seriousViolations(page)).toEqual([]);
    } finally {
      await close();
    }
  });

  test('a person is found by number; the number is in no URL and kept nowhere', async () => {
    const subjectEntry = await write(
      creditChange({}, { subject: { type: 'person', idNumber: RESIDENT_ID } }),
      gateway.keys['credit-writer'],
    );
    const { page, requested, close } = await openConsole();
    try {
      await signIn(page, gateway.keys.regulator);
      await page.getByRole('link', { name: '检索' }).click();
      await page.getByLabel(/身份证号/).fill(RESIDENT_ID);
      await page.getByRole('button', { name: '查找' }).click();
      await page.getByRole('link', { name: subjectEntry.id }).waitFor();
      expect(await page.getByLabel(/身份证号/).inputValue()).toBe('');
      const kept = await page.evaluate(() => {
        const { sessionStorage, localStorage } = globalThis as unknown as InPage;
        return JSON.stringify([sessionStorage, localStorage]);
      });
      expect(kept).not.toContain(RESIDENT_ID);
      expect(page.url()).not.toContain(RESIDENT_ID);
      expect(requested.some((url) => url.includes(RESIDENT_ID))).toBe(false);
      expect(gateway.logs.some((line) => line.includes(RESIDENT_ID))).toBe(false);
    } finally {
      await close();
    }

    const sandbox = await openConsole();
    try {
      await signIn(sandbox.page, gateway.keys['sandbox-writer']);
      await sandbox.page.getByRole('link', { name: '检索' }).click();
      await sandbox.page.getByRole('heading', { name: '检索审计记录' }).waitFor();
      expect(await sandbox.page.getByLabel(/身份证号/).count()).toBe(0);
      const offered = await sandbox.page.getByLabel('检索方式').locator('option').allInnerTexts();
      expect(offered).not.toContain('信用主体');
    } finally {
      await sandbox.close();
    }
  });

  test('exports: the search as CSV, and an evidence package the command line verifies', async () => {
    const folder = join(gateway.dataDir, 'exports');
    await mkdir(folder, { recursive: true });
    const { page, close } = await openConsole();
    try {
      await signIn(page, gateway.keys.regulator);
      await page.getByRole('link', { name: '检索' }).click();
      await page.getByLabel('检索值').fill(dataset);
      await page.getByRole('button', { name: '检索', exact: true }).click();
      await page.locator('tbody tr').first().waitFor();

      const csv = await readFile(await download(page, '导出 CSV', folder), 'utf8');
      const lines = csv.trimEnd().split('\r\n');
      expect(lines[0]).toBe(
        '\uFEFFcommittedAt,kind,id,stream,source,sourceSeq,digest,submitter,blockNumber,txId,payload',
      );
      expect(lines).toHaveLength(trail.length + 1);
      for (const entry of trail) {
        expect(csv).toContain(
          `${entry.id},dataset:${dataset},${SOURCE},${String(entry.sourceSeq)}`,
        );
      }

      const evidence = await download(page, '导出证据包', folder);
      const trust = join(gateway.dataDir, 'trust.json');
      const verified = await runGatewayProgram('cli/audit-ledger.js', [
        'verify',
        evidence,
        '--trust',
        trust,
      ]);
      expect(verified.stdout).toContain(`${String(trail.length)} entries, 0 not verified`);
      expect([verified.code, verified.stdout.trimEnd().split('\n').at(-1)]).toEqual([
        0,
        'VERIFIED',
      ]);

      const tampered = join(folder, 'tampered-evidence.json');
      await writeFile(
        tampered,
        (await readFile(evidence, 'utf8')).replace('"outcome": "granted"', '"outcome": "denied"'),
      );
      const refused = await runGatewayProgram('cli/audit-ledger.js', [
        'verify',
        tampered,
        '--trust',
        trust,
      ]);
      expect(refused.code).toBe(1);
      expect(refused.stdout).toContain('[ENTRY_DIGEST]');
      expect(refused.stdout).toContain('1 not verified');
    } finally {
      await close();
    }
  });

  test('no serious accessibility violations on the overview, trail, checkpoint and verify pages', async () => {
    const { page, close } = await openConsole({ bypassCSP: true });
    const violations = () => seriousViolations(page);
    try {
      await signIn(page, gateway.keys.regulator);
      await page.getByTestId('per-day-table').waitFor();
      expect(await violations()).toEqual([]);
      await showPage(
        page,
        `#/trail?${new URLSearchParams({ by: 'dataset', value: dataset }).toString()}`,
      );
      await page.getByTestId('trail-verdict').waitFor();
      expect(await violations()).toEqual([]);
      await showPage(page, '#/checkpoints');
      await loadTrust(page);
      await page.getByTestId('history-status').waitFor();
      expect(await violations()).toEqual([]);
      await showPage(page, '#/verify');
      await page.getByRole('heading', { name: '核验证明包' }).waitFor();
      expect(await violations()).toEqual([]);
    } finally {
      await close();
    }
  });
});
