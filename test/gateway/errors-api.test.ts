import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestGateway, type ErrorBody, type TestGateway } from '../support/gateway-server.js';
import { dataAccess } from '../support/sample-entries.js';

let gateway: TestGateway;
let sandbox: string;

beforeAll(async () => {
  gateway = await startTestGateway();
  sandbox = gateway.keys['sandbox-writer'];
});
afterAll(() => gateway.close());

function expectError(response: { status: number; body: unknown }, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.body).toMatchObject({ error: { code, message: expect.any(String) as unknown } });
  return (response.body as ErrorBody).error;
}

describe('authentication', () => {
  test.each([
    ['no Authorization header', {}],
    ['an unknown key', { authorization: 'Bearer alk_not-a-key' }],
    ['another scheme', { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }],
    ['an empty bearer', { authorization: 'Bearer ' }],
  ])('%s is 401 UNAUTHENTICATED with a Bearer challenge', async (_case, headers) => {
    const response = await gateway.request('GET', '/v1/entries?kind=data-access', { headers });

    expectError(response, 401, 'UNAUTHENTICATED');
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
  });

  test('an unauthenticated write is refused before its body is read', async () => {
    const response = await gateway.request('POST', '/v1/entries', { rawBody: '{not json' });
    expectError(response, 401, 'UNAUTHENTICATED');
  });
});

