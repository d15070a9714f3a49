/**
 * Property-based fuzzing of every endpoint, seeded and bounded: whatever a caller sends — any
 * JSON, entries with parts changed, stray query parameters, odd ids and headers, raw bytes — the
 * answer is a well-formed 4xx or a success, never a 5xx, and the gateway keeps serving.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway-server.js';
import { algorithmUpload, creditChange, dataAccess } from '../support/sample-entries.js';

/** Fixed, so a failure is reproducible; FUZZ_SEED explores further. */
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const RUNS = 1000;

let gateway: TestGateway;
let keys: string[];

beforeAll(async () => {
  gateway = await startTestGateway();
  keys = [
    gateway.keys['sandbox-writer'],
    gateway.keys['credit-writer'],
    gateway.keys.regulator,
    'not-a-key',
  ];
});

afterAll(async () => {
  await gateway.close();
});

/** Sends a request and checks the answer is a success or a well-formed 4xx. */
async function expectNoServerError(
  method: string,
  path: string,
  options: { key?: string; body?: string | Buffer; headers?: Record<string, string> },
): Promise<void> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key !== undefined) {
    headers.authorization = `Bearer ${options.key}`;
  }
  const response = await fetch(`${gateway.url}${path}`, { method, headers, body: options.body });
  const text = await response.text();
  expect(response.status, `${method} ${path} → ${text.slice(0, 200)}`).toBeLessThan(500);
  if (response.status >= 400) {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    expect(typeof body.error?.code).toBe('string');
    expect(typeof body.error?.message).toBe('string');
  }
}

const key = fc.constantFrom(...[0, 1, 2, 3]).map((index) => keys[index]);
const jsonText = fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value));
const someText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('', '0', '-1', '1e400', 'null', '..', '%', '%00', '\u0000', '💥'.repeat(3)),
);

/** A valid entry of some kind with one part replaced by anything at all. */
const mutatedEntry = fc
  .tuple(
    fc.constantFrom(dataAccess, algorithmUpload, creditChange),
    fc.constantFrom('kind', 'id', 'sourceSeq', 'payload', 'extra'),
    fc.jsonValue({ maxDepth: 3 }),
    fc.option(fc.constantFrom('actor', 'dataset', 'occurredAt', 'subject', 'after', 'scope')),
  )
  .map(([build, field, value, payloadField]) => {
    const entry = build() as Record<string, unknown>;
    if (payloadField !== null && typeof entry.payload === 'object') {
      (entry.payload as Record<string, unknown>)[payloadField] = value;
    } else {
      entry[field] = value;
    }
    return entry;
  });

const body = fc.oneof(
  jsonText,
  mutatedEntry.map((entry) => JSON.stringify(entry)),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
);

const queryString = fc
  .dictionary(
    fc.constantFrom(
      'kind',
      'stream',
      'source',
      'recordId',
      'approvalRef',
      'from',
      'to',
      'limit',
      'cursor',
      'block',
      'treeSize',
      'size',
      'x',
    ),
    someText,
    { maxKeys: 4 },
  )
  .map((parameters) => new URLSearchParams(parameters).toString());

const pathSegment = someText.map((text) => encodeURIComponent(text));

const options = { seed: SEED, numRuns: RUNS, endOnFailure: true };

// Hundreds of requests per property: a loaded machine may take longer than the default 5 s.
describe('no request makes the gateway fail', { timeout: 60_000 }, () => {
  test('writes: single, batch and asynchronous, with any body and content type', async () => {
    await fc.assert(
      fc.asyncProperty(
        key,
        fc.constantFrom('/v1/entries', '/v1/entries/batch', '/v1/verify', '/v1/subjects/lookup'),
        body,
        fc.constantFrom('application/json', 'application/json; charset=latin1', 'text/plain', ''),
        fc.boolean(),
        async (apiKey, path, payload, contentType, async) => {
          const batched =
            path === '/v1/entries/batch' && typeof payload === 'string'
              ? `{"entries":[${payload}]}`
              : payload;
          await expectNoServerError('POST', path, {
            key: apiKey,
            body: batched,
            headers: {
              ...(contentType === '' ? {} : { 'content-type': contentType }),
              ...(async ? { prefer: 'respond-async' } : {}),
            },
          });
        },
      ),
      options,
    );
  });

  test('reads: lists, trails, checkpoints and proofs, with any query', async () => {
    await fc.assert(
      fc.asyncProperty(
        key,
        fc.constantFrom(
          '/v1/entries',
          '/v1/trails/verify',
          '/v1/statistics/entries-per-day',
          '/v1/checkpoints/latest',
          '/v1/proofs/inclusion',
          '/v1/proofs/consistency',
        ),
        queryString,
        async (apiKey, path, query) => {
          await expectNoServerError('GET', `${path}?${query}`, { key: apiKey });
        },
      ),
      options,
    );
  });

  test('reads by id: entries, proofs and operations, with any id', async () => {
    await fc.assert(
      fc.asyncProperty(
        key,
        fc.constantFrom('/v1/entries/', '/v1/operations/'),
        pathSegment,
        fc.constantFrom('', '/proof'),
        async (apiKey, prefix, id, suffix) => {
          const path = prefix === '/v1/entries/' ? `${prefix}${id}${suffix}` : `${prefix}${id}`;
          await expectNoServerError('GET', path, { key: apiKey });
        },
      ),
      options,
    );
  });

  test('any method on any path, with any authorization header', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
        fc.array(pathSegment, { maxLength: 4 }),
        fc.oneof(
          key.map((apiKey) => `Bearer ${apiKey}`),
          someText.filter((text) => /^[\x20-\x7e]*$/.test(text)),
        ),
        async (method, segments, authorization) => {
          await expectNoServerError(method, `/v1/${segments.join('/')}`, {
            headers: { authorization },
            ...(method === 'GET' || method === 'OPTIONS' ? {} : { body: '{}' }),
          });
        },
      ),
      options,
    );
  });

  test('and it is still serving afterwards', async () => {
    const health = await gateway.request('GET', '/healthz');
    expect(health.status).toBe(200);
    const written = await gateway.request('POST', '/v1/entries', {
      key: gateway.keys['sandbox-writer'],
      body: dataAccess(),
    });
    expect(written.status).toBe(201);
  });
});
