/**
 * The gateway serves the built console at /console/, same origin as the API, under a content
 * security policy that lets a page load and call nothing but the gateway.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createConsoleRouter } from '../../gateway/src/http/console-routes.js';
import { startTestGateway, type TestGateway } from '../support/gateway-server.js';

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway();
});

afterAll(() => gateway.close());

describe('the console', () => {
  test('its page and assets come from /console/ under a same-origin-only policy', async () => {
    const page = await gateway.request('GET', '/console/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.text).toContain('<div id="root">');
    const policy = page.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("default-src 'self'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(page.headers.get('cache-control')).toBe('no-cache');

    // Every script and style the page names is served from the gateway itself.
    const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) {
      expect(asset).toMatch(/^\/console\/assets\//);
      const served = await gateway.request('GET', asset ?? '');
      expect(served.status).toBe(200);
      expect(served.headers.get('cache-control')).toContain('immutable');
    }
  });

  test('/console redirects to /console/, and a missing file is a 404', async () => {
    const bare = await fetch(`${gateway.url}/console`, { redirect: 'manual' });
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/console/');
    expect((await gateway.request('GET', '/console/assets/nothing.js')).status).toBe(404);
  });

  test('a gateway whose console was not built says how to build it', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'audit-console-'));
    const app = express().use(createConsoleRouter(empty));
    const server = createServer(app).listen(0, '127.0.0.1');
    try {
      await new Promise((listening) => server.once('listening', listening));
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      const answer = await fetch(`http://127.0.0.1:${port}/console/`);
      expect(answer.status).toBe(404);
      expect(await answer.text()).toContain('npm run build');
    } finally {
      server.close();
      await rm(empty, { recursive: true, force: true });
    }
  });
});