describe('bad input gets a clear 4xx and changes nothing', () => {
  test('malformed JSON is 400 MALFORMED_JSON, without echoing the body', async () => {
    const response = await gateway.request('POST', '/v1/entries', {
      key: sandbox,
      rawBody: '{"kind": "data-access", "secret": 11010519491231002X',
    });

    expectError(response, 400, 'MALFORMED_JSON');
    expect(response.text).not.toContain('11010519491231002X');
  });

  test.each([
    ['a lone continuation byte', [0x80]],
    ['a truncated two-byte sequence', [0xc3]],
    ['an overlong encoding of "/"', [0xc0, 0xaf]],
    ['a UTF-16 surrogate encoded as UTF-8', [0xed, 0xa0, 0x80]],
  ])(
    'a body with invalid UTF-8 (%s) is 400 MALFORMED_JSON, and nothing is stored',
    async (_case, bytes) => {
      const id = `utf8-${bytes.join('-')}`;
      // A valid request, but for the bytes inside one of its strings.
      const [before, after] = JSON.stringify(dataAccess({ id }, { sessionId: 'sess-@' })).split(
        '@',
      );
      const body = Buffer.concat([
        Buffer.from(before ?? ''),
        Buffer.from(bytes),
        Buffer.from(after ?? ''),
      ]);
      const response = await fetch(`${gateway.url}/v1/entries`, {
        method: 'POST',
        headers: { authorization: `Bearer ${sandbox}`, 'content-type': 'application/json' },
        body,
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as ErrorBody).error.code).toBe('MALFORMED_JSON');
      const read = await gateway.request('GET', `/v1/entries/${id}`, {
        key: gateway.keys.regulator,
      });
      expect(read.status).toBe(404);
    },
  );

  test('a time without an offset says that the offset is what is missing', async () => {
    const write = await gateway.request<ErrorBody>('POST', '/v1/entries', {
      key: sandbox,
      body: dataAccess({}, { occurredAt: '2026-03-01T09:00:00' }),
    });
    expectError(write, 400, 'INVALID_ENTRY');
    expect(write.body.error.details).toEqual([
      {
        path: 'payload.occurredAt',
        message:
          'must be an RFC 3339 date-time with an offset (Z or ±hh:mm), e.g. 2026-03-01T09:00:00+08:00',
      },
    ]);
    const list = await gateway.request<ErrorBody>(
      'GET',
      '/v1/entries?kind=data-access&from=2026-03-01T09:00:00',
      { key: sandbox },
    );
    expectError(list, 400, 'INVALID_QUERY');
    expect(list.body.error.details?.[0]?.message).toMatch(/with an offset \(Z or ±hh:mm\)/);
  });

  test('a body over 1 MiB is 413 PAYLOAD_TOO_LARGE', async () => {
    const response = await gateway.request('POST', '/v1/entries', {
      key: sandbox,
      rawBody: JSON.stringify({ filler: 'x'.repeat(1024 * 1024) }),
    });
    expectError(response, 413, 'PAYLOAD_TOO_LARGE');
  });

  test('an entry over 64 KiB is 413 ENTRY_TOO_LARGE', async () => {
    const response = await gateway.request('POST', '/v1/entries', {
      key: sandbox,
      body: dataAccess({}, { reason: 'x'.repeat(70 * 1024), outcome: 'denied' }),
    });
    expectError(response, 413, 'ENTRY_TOO_LARGE');
  });

  test('a body that is not JSON is 415', async () => {
    const response = await gateway.request('POST', '/v1/entries', {
      key: sandbox,
      rawBody: 'kind=data-access',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expectError(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  test('schema errors are 400 INVALID_ENTRY naming every failing field', async () => {
    const response = await gateway.request('POST', '/v1/entries', {
      key: sandbox,
      body: dataAccess({ extra: true }, { action: 'delete', occurredAt: 'now' }),
    });

    const error = expectError(response, 400, 'INVALID_ENTRY');
    expect(error.details?.map((detail) => detail.path).sort()).toEqual(
      ['extra', 'payload.action', 'payload.occurredAt'].sort(),
    );
  });

  test.each([
    ['a missing field', { actor: { org: 'x' } }, 'payload.actor.user', 'is required'],
    ['an empty identifier', { dataset: { id: '' } }, 'payload.dataset.id', 'must not be empty'],
    ['a wrong type', { actor: 'analyst-07' }, 'payload.actor', 'must be a JSON object'],
    [
      'a value outside its list',
      { action: 'delete' },
      'payload.action',
      'must be one of "query", "read", "download", "train", "export", "compute"',
    ],
  ])('%s says what to send instead', async (_case, payload, path, message) => {
    const response = await gateway.request('POST', '/v1/entries', {
      key: sandbox,
      body: dataAccess({}, payload),
    });
    expect(expectError(response, 400, 'INVALID_ENTRY').details).toContainEqual({ path, message });
  });

  test.each([
    ['a zero-width space', 'traffic\u200b-flow-2025', 'must not contain invisible characters'],
    ['a Cyrillic look-alike letter', 'tr\u0430ffic-flow-2025', 'mixes Latin'],
    ['a right-to-left override', 'traffic-\u202eflow-2025', 'must not contain bidirectional'],
  ])(
    'an identifier with %s, which would split a trail that looks the same, is refused',
    async (_case, id, message) => {
      const response = await gateway.request('POST', '/v1/entries', {
        key: sandbox,
        body: dataAccess({}, { dataset: { id } }),
      });
      const [detail] = expectError(response, 400, 'INVALID_ENTRY').details ?? [];
      expect(detail?.path).toBe('payload.dataset.id');
      expect(detail?.message).toContain(message);
    },
  );

  test('numbers out of range say the range', async () => {
    const seq = await gateway.request('POST', '/v1/entries', {
      key: sandbox,
      body: dataAccess({ sourceSeq: 0 }),
    });
    expect(expectError(seq, 400, 'INVALID_ENTRY').details).toContainEqual({
      path: 'sourceSeq',
      message: 'must be greater than 0',
    });
    const limit = await gateway.request('GET', '/v1/entries?kind=data-access&limit=501', {
      key: gateway.keys.regulator,
    });
    expect(expectError(limit, 400, 'INVALID_QUERY').details).toContainEqual({
      path: 'limit',
      message: 'must be at most 500',
    });
  });

  test('a path that cannot be decoded is a 400, and the URL goes to no log', async () => {
    const response = await gateway.request('GET', '/v1/entries/11010519491231002X%E0%A4%A', {
      key: sandbox,
    });

    expectError(response, 400, 'INVALID_ARGUMENT');
    expect(response.text).not.toContain('11010519491231002X');
    expect(gateway.logs.join('\n')).not.toContain('11010519491231002X');
  });

  test('an unknown route is 404 ROUTE_NOT_FOUND', async () => {
    const response = await gateway.request('GET', '/v2/entries');
    expectError(response, 404, 'ROUTE_NOT_FOUND');
  });

  test.each([
    ['null', 'null'],
    ['a number', '42'],
    ['a string', '"entry"'],
    ['an array', '[]'],
    ['an empty object', '{}'],
    ['a kind only', '{"kind":"data-access"}'],
    ['a payload that is an array', '{"kind":"data-access","payload":[]}'],
    ['a huge number', '{"kind":"data-access","sourceSeq":1e400,"payload":{}}'],
    ['deep nesting', `${'{"a":'.repeat(500)}1${'}'.repeat(500)}`],
    [
      'nesting deeper than any stack',
      `{"kind":"data-access","payload":${'['.repeat(200_000)}${']'.repeat(200_000)}}`,
    ],
    ['a lone surrogate', '{"kind":"data-access","id":"\\ud800","payload":{}}'],
    ['a prototype key', '{"__proto__":{"kind":"data-access"},"constructor":{}}'],
  ])('%s is a 4xx, never a 500', async (_case, rawBody) => {
    const before = await gateway.request<{ items: unknown[] }>(
      'GET',
      '/v1/entries?kind=data-access&limit=500',
      {
        key: gateway.keys.regulator,
      },
    );
    for (const path of ['/v1/entries', '/v1/entries/batch', '/v1/verify']) {
      const response = await gateway.request('POST', path, { key: sandbox, rawBody });
      expect(response.status, `${path} ${rawBody.slice(0, 40)}`).toBeGreaterThanOrEqual(400);
      expect(response.status, `${path} ${rawBody.slice(0, 40)}`).toBeLessThan(500);
      expect(response.body).toMatchObject({ error: { code: expect.any(String) as unknown } });
    }
    const after = await gateway.request<{ items: unknown[] }>(
      'GET',
      '/v1/entries?kind=data-access&limit=500',
      {
        key: gateway.keys.regulator,
      },
    );
    expect(after.body.items).toEqual(before.body.items);
  });
});
