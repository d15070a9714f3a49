import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { standardKinds } from '../../chaincode/src/index.js';
import { loadConfig } from '../../gateway/src/config.js';
import { openGateway } from '../../gateway/src/gateway.js';
import { TEST_LEDGER, startTestGateway, type TestGateway } from '../support/gateway-server.js';
import { algorithmUpload, dataAccess } from '../support/sample-entries.js';

const DATA_ACTIONS = ['query', 'read', 'download', 'train', 'export', 'compute'];

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition. */
function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) {
      continue;
    }
    const match = /^([A-Za-z_:][A-Za-z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/.exec(line);
    if (match === null) {
      throw new Error(`not a Prometheus sample line: ${line}`);
    }
    const labels: Record<string, string> = {};
    for (const label of (match[2] ?? '').matchAll(
      /([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"/g,
    )) {
      labels[label[1] ?? ''] = label[2] ?? '';
    }
    samples.push({ name: match[1] ?? '', labels, value: Number(match[3]) });
  }
  return samples;
}

/** The value of the sample with this name and exactly these labels; undefined when absent. */
function sampleValue(
  samples: Sample[],
  name: string,
  labels: Record<string, string>,
): number | undefined {
  const wanted = JSON.stringify(Object.entries(labels).sort());
  return samples.find(
    (sample) =>
      sample.name === name && JSON.stringify(Object.entries(sample.labels).sort()) === wanted,
  )?.value;
}

async function metricsOf(gateway: TestGateway): Promise<Sample[]> {
  return parseMetrics(await gateway.metrics());
}

interface EntryBody {
  id: string;
  blockNumber: number;
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objectAt(value: unknown, ...path: string[]): JsonObject {
  let current = value;
  for (const key of path) {
    if (!isObject(current)) {
      throw new Error(`no object at ${path.join('.')}`);
    }
    current = current[key];
  }
  if (!isObject(current)) {
    throw new Error(`no object at ${path.join('.')}`);
  }
  return current;
}

/** The schema and its oneOf/anyOf/allOf alternatives, recursively. */
function alternatives(schema: JsonObject): JsonObject[] {
  const found = [schema];
  for (const keyword of ['oneOf', 'anyOf', 'allOf']) {
    const list = schema[keyword];
    if (Array.isArray(list)) {
      for (const item of list) {
        if (isObject(item)) {
          found.push(...alternatives(item));
        }
      }
    }
  }
  return found;
}

/** The kinds an entry-request alternative admits through properties.kind (const or enum). */
function kindsOf(schema: JsonObject): unknown[] {
  const properties = schema.properties;
  if (!isObject(properties) || !isObject(properties.kind)) {
    return [];
  }
  const kind = properties.kind;
  if ('const' in kind) {
    return [kind.const];
  }
  return Array.isArray(kind.enum) ? kind.enum : [];
}

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(async () => {
  await gateway.close();
});

describe('liveness and readiness', () => {
  test('GET /healthz is 200 without a key', async () => {
    const response = await gateway.request('GET', '/healthz');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  test('GET /v1/me names the key’s holder, role and organisation, and needs a key', async () => {
    const me = await gateway.request('GET', '/v1/me', { key: gateway.keys.regulator });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      name: expect.any(String) as string,
      role: 'regulator',
      organization: 'RegulatorOrg',
    });
    const writer = await gateway.request('GET', '/v1/me', { key: gateway.keys['credit-writer'] });
    expect(writer.body).toMatchObject({ role: 'credit-writer', organization: 'CreditOrg' });
    expect((await gateway.request('GET', '/v1/me')).status).toBe(401);
  });

  test('GET /readyz is 200 ready without a key while the ledger is open', async () => {
    const response = await gateway.request<{ status: string; ledger: string }>('GET', '/readyz');
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('ready');
    expect(response.body.ledger).toBe(TEST_LEDGER);
  });

  test(
    'GET /readyz counts the blocks the gateway holds, up to the block of its last write',
    {
      timeout: 90_000,
    },
    async () => {
      const written = await gateway.request<{ blockNumber: number }>('POST', '/v1/entries', {
        key: gateway.keys['sandbox-writer'],
        body: dataAccess(),
      });
      expect(written.status).toBe(201);
      // On Fabric the index follows the peers' blocks from block 0 (the whole chain, for a new
      // gateway): it holds the write's block once it has caught up.
      await expect
        .poll(
          async () => (await gateway.request<{ blocks: number }>('GET', '/readyz')).body.blocks,
          {
            timeout: 60_000,
            interval: 200,
          },
        )
        .toBeGreaterThan(written.body.blockNumber);
    },
  );

  test('GET /readyz says when the index queries read holds every block, and on Fabric how high each peer is', async () => {
    const written = await gateway.request<{ blockNumber: number }>('POST', '/v1/entries', {
      key: gateway.keys['sandbox-writer'],
      body: dataAccess(),
    });
    expect(written.status).toBe(201);
    interface Readiness {
      blocks: number;
      indexedBlocks: number;
      chainHeight?: number;
      catchingUp: boolean;
      parts?: { name: string; reachable: boolean; height?: number }[];
    }
    let ready: Readiness | undefined;
    await expect
      .poll(
        async () => {
          ready = (await gateway.request<Readiness>('GET', '/readyz')).body;
          return ready.indexedBlocks;
        },
        { timeout: 60_000, interval: 200 },
      )
      .toBeGreaterThan(written.body.blockNumber);
    expect(ready?.catchingUp).toBe(false);
    expect(ready?.indexedBlocks).toBeLessThanOrEqual(ready?.blocks ?? 0);
    if (TEST_LEDGER === 'fabric') {
      const parts = ready?.parts ?? [];
      expect(parts).toHaveLength(3);
      for (const part of parts) {
        expect(part).toMatchObject({ reachable: true });
        expect(part.height).toBeGreaterThan(written.body.blockNumber);
      }
      expect(ready?.chainHeight).toBe(Math.max(...parts.map((part) => part.height ?? 0)));
    } else {
      expect(ready?.parts).toBeUndefined();
      expect(ready?.chainHeight).toBeUndefined();
    }
  });

  test('GET /readyz is 503 LEDGER_UNAVAILABLE once the ledger is closed', async () => {
    // A gateway of its own, so that its ledger is closed once and its server still answers.
    const dataDir = await mkdtemp(join(tmpdir(), 'audit-readyz-'));
    let server: Server | undefined;
    let opened: Awaited<ReturnType<typeof openGateway>> | undefined;
    try {
      const config = loadConfig({ DATA_DIR: dataDir, PORT: '0' });
      opened = await openGateway(config, pino({ level: 'silent' }));
      const { app, ledger } = opened;
      server = createServer(app);
      const listening = server;
      await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
      const address = listening.address();
      const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;

      const before = await fetch(`${url}/readyz`);
      expect(before.status).toBe(200);
      expect(await before.json()).toMatchObject({ status: 'ready' });

      await ledger.close();
      const after = await fetch(`${url}/readyz`);
      expect(after.status).toBe(503);
      const body = (await after.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('LEDGER_UNAVAILABLE');
      expect(body.error.message).toEqual(expect.any(String));

      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
    } finally {
      if (server !== undefined) {
        const closing = server;
        closing.closeAllConnections();
        await new Promise<void>((resolve) => {
          closing.close(() => {
            resolve();
          });
        });
      }
      await opened?.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('GET /metrics', () => {
  test('is Prometheus text on the metrics listener', async () => {
    const response = await fetch(`${gateway.metricsUrl}/metrics`);
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(text).toContain('# TYPE audit_http_requests_total counter');
    expect(text).toContain('# TYPE audit_http_request_duration_seconds histogram');
    expect(text).toContain('# TYPE audit_ledger_entries_committed_total counter');
    expect(text).toContain('# TYPE audit_errors_total counter');
    expect(() => parseMetrics(text)).not.toThrow();
  });

  test('is not served on the API listener, to callers with a key or without', async () => {
    for (const key of [undefined, gateway.keys['sandbox-writer'], gateway.keys.regulator]) {
      const response = await gateway.request('GET', '/metrics', { key });
      expect(response.status).toBe(404);
      expect(response.text).not.toContain('audit_ledger_entries_committed_total');
    }
  });

  test('counts requests by route pattern, never by raw URL', async () => {
    const key = gateway.keys['sandbox-writer'];
    const created = await gateway.request<EntryBody>('POST', '/v1/entries', {
      key,
      body: dataAccess(),
    });
    expect(created.status).toBe(201);
    const found = await gateway.request('GET', `/v1/entries/${created.body.id}`, { key });
    expect(found.status).toBe(200);

    const metrics = await metricsOf(gateway);
    expect(
      sampleValue(metrics, 'audit_http_requests_total', {
        method: 'POST',
        route: '/v1/entries',
        status: '201',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sampleValue(metrics, 'audit_http_requests_total', {
        method: 'GET',
        route: '/v1/entries/:id',
        status: '200',
      }),
    ).toBeGreaterThanOrEqual(1);
    for (const sample of metrics.filter((item) => item.name.startsWith('audit_http_'))) {
      expect(sample.labels.route).not.toContain(created.body.id);
    }
    const durations = metrics.filter(
      (sample) =>
        sample.name === 'audit_http_request_duration_seconds_count' &&
        sample.labels.route === '/v1/entries/:id',
    );
    expect(durations.length).toBeGreaterThanOrEqual(1);
  });

  test('labels error responses of /v1 routes with the full route pattern', async () => {
    const key = gateway.keys['sandbox-writer'];
    const missing = await gateway.request('GET', '/v1/entries/some-id', { key });
    expect(missing.status).toBe(404);
    const refused = await gateway.request('POST', '/v1/entries', {
      key,
      body: dataAccess({}, { action: 'delete' }),
    });
    expect(refused.status).toBe(400);

    const metrics = await metricsOf(gateway);
    for (const sample of metrics.filter((item) => item.name.startsWith('audit_http_'))) {
      expect(sample.labels.route).not.toContain('some-id');
    }
    expect(
      sampleValue(metrics, 'audit_http_requests_total', {
        method: 'GET',
        route: '/v1/entries/:id',
        status: '404',
      }),
    ).toBe(1);
    expect(
      sampleValue(metrics, 'audit_http_requests_total', {
        method: 'POST',
        route: '/v1/entries',
        status: '400',
      }),
    ).toBeGreaterThanOrEqual(1);
  });

  test('counts committed entries by ledger and kind, once per entry', async () => {
    const key = gateway.keys['sandbox-writer'];
    const counted = async (kind: string) =>
      sampleValue(await metricsOf(gateway), 'audit_ledger_entries_committed_total', {
        ledger: TEST_LEDGER,
        kind,
      }) ?? 0;
    const dataAccessBefore = await counted('data-access');
    const uploadsBefore = await counted('algorithm-upload');

    const entry = dataAccess();
    expect((await gateway.request('POST', '/v1/entries', { key, body: entry })).status).toBe(201);
    // An identical retry commits nothing.
    expect((await gateway.request('POST', '/v1/entries', { key, body: entry })).status).toBe(200);
    // Refused entries commit nothing.
    const refused = await gateway.request('POST', '/v1/entries', {
      key,
      body: dataAccess({}, { action: 'delete' }),
    });
    expect(refused.status).toBe(400);
    const batch = await gateway.request<{ results: { status: number }[] }>(
      'POST',
      '/v1/entries/batch',
      { key, body: { entries: [dataAccess(), algorithmUpload(), dataAccess(), entry] } },
    );
    expect(batch.status).toBe(200);
    expect(batch.body.results.map((result) => result.status)).toEqual([201, 201, 201, 200]);

    expect(await counted('data-access')).toBe(dataAccessBefore + 3);
    expect(await counted('algorithm-upload')).toBe(uploadsBefore + 1);
    expect(
      sampleValue(await metricsOf(gateway), 'audit_ledger_entries_committed_total', {
        ledger: TEST_LEDGER,
        kind: 'credit-change',
      }) ?? 0,
    ).toBe(0);
  });

  test('counts error responses by code', async () => {
    const errors = async (code: string) =>
      sampleValue(await metricsOf(gateway), 'audit_errors_total', { code }) ?? 0;
    const before = await errors('UNAUTHENTICATED');
    const response = await gateway.request('GET', '/v1/entries?kind=data-access');
    expect(response.status).toBe(401);
    const wrongKey = await gateway.request('GET', '/v1/entries?kind=data-access', {
      key: 'alk_not-a-key',
    });
    expect(wrongKey.status).toBe(401);
    expect(await errors('UNAUTHENTICATED')).toBe(before + 2);
    const metrics = await metricsOf(gateway);
    expect(
      sampleValue(metrics, 'audit_http_requests_total', {
        method: 'GET',
        route: 'unmatched',
        status: '401',
      }),
    ).toBeGreaterThanOrEqual(2);
  });
});

describe('GET /openapi.json', () => {
  let document: JsonObject;
  beforeAll(async () => {
    const response = await gateway.request('GET', '/openapi.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    document = objectAt(response.body);
  });

  test('is OpenAPI 3.1.0 with the v1 paths and methods', () => {
    expect(document.openapi).toBe('3.1.0');
    const paths = objectAt(document, 'paths');
    expect(Object.keys(objectAt(paths, '/v1/entries')).sort()).toEqual(['get', 'post']);
    expect(objectAt(paths, '/v1/entries/batch', 'post')).toBeDefined();
    expect(objectAt(paths, '/v1/entries/{id}', 'get')).toBeDefined();
    expect(objectAt(paths, '/v1/verify', 'post')).toBeDefined();
    const requestBody = objectAt(paths, '/v1/entries', 'post', 'requestBody', 'content');
    expect(objectAt(requestBody, 'application/json', 'schema')).toEqual({
      $ref: '#/components/schemas/EntryRequest',
    });
  });

  test('every $ref points to a schema the document defines', () => {
    const schemas = objectAt(document, 'components', 'schemas');
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"([^"]+)"/g)].map(
      (match) => match[1] ?? '',
    );
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(schemas).toHaveProperty(ref.slice('#/components/schemas/'.length));
    }
  });

  test('EntryRequest covers every kind and the data-access actions', () => {
    // Only ajv 6 is installed (no draft 2020-12 support), so the schema is checked by its shape.
    const entryRequest = objectAt(document, 'components', 'schemas', 'EntryRequest');
    const variants = alternatives(entryRequest);
    const kinds = variants.flatMap(kindsOf);
    expect([...new Set(kinds)].sort()).toEqual([...standardKinds.kinds].sort());

    const dataAccessSchemas = variants.filter((variant) =>
      kindsOf(variant).includes('data-access'),
    );
    expect(dataAccessSchemas).toHaveLength(1);
    const dataAccessSchema = dataAccessSchemas[0] ?? {};
    expect(dataAccessSchema.required).toEqual(expect.arrayContaining(['kind', 'payload']));
    const action = objectAt(dataAccessSchema, 'properties', 'payload', 'properties', 'action');
    expect(action.enum).toEqual(DATA_ACTIONS);
  });
});

describe('request log', () => {
  let created: EntryBody;
  beforeAll(async () => {
    const key = gateway.keys['sandbox-writer'];
    const response = await gateway.request<EntryBody>('POST', '/v1/entries', {
      key,
      body: dataAccess(),
    });
    expect(response.status).toBe(201);
    created = response.body;
    const regulatorKey = gateway.keys.regulator;
    expect(
      (await gateway.request('GET', `/v1/entries/${created.id}`, { key: regulatorKey })).status,
    ).toBe(200);
    expect((await gateway.request('GET', '/v1/entries/some-id', { key })).status).toBe(404);
    expect((await gateway.request('GET', '/healthz', { key: 'alk_wrong' })).status).toBe(200);
    expect(
      (await gateway.request('GET', '/v1/entries?kind=data-access', { key: 'alk_wrong' })).status,
    ).toBe(401);
  });

  function requestRecords(): JsonObject[] {
    return gateway.logs
      .map((line) => JSON.parse(line) as JsonObject)
      .filter((record) => record.msg === 'request');
  }

  test('never carries an API key, the Authorization header or a raw URL', () => {
    const everything = gateway.logs.join('\n');
    expect(everything).toContain('"msg":"request"');
    for (const secret of [...Object.values(gateway.keys), 'alk_wrong', 'alk_not-a-key']) {
      expect(everything).not.toContain(secret);
    }
    expect(everything.toLowerCase()).not.toContain('authorization');
    expect(everything).not.toContain('Bearer');
    expect(everything).not.toContain('some-id');
    expect(everything).not.toContain(created.id);
  });

  test('names the route pattern, status and principal of successful requests', () => {
    const requests = requestRecords();
    expect(requests).toContainEqual(
      expect.objectContaining({
        method: 'POST',
        route: '/v1/entries',
        status: 201,
        principal: gateway.names['sandbox-writer'],
      }),
    );
    expect(requests).toContainEqual(
      expect.objectContaining({
        method: 'GET',
        route: '/v1/entries/:id',
        status: 200,
        principal: gateway.names.regulator,
      }),
    );
    expect(requests).toContainEqual(
      expect.objectContaining({ method: 'GET', route: '/healthz', status: 200 }),
    );
    const unauthenticated = requests.find((record) => record.status === 401);
    expect(unauthenticated).toBeDefined();
    expect(unauthenticated?.principal).toBeUndefined();
  });

  test('names the full route pattern of a failed /v1 request', () => {
    expect(requestRecords()).toContainEqual(
      expect.objectContaining({
        method: 'GET',
        route: '/v1/entries/:id',
        status: 404,
        principal: gateway.names['sandbox-writer'],
      }),
    );
  });
});
