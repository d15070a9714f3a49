import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { LedgerEntry } from '../../gateway/src/ledger/ledger.js';
import { startTestGateway, type TestGateway } from '../support/gateway-server.js';
import {
  RESIDENT_ID,
  algorithmUpload,
  creditChange,
  dataAccess,
  findingClosure,
} from '../support/sample-entries.js';

type BatchResult =
  | { status: 200 | 201; entry: LedgerEntry }
  | { status: number; error: { code: string; details?: { path: string }[] } };

let gateway: TestGateway;
let sandbox: string;

beforeAll(async () => {
  gateway = await startTestGateway();
  sandbox = gateway.keys['sandbox-writer'];
});
afterAll(() => gateway.close());

function postBatch(entries: unknown, key = sandbox) {
  return gateway.request<{ results: BatchResult[] }>('POST', '/v1/entries/batch', {
    key,
    body: { entries },
  });
}

function summary(results: BatchResult[]) {
  return results.map((result) =>
    'error' in result ? `${result.status} ${result.error.code}` : result.status,
  );
}

describe('POST /v1/entries/batch', () => {
  test('valid entries commit together in one transaction, in request order', async () => {
    const requests = [dataAccess(), algorithmUpload(), dataAccess()];
    const response = await postBatch(requests);

    expect(response.status).toBe(200);
    expect(summary(response.body.results)).toEqual([201, 201, 201]);
    const entries = response.body.results.map((result) =>
      'entry' in result ? result.entry : undefined,
    );
    expect(entries.map((entry) => entry?.id)).toEqual(requests.map((request) => request.id));
    expect(new Set(entries.map((entry) => entry?.txId)).size).toBe(1);
  });

  test('invalid entries are refused one by one; their neighbours commit', async () => {
    const response = await postBatch([
      dataAccess(),
      dataAccess({}, { action: 'delete' }),
      creditChange(),
      dataAccess({}, { sessionId: RESIDENT_ID }),
      dataAccess({ sourceSeq: 5001 }),
      dataAccess({ sourceSeq: 5001 }),
      algorithmUpload(),
    ]);

    expect(summary(response.body.results)).toEqual([
      201,
      '400 INVALID_ENTRY',
      '403 FORBIDDEN',
      '400 PERSONAL_DATA',
      201,
      '409 SEQ_EXISTS',
      201,
    ]);
    const invalid = response.body.results[1];
    expect(invalid !== undefined && 'error' in invalid && invalid.error.details?.[0]?.path).toBe(
      'payload.action',
    );
    const reused = response.body.results[5];
    expect(reused !== undefined && 'error' in reused && reused.error.details?.[0]?.path).toBe(
      'sourceSeq',
    );
  });

  test('ids already recorded: identical is 200, different is 409', async () => {
    const first = dataAccess();
    const second = dataAccess();
    await postBatch([first, second]);

    const response = await postBatch([
      first,
      { ...second, payload: { ...second.payload, action: 'export' } },
      dataAccess(),
    ]);
    expect(summary(response.body.results)).toEqual([200, '409 ENTRY_CONFLICT', 201]);
  });

  test('an id repeated inside one batch: the first commits, an identical repeat is 200, a different one 409', async () => {
    const original = dataAccess();
    const response = await postBatch([
      original,
      original,
      { ...original, payload: { ...original.payload, outcome: 'error', reason: 'timeout' } },
    ]);

    expect(summary(response.body.results)).toEqual([201, 200, '409 ENTRY_CONFLICT']);
  });

  test.each([
    ['no entries', []],
    ['1,001 entries', Array.from({ length: 1001 }, () => ({}))],
  ])('%s is 400', async (_case, entries) => {
    const response = await postBatch(entries);
    expect(response.status).toBe(400);
  });

  test('a regulator’s batch commits its finding closures; every other kind is refused with 403', async () => {
    const requests = [dataAccess(), findingClosure(), creditChange()];
    const response = await postBatch(requests, gateway.keys.regulator);

    expect(response.status).toBe(200);
    expect(summary(response.body.results)).toEqual(['403 FORBIDDEN', 201, '403 FORBIDDEN']);
    const reads = await Promise.all(
      requests.map(
        async (request) =>
          (
            await gateway.request('GET', `/v1/entries/${request.id}`, {
              key: gateway.keys.regulator,
            })
          ).status,
      ),
    );
    expect(reads).toEqual([404, 200, 404]);
  });
});
