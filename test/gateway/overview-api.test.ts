/**
 * What the console's overview and person lookup ask of the gateway: entries per district day by
 * kind, over only what the caller may read; and a subject's trail from a number that never
 * comes back, never reaches a log, and never travels in a URL.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { standardKinds } from '../../chaincode/src/index.js';
import type { RecordedEntry } from '../../gateway/src/ledger/ledger.js';
import { startTestGateway, type ErrorBody, type TestGateway } from '../support/gateway-server.js';
import {
  CREDIT_CODE,
  RESIDENT_ID,
  algorithmUpload,
  creditChange,
  dataAccess,
} from '../support/sample-entries.js';

interface EntriesPerDay {
  timeZone: string;
  days: { date: string; counts: Record<string, number> }[];
  complete: boolean;
}

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway();
});

afterAll(() => gateway.close());

const districtToday = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

async function perDay(key: string, query = ''): Promise<EntriesPerDay> {
  const answer = await gateway.request<EntriesPerDay>(
    'GET',
    `/v1/statistics/entries-per-day${query}`,
    { key },
  );
  expect(answer.status).toBe(200);
  return answer.body;
}

describe('GET /v1/statistics/entries-per-day', () => {
  test('counts today’s entries by kind, over the last 14 district days by default', async () => {
    const before = await perDay(gateway.keys.regulator);
    const sandbox = gateway.keys['sandbox-writer'];
    for (const body of [dataAccess(), dataAccess(), algorithmUpload()]) {
      expect((await gateway.request('POST', '/v1/entries', { key: sandbox, body })).status).toBe(
        201,
      );
    }
    const credit = gateway.keys['credit-writer'];
    expect(
      (await gateway.request('POST', '/v1/entries', { key: credit, body: creditChange() })).status,
    ).toBe(201);

    const after = await perDay(gateway.keys.regulator);
    expect(after.timeZone).toBe('Asia/Shanghai');
    expect(after.days).toHaveLength(14);
    expect(after.days.at(-1)?.date).toBe(districtToday());
    const dates = after.days.map((day) => day.date);
    expect([...dates].sort()).toEqual(dates);
    const today = (counts: EntriesPerDay) => counts.days.at(-1)?.counts ?? {};
    const added: Record<string, number> = {
      'data-access': 2,
      'algorithm-upload': 1,
      'credit-change': 1,
    };
    // Every kind is counted, those with no entry today as 0.
    expect(today(after)).toEqual(
      Object.fromEntries(
        standardKinds.kinds.map((kind) => [kind, (today(before)[kind] ?? 0) + (added[kind] ?? 0)]),
      ),
    );
    expect(after.complete).toBe(true);
  });

  test('a writer’s counts hold only what it may read', async () => {
    const sandbox = await perDay(gateway.keys['sandbox-writer'], '?days=1');
    const regulator = await perDay(gateway.keys.regulator, '?days=1');
    expect(sandbox.days).toHaveLength(1);
    expect(sandbox.days[0]?.counts['credit-change']).toBe(0);
    expect(regulator.days[0]?.counts['credit-change']).toBeGreaterThan(0);
  });

  test.each([
    ['?days=0', 'days'],
    ['?days=32', 'days'],
    ['?days=two', 'days'],
    ['?days=1.5', 'days'],
    ['?day=3', 'day'],
  ])('%s is 400 INVALID_QUERY naming %s', async (query, path) => {
    const answer = await gateway.request<ErrorBody>(
      'GET',
      `/v1/statistics/entries-per-day${query}`,
      { key: gateway.keys.regulator },
    );
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('INVALID_QUERY');
    expect(answer.body.error.details?.[0]?.path).toBe(path);
  });
});

describe('POST /v1/subjects/lookup', () => {
  test('gives the stream a credit change for that number was written to, in any spelling', async () => {
    const written = await gateway.request<RecordedEntry>('POST', '/v1/entries', {
      key: gateway.keys['credit-writer'],
      body: creditChange({}, { subject: { type: 'person', idNumber: RESIDENT_ID } }),
    });
    expect(written.status).toBe(201);
    const spaced = `${RESIDENT_ID.slice(0, 6)} ${RESIDENT_ID.slice(6, 14)} ${RESIDENT_ID.slice(14).toLowerCase()}`;
    for (const idNumber of [RESIDENT_ID, spaced]) {
      for (const key of [gateway.keys.regulator, gateway.keys['credit-writer']]) {
        const found = await gateway.request<{ stream: string; subject: { ref: string } }>(
          'POST',
          '/v1/subjects/lookup',
          { key, body: { idNumber } },
        );
        expect(found.status).toBe(200);
        expect(found.body.stream).toBe(written.body.stream);
        expect(found.body.stream).toBe(`subject:${found.body.subject.ref}`);
        expect(JSON.stringify(found.body)).not.toContain(RESIDENT_ID);
      }
    }
    expect(gateway.logs.some((line) => line.includes(RESIDENT_ID))).toBe(false);
  });

  test('a company’s credit code works too, and differs from a person’s number', async () => {
    const [company, person] = await Promise.all(
      [CREDIT_CODE, RESIDENT_ID].map((idNumber) =>
        gateway.request<{ stream: string }>('POST', '/v1/subjects/lookup', {
          key: gateway.keys.regulator,
          body: { idNumber },
        }),
      ),
    );
    expect(company?.status).toBe(200);
    expect(company?.body.stream).not.toBe(person?.body.stream);
  });

  test('the sandbox’s systems may not look subjects up', async () => {
    const answer = await gateway.request<ErrorBody>('POST', '/v1/subjects/lookup', {
      key: gateway.keys['sandbox-writer'],
      body: { idNumber: RESIDENT_ID },
    });
    expect([answer.status, answer.body.error.code]).toEqual([403, 'FORBIDDEN']);
  });

  test.each([
    [{ idNumber: '110105194912310021' }, 'idNumber', 'a number whose check character is wrong'],
    [{ idNumber: '' }, 'idNumber', 'an empty number'],
    [{}, 'idNumber', 'no number'],
    [{ idNumber: RESIDENT_ID, name: '张三' }, 'name', 'a field it does not know'],
  ])('%j is 400 INVALID_ARGUMENT (%s): %s', async (body: object, path: string, _case: string) => {
    const answer = await gateway.request<ErrorBody>('POST', '/v1/subjects/lookup', {
      key: gateway.keys.regulator,
      body,
    });
    expect([answer.status, answer.body.error.code]).toEqual([400, 'INVALID_ARGUMENT']);
    expect(answer.body.error.details?.[0]?.path).toBe(path);
    expect(JSON.stringify(answer.body)).not.toContain('110105194912310021');
  });
});
