import { afterEach, describe, expect, test } from 'vitest';
import type { LedgerEntry } from '../../gateway/src/ledger/ledger.js';
import { startTestGateway, type ErrorBody, type TestGateway } from '../support/gateway-server.js';
import { dataAccess } from '../support/sample-entries.js';

let gateway: TestGateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

async function postConcurrently(running: TestGateway, requests: unknown[]) {
  return Promise.all(
    requests.map((body) =>
      running.request<LedgerEntry & ErrorBody>('POST', '/v1/entries', {
        key: running.keys['sandbox-writer'],
        body,
      }),
    ),
  );
}

describe('coalescing concurrent single writes', () => {
  test('concurrent writes of one identity share transactions, each caller getting its own entry', async () => {
    gateway = await startTestGateway({ COALESCE_WINDOW_MS: '20' });
    const requests = Array.from({ length: 60 }, () => dataAccess());
    const responses = await postConcurrently(gateway, requests);

    expect(responses.map((response) => response.status)).toEqual(Array<number>(60).fill(201));
    expect(responses.map((response) => response.body.id)).toEqual(
      requests.map((request) => request.id),
    );
    const blocks = new Set(responses.map((response) => response.body.blockNumber));
    expect(blocks.size).toBeLessThan(10);
  });

  test('an entry the contract refuses fails alone; its neighbours in the transaction commit', async () => {
    // A window long enough that all four requests land in it even on a loaded machine.
    gateway = await startTestGateway({ COALESCE_WINDOW_MS: '500' });
    const requests = [
      dataAccess({ sourceSeq: 7 }),
      dataAccess(),
      dataAccess({ sourceSeq: 7 }),
      dataAccess(),
    ];
    const responses = await postConcurrently(gateway, requests);

    expect(responses.map((response) => response.status)).toEqual([201, 201, 409, 201]);
    expect(responses[2]?.body.error).toMatchObject({
      code: 'SEQ_EXISTS',
      details: [{ path: 'sourceSeq' }],
    });
    const committed = responses.filter((response) => response.status === 201);
    expect(new Set(committed.map((response) => response.body.txId)).size).toBe(1);
  });

  test('concurrent retries of one id still commit once: one 201, the rest 200', async () => {
    gateway = await startTestGateway({ COALESCE_WINDOW_MS: '20' });
    const request = dataAccess();
    const responses = await postConcurrently(gateway, Array<unknown>(15).fill(request));

    expect(responses.map((response) => response.status).sort()).toEqual([
      ...Array<number>(14).fill(200),
      201,
    ]);
  });

  test('with COALESCE_MAX_ENTRIES=1 every write is its own transaction', async () => {
    gateway = await startTestGateway({ COALESCE_MAX_ENTRIES: '1' });
    const responses = await postConcurrently(
      gateway,
      Array.from({ length: 10 }, () => dataAccess()),
    );

    expect(new Set(responses.map((response) => response.body.txId)).size).toBe(10);
  });

  test('the batch endpoint sends its entries in transactions of BATCH_TRANSACTION_SIZE', async () => {
    gateway = await startTestGateway({ BATCH_TRANSACTION_SIZE: '4' });
    const response = await gateway.request<{ results: { status: number; entry: LedgerEntry }[] }>(
      'POST',
      '/v1/entries/batch',
      {
        key: gateway.keys['sandbox-writer'],
        body: { entries: Array.from({ length: 10 }, () => dataAccess()) },
      },
    );

    expect(response.body.results.map((result) => result.status)).toEqual(
      Array<number>(10).fill(201),
    );
    const perTransaction = new Map<string, number>();
    for (const { entry } of response.body.results) {
      perTransaction.set(entry.txId, (perTransaction.get(entry.txId) ?? 0) + 1);
    }
    expect([...perTransaction.values()]).toEqual([4, 4, 2]);
  });
});
