/**
 * The OpenAPI document and the routes served are one declaration: every operation the document
 * lists is answered by a route (never the 404 of an unknown route), a JSON body is required
 * exactly where the document declares one, and the gateway serves the routes of the document
 * the console is built from.
 */
import { standardKinds } from '@audit-ledger/chaincode';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { VERSION } from '../../gateway/src/gateway.js';
import { buildOpenApiDocument } from '../../gateway/src/http/openapi.js';
import { startTestGateway, type TestGateway } from '../support/gateway-server.js';

let gateway: TestGateway;

interface Operation {
  requestBody?: unknown;
  security?: unknown[];
}

beforeAll(async () => {
  gateway = await startTestGateway();
});

afterAll(() => gateway.close());

/** Each documented operation, its path parameters filled in. */
async function documentedOperations() {
  const document = await gateway.request<{ paths: Record<string, Record<string, Operation>> }>(
    'GET',
    '/openapi.json',
  );
  return Object.entries(document.body.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path: path.replace(/\{\w+\}/g, 'no-such-id'),
      operation,
    })),
  );
}

/** Status and error code of one request; a stream is closed once its headers arrive. */
async function answer(method: string, path: string, sent: { body?: string; type?: string } = {}) {
  const abort = new AbortController();
  const response = await fetch(`${gateway.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${gateway.keys.regulator}`,
      ...(sent.type === undefined ? {} : { 'content-type': sent.type }),
    },
    body: sent.body,
    signal: abort.signal,
  });
  if (response.headers.get('content-type')?.startsWith('text/event-stream') === true) {
    abort.abort();
    return { status: response.status, code: undefined };
  }
  const body = (await response.json().catch(() => ({}))) as { error?: { code?: string } };
  return { status: response.status, code: body.error?.code };
}

describe('the routes the document lists', () => {
  test('are those of the document written without a gateway, which the console is built from', async () => {
    const served = await gateway.request<{ paths: Record<string, object> }>('GET', '/openapi.json');
    const written = buildOpenApiDocument(VERSION, standardKinds) as {
      paths: Record<string, object>;
    };
    // In order: the written document is meant to be the served one, byte for byte.
    const operations = (paths: Record<string, object>) =>
      Object.entries(paths).flatMap(([path, methods]) =>
        Object.keys(methods).map((method) => `${method} ${path}`),
      );
    expect(operations(served.body.paths)).toEqual(operations(written.paths));
    expect(JSON.stringify(served.body.paths)).toBe(JSON.stringify(written.paths));
  });

  test('are every one served', async () => {
    const operations = await documentedOperations();
    expect(operations.length).toBeGreaterThan(25);
    const unserved = [];
    for (const { method, path, operation } of operations) {
      const sent =
        operation.requestBody === undefined ? {} : { body: '{}', type: 'application/json' };
      const { code } = await answer(method, path, sent);
      if (code === 'ROUTE_NOT_FOUND') {
        unserved.push(`${method} ${path}`);
      }
    }
    expect(unserved).toEqual([]);
  });

  test('refuse a body that is not JSON exactly where they declare one', async () => {
    for (const { method, path, operation } of await documentedOperations()) {
      if (method !== 'POST') {
        continue;
      }
      const { status, code } = await answer(method, path, { body: 'x', type: 'text/plain' });
      if (operation.requestBody === undefined) {
        expect(code, `${method} ${path}`).not.toBe('UNSUPPORTED_MEDIA_TYPE');
      } else {
        expect([status, code], `${method} ${path}`).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
      }
    }
  });

  test('a path the document does not list is the 404 of an unknown route', async () => {
    expect(await answer('GET', '/v1/no-such-route')).toEqual({
      status: 404,
      code: 'ROUTE_NOT_FOUND',
    });
    expect(await answer('PUT', '/v1/entries')).toEqual({ status: 404, code: 'ROUTE_NOT_FOUND' });
  });
});
