import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { LedgerEntry } from '../../gateway/src/ledger/ledger.js';
import { startTestGateway, type ErrorBody, type TestGateway } from '../support/gateway-server.js';
import { algorithmUpload, creditChange, dataAccess, unique } from '../support/sample-entries.js';

// Streams and references this file lists by: its own, on a ledger that keeps earlier runs.
const RACE_DATASET = unique('race-dataset');
const PAGED_DATASET = unique('paged-dataset');
const APPROVAL = unique('APR-LIST');
const RECORD = unique('CR-LIST');
const HIDDEN_RECORD = unique('CR-HIDDEN');

let gateway: TestGateway;
let sandbox: string;
let credit: string;
let regulator: string;

beforeAll(async () => {
  gateway = await startTestGateway();
  sandbox = gateway.keys['sandbox-writer'];
  credit = gateway.keys['credit-writer'];
  regulator = gateway.keys.regulator;
});
afterAll(() => gateway.close());

function post(key: string, body: unknown) {
  return gateway.request<LedgerEntry>('POST', '/v1/entries', { key, body });
}

interface Page {
  items: LedgerEntry[];
  nextCursor: string | null;
}

describe('POST /v1/entries', () => {
  test.each([
    ['data-access', () => dataAccess(), () => sandbox, 'SandboxOrg'],
    ['algorithm-upload', () => algorithmUpload(), () => sandbox, 'SandboxOrg'],
    ['credit-change', () => creditChange(), () => credit, 'CreditOrg'],
  ])(
    'records a %s entry: 201, Location, the committed entry',
    async (_kind, request, key, mspId) => {
      const sent = request();
      const response = await post(key(), sent);

      expect(response.status).toBe(201);
      expect(response.headers.get('location')).toBe(`/v1/entries/${sent.id}`);
      expect(response.body).toMatchObject({
        id: sent.id,
        kind: sent.kind,
        payload: sent.payload,
        digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) as unknown,
        txId: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown,
        blockNumber: expect.any(Number) as unknown,
        committedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/) as unknown,
        submitter: {
          mspId,
          role: expect.any(String) as unknown,
          name: expect.any(String) as unknown,
        },
      });
    },
  );

  test('without an id, the gateway assigns a UUIDv7', async () => {
    const { id: _omitted, ...withoutId } = dataAccess();
    const response = await post(sandbox, withoutId);

    expect(response.status).toBe(201);
    expect(response.body.id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  test('the same id and payload again answer 200 with the original entry', async () => {
    const sent = dataAccess({ sourceSeq: 1001 });
    const first = await post(sandbox, sent);
    const reordered = { payload: sent.payload, sourceSeq: 1001, kind: sent.kind, id: sent.id };
    const again = await post(sandbox, reordered);

    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
  });

  test('the same id with different content is 409 ENTRY_CONFLICT and changes nothing', async () => {
    const sent = dataAccess();
    const first = await post(sandbox, sent);
    const changed = await post(sandbox, {
      ...sent,
      payload: { ...sent.payload, action: 'export' },
    });

    expect(changed.status).toBe(409);
    expect((changed.body as unknown as ErrorBody).error.code).toBe('ENTRY_CONFLICT');
    const read = await gateway.request('GET', `/v1/entries/${sent.id}`, { key: regulator });
    expect(read.body).toEqual(first.body);
  });

  test('ids are each organisation’s own: another organisation’s use of an id reveals nothing', async () => {
    const sent = dataAccess();
    await post(sandbox, sent);
    const response = await post(credit, creditChange({ id: sent.id }));
    expect(response.status).toBe(201);

    const own = await gateway.request<LedgerEntry>('GET', `/v1/entries/${sent.id}`, {
      key: credit,
    });
    expect([own.status, own.body.kind]).toEqual([200, 'credit-change']);
    const theirs = await gateway.request<LedgerEntry>('GET', `/v1/entries/${sent.id}`, {
      key: sandbox,
    });
    expect([theirs.status, theirs.body.kind]).toEqual([200, 'data-access']);

    // A regulator sees both, and names the organisation to pick one.
    const ambiguous = await gateway.request<ErrorBody>('GET', `/v1/entries/${sent.id}`, {
      key: regulator,
    });
    expect(ambiguous.status).toBe(409);
    expect(ambiguous.body.error.code).toBe('ENTRY_AMBIGUOUS');
    expect(ambiguous.body.error.details?.map((detail) => detail.message).sort()).toEqual([
      `CreditOrg/${sent.id}`,
      `SandboxOrg/${sent.id}`,
    ]);
    const named = await gateway.request<LedgerEntry>(
      'GET',
      `/v1/entries/${encodeURIComponent(`SandboxOrg/${sent.id}`)}`,
      { key: regulator },
    );
    expect([named.status, named.body.kind]).toEqual([200, 'data-access']);
    const notTheirs = await gateway.request<ErrorBody>(
      'GET',
      `/v1/entries/${encodeURIComponent(`SandboxOrg/${sent.id}`)}`,
      { key: credit },
    );
    expect(notTheirs.status).toBe(404);
  });

  test('concurrent retries of one request commit exactly one entry', async () => {
    const sent = dataAccess({}, { dataset: { id: RACE_DATASET } });
    const responses = await Promise.all(Array.from({ length: 20 }, () => post(sandbox, sent)));

    expect(responses.map((response) => response.status).sort()).toEqual([
      ...Array<number>(19).fill(200),
      201,
    ]);
    expect(new Set(responses.map((response) => response.body.txId)).size).toBe(1);
    const listed = await gateway.request<{ items: LedgerEntry[] }>(
      'GET',
      `/v1/entries?stream=dataset:${RACE_DATASET}`,
      {
        key: regulator,
      },
    );
    expect(listed.body.items.map((entry) => entry.id)).toEqual([sent.id]);
  });

  test('a sourceSeq the source already used is 409 SEQ_EXISTS', async () => {
    await post(sandbox, dataAccess({ sourceSeq: 77 }));
    const response = await post(sandbox, dataAccess({ sourceSeq: 77 }));

    expect(response.status).toBe(409);
    expect((response.body as unknown as ErrorBody).error).toMatchObject({
      code: 'SEQ_EXISTS',
      details: [{ path: 'sourceSeq' }],
    });
  });

  test.each([
    ['a regulator', () => regulator, () => dataAccess()],
    ['a sandbox writer writing credit', () => sandbox, () => creditChange()],
    ['a credit writer writing data access', () => credit, () => dataAccess()],
  ])('%s is 403 FORBIDDEN', async (_case, key, request) => {
    const response = await post(key(), request());

    expect(response.status).toBe(403);
    expect((response.body as unknown as ErrorBody).error.code).toBe('FORBIDDEN');
  });
});

describe('GET /v1/entries/{id}', () => {
  test('returns the entry to its organisation and to regulators', async () => {
    const created = (await post(sandbox, dataAccess())).body;

    for (const key of [sandbox, regulator]) {
      const response = await gateway.request('GET', `/v1/entries/${created.id}`, { key });
      expect(response.status).toBe(200);
      expect(response.body).toEqual(created);
    }
  });

  test('another organisation’s entry is 404, like a missing one', async () => {
    const created = (await post(credit, creditChange())).body;

    const hidden = await gateway.request<ErrorBody>('GET', `/v1/entries/${created.id}`, {
      key: sandbox,
    });
    const missing = await gateway.request<ErrorBody>('GET', '/v1/entries/no-such-entry', {
      key: sandbox,
    });
    expect([hidden.status, missing.status]).toEqual([404, 404]);
    expect([hidden.body.error.code, missing.body.error.code]).toEqual(['NOT_FOUND', 'NOT_FOUND']);
  });

  test('an id that cannot exist is 400, not a server error', async () => {
    const response = await gateway.request<ErrorBody>(
      'GET',
      `/v1/entries/${encodeURIComponent('bad id!')}`,
      {
        key: regulator,
      },
    );
    expect(response.status).toBe(400);
  });
});

describe('GET /v1/entries', () => {
  test('pages through one stream in commit order with a cursor', async () => {
    const created: LedgerEntry[] = [];
    for (let index = 0; index < 7; index += 1) {
      created.push((await post(sandbox, dataAccess({}, { dataset: { id: PAGED_DATASET } }))).body);
    }
    const seen: LedgerEntry[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query = `/v1/entries?stream=dataset:${PAGED_DATASET}&limit=3${cursor === null ? '' : `&cursor=${cursor}`}`;
      const page: { status: number; body: Page } = await gateway.request<Page>('GET', query, {
        key: regulator,
      });
      expect(page.status).toBe(200);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor !== null);

    expect(pages).toBe(3);
    expect(seen).toEqual(created);
  });

  test('by kind within a time range, by source, by recordId and by approvalRef', async () => {
    const before = new Date().toISOString();
    const access = (
      await post(sandbox, dataAccess({}, { purpose: { scenarioId: 's', approvalRef: APPROVAL } }))
    ).body;
    const change = (await post(credit, creditChange({}, { recordId: RECORD }))).body;

    const byKind = await gateway.request<{ items: LedgerEntry[] }>(
      'GET',
      `/v1/entries?kind=credit-change&from=${encodeURIComponent(before)}`,
      { key: regulator },
    );
    expect(byKind.body.items.map((entry) => entry.id)).toEqual([change.id]);
    const bySource = await gateway.request<{ items: LedgerEntry[] }>(
      'GET',
      `/v1/entries?source=${encodeURIComponent(change.source)}&from=${encodeURIComponent(before)}`,
      { key: regulator },
    );
    expect(bySource.body.items).toEqual([change]);
    const byRecord = await gateway.request<{ items: LedgerEntry[] }>(
      'GET',
      `/v1/entries?recordId=${RECORD}`,
      {
        key: credit,
      },
    );
    expect(byRecord.body.items).toEqual([change]);
    const byApproval = await gateway.request<{ items: LedgerEntry[] }>(
      'GET',
      `/v1/entries?approvalRef=${APPROVAL}`,
      {
        key: sandbox,
      },
    );
    expect(byApproval.body.items).toEqual([access]);
  });

  test('a listing that matches nothing is an empty last page', async () => {
    // On a Fabric peer an empty range comes back without page metadata; it once failed here.
    const response = await gateway.request<Page>(
      'GET',
      `/v1/entries?stream=dataset:${unique('never-written')}`,
      { key: regulator },
    );
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ items: [], nextCursor: null });
  });

  test('a writer’s listing leaves out other organisations’ entries', async () => {
    await post(credit, creditChange({}, { recordId: HIDDEN_RECORD }));
    const response = await gateway.request<{ items: LedgerEntry[] }>(
      'GET',
      `/v1/entries?recordId=${HIDDEN_RECORD}`,
      {
        key: sandbox,
      },
    );
    expect(response.body.items).toEqual([]);
  });

  test.each([
    ['no index parameter', '', 'stream'],
    ['two index parameters', '?kind=data-access&stream=dataset:x', 'kind'],
    ['a limit over 500', '?kind=data-access&limit=501', 'limit'],
    ['an unknown parameter', '?kind=data-access&sort=desc', 'sort'],
    ['a bad time', '?kind=data-access&from=yesterday', 'from'],
    ['an unknown kind', '?kind=login', 'kind'],
    [
      'a cursor from elsewhere',
      `?kind=data-access&cursor=${Buffer.from('ix\u0000stream\u0000zzz').toString('base64url')}`,
      'cursor',
    ],
  ])('%s is 400 INVALID_QUERY naming the parameter', async (_case, query, path) => {
    const response = await gateway.request<ErrorBody>('GET', `/v1/entries${query}`, {
      key: regulator,
    });

    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('INVALID_QUERY');
    expect(response.body.error.details?.map((detail) => detail.path)).toContain(path);
  });
});
