import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { DevKeys } from '../../gateway/src/auth/api-keys.js';
import { loadConfig } from '../../gateway/src/config.js';
import { openGateway } from '../../gateway/src/gateway.js';
import type { Ledger } from '../../gateway/src/ledger/ledger.js';

/** The body of every error response. */
export interface ErrorBody {
  error: { code: string; message: string; details?: { path: string; message: string }[] };
}

export interface HttpResult<Body = unknown> {
  status: number;
  headers: Headers;
  body: Body;
  text: string;
}

export interface TestGateway {
  url: string;
  dataDir: string;
  keys: DevKeys;
  ledger: Ledger;
  /** Everything the gateway logged, one JSON line per record. */
  logs: string[];
  request<Body = unknown>(
    method: string,
    path: string,
    options?: { key?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> },
  ): Promise<HttpResult<Body>>;
  close(): Promise<void>;
}

/** The real gateway (embedded ledger, dev keys) on a fresh data folder, over HTTP on port 0. */
export async function startTestGateway(env: Record<string, string> = {}): Promise<TestGateway> {
  const dataDir = await mkdtemp(join(tmpdir(), 'audit-gateway-'));
  const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', ...env });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const opened = await openGateway(config, pino({ level: 'info' }, sink));
  const { app, ledger } = opened;
  const keys = JSON.parse(await readFile(join(dataDir, 'dev-keys.json'), 'utf8')) as DevKeys;
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;

  return {
    url,
    dataDir,
    keys,
    ledger,
    logs,
    async request<Body>(
      method: string,
      path: string,
      options: {
        key?: string;
        body?: unknown;
        rawBody?: string;
        headers?: Record<string, string>;
      } = {},
    ): Promise<HttpResult<Body>> {
      const headers: Record<string, string> = { ...options.headers };
      if (options.key !== undefined) {
        headers.authorization = `Bearer ${options.key}`;
      }
      let body: string | undefined = options.rawBody;
      if (options.body !== undefined) {
        body = JSON.stringify(options.body);
      }
      if (body !== undefined) {
        headers['content-type'] ??= 'application/json';
      }
      const response = await fetch(`${url}${path}`, { method, headers, body });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON (metrics, or an error page): the text stays
      }
      return { status: response.status, headers: response.headers, body: parsed as Body, text };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
      await opened.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
