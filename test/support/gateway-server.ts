import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { expect } from 'vitest';
import { ROLES, type Role } from '../../chaincode/src/index.js';
import {
  devKeyName,
  hashApiKey,
  mintApiKey,
  type DevKeys,
} from '../../gateway/src/auth/api-keys.js';
import { enrollClientIdentity } from '../../gateway/src/fabric/ca-enrollment.js';
import { readConnectionFile } from '../../gateway/src/fabric/connection-file.js';
import { organizationGranting, standardConsortium } from '../../chaincode/src/index.js';
import { loadConfig, type Config } from '../../gateway/src/config.js';
import { openGateway } from '../../gateway/src/gateway.js';
import { createApiServer } from '../../gateway/src/http/api-server.js';
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
  /** The metrics listener, apart from the API. */
  metricsUrl: string;
  /** The Prometheus text the metrics listener serves. */
  metrics(): Promise<string>;
  dataDir: string;
  /** The consortium pseudonym key file this gateway reads (or, on the embedded ledger, made). */
  pseudonymKeyFile: string;
  keys: DevKeys;
  /** Each role's API key name: the principal in logs, and the name in its entries' source. */
  names: Record<Role, string>;
  /** The `source` of the entries a role's key writes. */
  sourceOf(role: Role): string;
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

/**
 * The ledger the black-box suites run on: the embedded one, or with TEST_LEDGER=fabric the
 * network `npm run network:up` started (its connection file), one gateway holding every
 * organisation's identities.
 */
export function ledgerEnvironment(): Record<string, string> {
  if (process.env.TEST_LEDGER !== 'fabric') {
    return {};
  }
  return {
    LEDGER: 'fabric',
    FABRIC_DEVELOPMENT: 'true',
    FABRIC_CONNECTION: resolve(__dirname, '../../network/.state/connection.json'),
  };
}

export const TEST_LEDGER = process.env.TEST_LEDGER === 'fabric' ? 'fabric' : 'embedded';

/**
 * On Fabric, whose ledger outlives every test, each test gateway gets API keys of its own,
 * each with its own identity enrolled by its organisation's CA: its entries are its own source.
 */
async function enrolledKeys(
  dataDir: string,
): Promise<{ keys: DevKeys; names: Record<Role, string>; file: string }> {
  const config = loadConfig({ ...ledgerEnvironment(), DATA_DIR: dataDir, HOME: homedir() });
  if (config.ledger.kind !== 'fabric') {
    throw new Error('enrolled keys are for the Fabric ledger');
  }
  const connection = await readConnectionFile(config.ledger.connectionFile);
  const suffix = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const keys = Object.fromEntries(ROLES.map((role) => [role, mintApiKey()])) as DevKeys;
  const names = Object.fromEntries(ROLES.map((role) => [role, `${role}-${suffix}`])) as Record<
    Role,
    string
  >;
  const records = [];
  for (const role of ROLES) {
    const name = names[role];
    await enrollClientIdentity({
      connection,
      fabricBin: config.ledger.fabricBin,
      dataDir,
      name,
      role,
    });
    records.push({ name, role, keyHash: hashApiKey(keys[role]) });
  }
  const file = join(dataDir, 'api-keys.json');
  await writeFile(file, JSON.stringify(records), { mode: 0o600 });
  await writeFile(join(dataDir, TEST_KEYS_FILE), JSON.stringify({ keys, names }), { mode: 0o600 });
  return { keys, names, file };
}

/** The keys a test gateway was given on Fabric, kept beside its identities to open it again. */
const TEST_KEYS_FILE = 'test-keys.json';

/** The keys of a data folder a test gateway enrolled before, if it did. */
async function keysEnrolledBefore(
  dataDir: string,
): Promise<{ keys: DevKeys; names: Record<Role, string>; file: string } | undefined> {
  try {
    const kept = JSON.parse(await readFile(join(dataDir, TEST_KEYS_FILE), 'utf8')) as {
      keys: DevKeys;
      names: Record<Role, string>;
    };
    return { ...kept, file: join(dataDir, 'api-keys.json') };
  } catch {
    return undefined;
  }
}

/** Where the gateway reads the key: configured, the network's file for its organisations, or its own. */
async function pseudonymKeyFileOf(config: Config): Promise<string> {
  if (config.pseudonymKey !== undefined && 'file' in config.pseudonymKey) {
    return config.pseudonymKey.file;
  }
  if (config.ledger.kind === 'fabric') {
    const connection = await readConnectionFile(config.ledger.connectionFile);
    const file = Object.values(connection.organizations)
      .map((organization) => organization.pseudonymKeyPath)
      .find((path) => path !== undefined);
    if (file === undefined) {
      throw new Error('the network gave no organisation of this gateway a pseudonym key');
    }
    return file;
  }
  return join(config.dataDir, 'pseudonym.key');
}

async function listenOnFreePort(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
}

/**
 * The real gateway on a fresh data folder, over HTTP on port 0, with a key per role. Given a
 * DATA_DIR, it opens that folder instead and leaves it in place when closed.
 */
export async function startTestGateway(env: Record<string, string> = {}): Promise<TestGateway> {
  const dataDir = env.DATA_DIR ?? (await mkdtemp(join(tmpdir(), 'audit-gateway-')));
  const fabric =
    TEST_LEDGER === 'fabric'
      ? ((await keysEnrolledBefore(dataDir)) ?? (await enrolledKeys(dataDir)))
      : undefined;
  const config = loadConfig({
    DATA_DIR: dataDir,
    PORT: '0',
    HOME: homedir(),
    ...ledgerEnvironment(),
    // The regulator's key reads credit details, as the development one does on the embedded ledger.
    ...(fabric === undefined
      ? {}
      : { API_KEYS_FILE: fabric.file, CREDIT_DETAILS_KEY: fabric.names.regulator }),
    ...env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const opened = await openGateway(config, pino({ level: 'info' }, sink));
  const pseudonymKeyFile = await pseudonymKeyFileOf(config);
  const { app, metricsApp, ledger } = opened;
  const keys =
    fabric?.keys ?? (JSON.parse(await readFile(join(dataDir, 'dev-keys.json'), 'utf8')) as DevKeys);
  const server: Server = createApiServer(app, config.limits);
  const metricsServer: Server = createApiServer(metricsApp, config.limits);
  const url = await listenOnFreePort(server);
  const metricsUrl = await listenOnFreePort(metricsServer);

  const names =
    fabric?.names ??
    (Object.fromEntries(ROLES.map((role) => [role, devKeyName(role)])) as Record<Role, string>);
  return {
    url,
    metricsUrl,
    dataDir,
    pseudonymKeyFile,
    keys,
    names,
    sourceOf: (role) => `${organizationGranting(standardConsortium, role)}/${names[role]}`,
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
    async metrics() {
      const response = await fetch(`${metricsUrl}/metrics`);
      expect(response.status).toBe(200);
      return response.text();
    },
    async close() {
      for (const listener of [server, metricsServer]) {
        listener.closeAllConnections();
        await new Promise<void>((resolve) =>
          listener.close(() => {
            resolve();
          }),
        );
      }
      await opened.close();
      if (env.DATA_DIR === undefined) {
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
}
