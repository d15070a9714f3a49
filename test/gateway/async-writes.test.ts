import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { LedgerEntry } from '../../gateway/src/ledger/ledger.js';
import {
  TEST_LEDGER,
  startTestGateway,
  type ErrorBody,
  type TestGateway,
} from '../support/gateway-server.js';
import {
  RESIDENT_ID,
  algorithmUpload,
  creditChange,
  dataAccess,
} from '../support/sample-entries.js';

interface Accepted {
  id: string;
  status: string;
  entryId?: string;
  entryIds?: string[];
}

interface OperationBody {
  id: string;
  status: 'pending' | 'committed' | 'failed';
  httpStatus?: number;
  entry?: LedgerEntry;
  results?: { status: number; entry?: LedgerEntry; error?: { code: string } }[];
  error?: { code: string };
}

let gateway: TestGateway;
const ASYNC = { prefer: 'respond-async' };

beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway.close());

async function settled(
  location: string,
  key = gateway.keys['sandbox-writer'],
): Promise<OperationBody> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const response = await gateway.request<OperationBody>('GET', location, { key });
    expect(response.status).toBe(200);
    if (response.body.status !== 'pending' || Date.now() > deadline) {
      return response.body;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('Prefer: respond-async', () => {
  test('a write is accepted with 202 and a Location, then committed exactly as a synchronous one', async () => {
    const request = dataAccess();
    const response = await gateway.request<Accepted>('POST', '/v1/entries', {
      key: gateway.keys['sandbox-writer'],
      body: request,
      headers: ASYNC,
    });

    expect(response.status).toBe(202);
    expect(response.headers.get('preference-applied')).toBe('respond-async');
    expect(response.headers.get('location')).toBe(`/v1/operations/${response.body.id}`);
    expect(response.body).toMatchObject({ status: 'pending', entryId: request.id });

    const operation = await settled(`/v1/operations/${response.body.id}`);
    expect(operation).toMatchObject({
      status: 'committed',
      httpStatus: 201,
      entry: { id: request.id },
    });
    const read = await gateway.request('GET', `/v1/entries/${request.id}`, {
      key: gateway.keys.regulator,
    });
    expect(read.body).toEqual(operation.entry);
  });

  test('entries committed from the outbox are counted in the metrics', async () => {
    const metric = async () => {
      const text = await gateway.metrics();
      return Number(
        new RegExp(
          `audit_ledger_entries_committed_total\\{ledger="${TEST_LEDGER}",kind="algorithm-upload"\\} (\\d+)`,
        ).exec(text)?.[1] ?? 0,
      );
    };
    const before = await metric();
    const response = await gateway.request<Accepted>('POST', '/v1/entries', {
      key: gateway.keys['sandbox-writer'],
      body: algorithmUpload(),
      headers: ASYNC,
    });
    await settled(`/v1/operations/${response.body.id}`);

    expect(await metric()).toBe(before + 1);
  });

  test('a refused write is refused at once, with nothing queued', async () => {
    const before = (await gateway.request<{ outbox: { depth: number } }>('GET', '/readyz')).body
      .outbox.depth;
    const response = await gateway.request<ErrorBody>('POST', '/v1/entries', {
      key: gateway.keys['sandbox-writer'],
      body: dataAccess({}, { sessionId: RESIDENT_ID }),
      headers: ASYNC,
    });

    expect([response.status, response.body.error.code]).toEqual([400, 'PERSONAL_DATA']);
    expect(
      (await gateway.request<{ outbox: { depth: number } }>('GET', '/readyz')).body.outbox.depth,
    ).toBe(before);
  });

  test('an asynchronous batch reports each entry, the refused ones included', async () => {
    const requests = [dataAccess(), dataAccess({}, { action: 'delete' }), dataAccess()];
    const response = await gateway.request<Accepted>('POST', '/v1/entries/batch', {
      key: gateway.keys['sandbox-writer'],
      body: { entries: requests },
      headers: ASYNC,
    });

    expect(response.status).toBe(202);
    expect(response.body.entryIds).toEqual([requests[0]?.id, requests[2]?.id]);
    const operation = await settled(`/v1/operations/${response.body.id}`);
    expect(operation.status).toBe('committed');
    expect(operation.results?.map((result) => result.status)).toEqual([201, 400, 201]);
  });

  test('the same request accepted twice commits once: 201 then 200', async () => {
    const request = dataAccess();
    const first = await gateway.request<Accepted>('POST', '/v1/entries', {
      key: gateway.keys['sandbox-writer'],
      body: request,
      headers: ASYNC,
    });
    const second = await gateway.request<Accepted>('POST', '/v1/entries', {
      key: gateway.keys['sandbox-writer'],
      body: request,
      headers: ASYNC,
    });

    const outcomes = [
      await settled(`/v1/operations/${first.body.id}`),
      await settled(`/v1/operations/${second.body.id}`),
    ];
    expect(outcomes.map((operation) => operation.httpStatus).sort()).toEqual([200, 201]);
    expect(outcomes[0]?.entry).toEqual(outcomes[1]?.entry);
  });

  test('a write the contract refuses later fails its operation with the error', async () => {
    const used = dataAccess({ sourceSeq: 9001 });
    await gateway.request('POST', '/v1/entries', {
      key: gateway.keys['sandbox-writer'],
      body: used,
    });
    const response = await gateway.request<Accepted>('POST', '/v1/entries', {
      key: gateway.keys['sandbox-writer'],
      body: dataAccess({ sourceSeq: 9001 }),
      headers: ASYNC,
    });

    expect(await settled(`/v1/operations/${response.body.id}`)).toMatchObject({
      status: 'failed',
      error: { code: 'SEQ_EXISTS' },
    });
  });

  test('an operation is visible to its writer and to regulators, not to others', async () => {
    const response = await gateway.request<Accepted>('POST', '/v1/entries', {
      key: gateway.keys['credit-writer'],
      body: creditChange(),
      headers: ASYNC,
    });
    const location = `/v1/operations/${response.body.id}`;

    expect((await settled(location, gateway.keys['credit-writer'])).status).toBe('committed');
    expect((await gateway.request('GET', location, { key: gateway.keys.regulator })).status).toBe(
      200,
    );
    expect(
      (await gateway.request('GET', location, { key: gateway.keys['sandbox-writer'] })).status,
    ).toBe(404);
    expect(
      (await gateway.request('GET', '/v1/operations/no-such', { key: gateway.keys.regulator }))
        .status,
    ).toBe(404);
  });
});
