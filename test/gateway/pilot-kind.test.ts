/**
 * Adding a kind takes its module and one registry line, nothing else: a throw-away kind,
 * site-inspection, written only under test/support/kinds, is recorded by the real gateway and
 * embedded ledger (commit thread included), found by its own index, verified and proven. Its
 * version 2 then arrives beside version 1, and every version-1 entry stays as it was.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { entryDigest } from '../../chaincode/src/index.js';
import {
  entriesPerDaySchema,
  entryPageSchema,
  entrySchema,
  kindCatalogueSchema,
} from '../../gateway/src/http/api-schemas.js';
import type { ProofBundle } from '../../verifier/src/proof-bundle.js';
import { trustFile } from '../../verifier/src/transparency/trust-file.js';
import { checkBundle } from '../../verifier/src/bundle-checks.js';
import { compileModules } from '../support/compiled-modules.js';
import { startTestGateway, type ErrorBody, type TestGateway } from '../support/gateway-server.js';

const KINDS = resolve(__dirname, '../support/kinds');
const inspectionV1 = {
  site: 'dc-futian-02',
  inspector: 'inspector-04',
  finding: '访客登记完整',
  occurredAt: '2026-04-01T10:00:00+08:00',
};
const inspectionV2 = {
  site: 'dc-futian-02',
  inspector: 'inspector-04',
  findings: [{ severity: 'major', note: '机柜未上锁' }],
  occurredAt: '2026-07-01T10:00:00+08:00',
};

let modules: string;
let dataDir: string;
let gateway: TestGateway;

beforeAll(async () => {
  modules = await compileModules(
    KINDS,
    ['pilot-v1.ts', 'pilot-v2.ts', 'site-inspection/v1.ts', 'site-inspection/v2.ts'].map((file) =>
      join(KINDS, file),
    ),
  );
  dataDir = await mkdtemp(join(tmpdir(), 'audit-pilot-kind-'));
});

afterAll(async () => {
  await gateway.close();
  await rm(dataDir, { recursive: true, force: true });
  await rm(modules, { recursive: true, force: true });
});

function write(body: unknown, key = gateway.keys['sandbox-writer']) {
  return gateway.request<ErrorBody>('POST', '/v1/entries', { key, body });
}

async function provenAndVerified(request: object, id: string): Promise<void> {
  const verified = await gateway.request<{ verified: boolean }>('POST', '/v1/verify', {
    key: gateway.keys.regulator,
    body: request,
  });
  expect(verified.body, verified.text).toMatchObject({ verified: true });
  const proof = await gateway.request<ProofBundle>('GET', `/v1/entries/${id}/proof`, {
    key: gateway.keys.regulator,
  });
  expect(proof.status, proof.text).toBe(200);
  const trust = trustFile.parse(JSON.parse(await readFile(join(dataDir, 'trust.json'), 'utf8')));
  expect(checkBundle(proof.body, trust).filter((check) => !check.ok)).toEqual([]);
}

describe('a kind added by its module alone', () => {
  test('is unknown to a gateway without it', async () => {
    gateway = await startTestGateway();
    const refused = await write({ kind: 'site-inspection', id: 'visit-0', payload: inspectionV1 });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details?.[0]?.path).toBe('kind');
    await gateway.close();
  });

  test('is recorded, found by its own index, verified and proven', async () => {
    gateway = await startTestGateway({
      DATA_DIR: dataDir,
      KINDS_MODULE: join(modules, 'pilot-v1.js'),
    });
    const request = { kind: 'site-inspection', id: 'visit-1', payload: inspectionV1 };
    const written = await write(request);
    expect(written.status, written.text).toBe(201);
    expect(entrySchema.parse(written.body)).toMatchObject({
      ...request,
      kindVersion: 1,
      stream: 'site:dc-futian-02',
    });
    const found = await gateway.request('GET', '/v1/entries?siteId=dc-futian-02', {
      key: gateway.keys.regulator,
    });
    expect(entryPageSchema.parse(found.body).items.map((entry) => entry.id)).toEqual(['visit-1']);
    await provenAndVerified(request, 'visit-1');

    const byCredit = await write(
      { kind: 'site-inspection', payload: inspectionV1 },
      gateway.keys['credit-writer'],
    );
    expect(byCredit.status).toBe(403);

    const catalogue = kindCatalogueSchema.parse(
      (await gateway.request('GET', '/v1/kinds', { key: gateway.keys.regulator })).body,
    );
    expect(catalogue.indexes).toContain('siteId');
    expect(catalogue.kinds.at(-1)).toMatchObject({
      kind: 'site-inspection',
      title: { 'zh-CN': '现场检查' },
      versions: [{ version: 1, writers: ['sandbox-writer'], indexes: ['siteId'] }],
    });
    const document = (
      await gateway.request<{
        components: { schemas: { EntryRequest: { oneOf: { title: string }[] } } };
      }>('GET', '/openapi.json')
    ).body;
    expect(document.components.schemas.EntryRequest.oneOf.map((item) => item.title)).toContain(
      'site-inspection v1',
    );
    const perDay = entriesPerDaySchema.parse(
      (
        await gateway.request('GET', '/v1/statistics/entries-per-day?days=1', {
          key: gateway.keys.regulator,
        })
      ).body,
    );
    expect(perDay.days[0]?.counts['site-inspection']).toBe(1);
    await gateway.close();
  });

  test('gains a version 2 beside version 1: old entries and old writers go on as before', async () => {
    gateway = await startTestGateway({
      DATA_DIR: dataDir,
      KINDS_MODULE: join(modules, 'pilot-v2.js'),
    });
    // Written under version 1 alone, read, found and proven unchanged now that 2 exists.
    const first = await gateway.request('GET', '/v1/entries/visit-1', {
      key: gateway.keys.regulator,
    });
    expect(entrySchema.parse(first.body)).toMatchObject({
      kind: 'site-inspection',
      kindVersion: 1,
    });
    await provenAndVerified(
      { kind: 'site-inspection', id: 'visit-1', payload: inspectionV1 },
      'visit-1',
    );

    // A writer that names no version still writes version 1.
    const unchanged = await write({
      kind: 'site-inspection',
      id: 'visit-2',
      payload: inspectionV1,
    });
    expect(unchanged.status, unchanged.text).toBe(201);
    expect(entrySchema.parse(unchanged.body).kindVersion).toBe(1);
    const oldShapeAsNew = await write({
      kind: 'site-inspection',
      kindVersion: 2,
      payload: inspectionV1,
    });
    expect(oldShapeAsNew.status).toBe(400);
    expect(oldShapeAsNew.body.error.details).toEqual([
      { path: 'payload.findings', message: 'is required' },
      { path: 'payload.finding', message: 'is not an allowed field' },
    ]);
    const future = await write({ kind: 'site-inspection', kindVersion: 3, payload: inspectionV2 });
    expect(future.body.error.details).toEqual([
      { path: 'kindVersion', message: 'must be one of 1, 2 for kind site-inspection' },
    ]);

    const request = {
      kind: 'site-inspection',
      kindVersion: 2,
      id: 'visit-3',
      payload: inspectionV2,
    };
    const written = await write(request);
    expect(written.status, written.text).toBe(201);
    const entry = entrySchema.parse(written.body);
    expect(entry.kindVersion).toBe(2);
    expect(entry.digest).toBe(entryDigest(request));
    expect(entry.digest).not.toBe(entryDigest({ ...request, kindVersion: 1 }));
    await provenAndVerified(request, 'visit-3');

    const found = await gateway.request('GET', '/v1/entries?stream=site:dc-futian-02', {
      key: gateway.keys.regulator,
    });
    expect(
      entryPageSchema.parse(found.body).items.map((item) => [item.id, item.kindVersion]),
    ).toEqual([
      ['visit-1', 1],
      ['visit-2', 1],
      ['visit-3', 2],
    ]);
  });
});
