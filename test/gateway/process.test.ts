import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { Agent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { hashApiKey, mintApiKey } from '../../gateway/src/auth/api-keys.js';
import { dataAccess } from '../support/sample-entries.js';

const MAIN = resolve(__dirname, '../../gateway/dist/main.js');
const START_TIMEOUT_MS = 20_000;
const EXIT_TIMEOUT_MS = 15_000;
const TEST_TIMEOUT_MS = 60_000;
const ROLE_NAMES = ['credit-writer', 'regulator', 'sandbox-writer'];
const KEYS_BANNER = 'Development API keys';
const LISTENING = /audit ledger gateway listening on http:\/\/127\.0\.0\.1:(\d+)/;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface GatewayProcess {
  child: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  exited: Promise<Exit>;
}

interface RunningGateway extends GatewayProcess {
  url: string;
}

interface EntryBody {
  id: string;
  digest: string;
  blockNumber: number;
  submitter: { name: string; role: string };
}

const children = new Set<ChildProcess>();
const tempDirs: string[] = [];

beforeAll(() => {
  if (!existsSync(MAIN)) {
    throw new Error(`${MAIN} is missing: run npm run build first`);
  }
});

afterEach(async () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      const closed = new Promise((resolve) => child.once('close', resolve));
      child.kill('SIGKILL');
      await withTimeout(closed, EXIT_TIMEOUT_MS, 'a killed gateway to exit');
    }
  }
  children.clear();
  for (const dir of tempDirs.splice(0)) {
    await rm(dir, { recursive: true, force: true });
  }
});

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => {
    clearTimeout(timer);
  });
}

/** Polls `condition` until it holds; fails after `ms`, describing what was awaited. */
async function until(condition: () => boolean, ms: number, what: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${ms} ms waiting for ${what()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** `node gateway/dist/main.js` with only these variables (and PATH) in its environment. */
function spawnGateway(env: Record<string, string>): GatewayProcess {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<Exit>((resolve) => {
    child.once('close', (code, signal) => {
      resolve({ code, signal });
    });
  });
  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    exited,
  };
}

/** A gateway on DATA_DIR=dataDir, once it logs the port it listens on. */
async function startGateway(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<RunningGateway> {
  const gateway = spawnGateway({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', ...env });
  let exit: Exit | undefined;
  void gateway.exited.then((value) => {
    exit = value;
  });
  await until(
    () => LISTENING.test(gateway.stdout) || exit !== undefined,
    START_TIMEOUT_MS,
    () => `the gateway to listen; stdout: ${gateway.stdout} stderr: ${gateway.stderr}`,
  );
  const port = LISTENING.exec(gateway.stdout)?.[1];
  if (port === undefined) {
    throw new Error(
      `the gateway exited (${JSON.stringify(exit)}) before listening: ${gateway.stderr}`,
    );
  }
  return Object.assign(gateway, { url: `http://127.0.0.1:${port}` });
}

async function stopGateway(gateway: GatewayProcess): Promise<Exit> {
  gateway.child.kill('SIGTERM');
  return withTimeout(gateway.exited, EXIT_TIMEOUT_MS, 'the gateway to exit after SIGTERM');
}

/** The pino records among the lines of stdout. */
async function readDevKeys(dataDir: string): Promise<Record<string, string>> {
  return JSON.parse(await readFile(join(dataDir, 'dev-keys.json'), 'utf8')) as Record<
    string,
    string
  >;
}

function logRecords(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The keys the gateway printed: `  <role padded> <key>` lines after the banner. */
function occurrences(text: string, part: string): number {
  return text.split(part).length - 1;
}

async function call(
  gateway: RunningGateway,
  method: string,
  path: string,
  key?: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = {};
  if (key !== undefined) {
    headers.authorization = `Bearer ${key}`;
  }
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(`${gateway.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

/** A call answered with an entry (or an error body, which the test then finds wanting). */
async function entryCall(
  ...args: Parameters<typeof call>
): Promise<{ status: number; body: EntryBody }> {
  const result = await call(...args);
  return { status: result.status, body: result.body as EntryBody };
}

/**
 * A POST whose headers have reached the gateway (it answered 100 Continue) and whose body is
 * held back until `finish` is called: a request in flight, for as long as the test wants.
 */
async function inFlightPost(
  gateway: RunningGateway,
  key: string,
  body: unknown,
  agent: Agent | false = false,
): Promise<{
  finish: () => Promise<{ status: number; body: EntryBody; connection: string | undefined }>;
}> {
  const payload = Buffer.from(JSON.stringify(body), 'utf8');
  const request: ClientRequest = httpRequest(`${gateway.url}/v1/entries`, {
    method: 'POST',
    agent,
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
      'content-length': String(payload.length),
      expect: '100-continue',
    },
  });
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    request.once('response', resolve);
    request.once('error', reject);
  });
  const continued = new Promise<void>((resolve, reject) => {
    request.once('continue', resolve);
    request.once('error', reject);
  });
  request.flushHeaders();
  await withTimeout(continued, 10_000, '100 Continue');
  return {
    async finish() {
      request.end(payload);
      const message = await withTimeout(response, 10_000, 'the in-flight response');
      let text = '';
      message.setEncoding('utf8');
      for await (const chunk of message) {
        text += chunk as string;
      }
      return {
        status: message.statusCode ?? 0,
        body: JSON.parse(text) as EntryBody,
        connection: message.headers.connection,
      };
    },
  };
}

describe('the gateway process with development keys', () => {
  test(
    'first start saves the three keys 0600 and says where, printing none; they work',
    async () => {
      const dataDir = await tempDir('audit-process-');
      const gateway = await startGateway(dataDir);

      const file = join(dataDir, 'dev-keys.json');
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const saved = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
      expect(Object.keys(saved).sort()).toEqual(ROLE_NAMES);

      expect(occurrences(gateway.stdout, KEYS_BANNER)).toBe(1);
      expect(gateway.stdout).toContain(`${KEYS_BANNER}, one per role, are in ${file} (mode 0600)`);
      // stdout is where the log goes: it names the file, never a key.
      for (const key of Object.values(saved)) {
        expect(key).toMatch(/^alk_[A-Za-z0-9_-]{43}$/);
        expect(gateway.stdout).not.toContain(key);
        expect(gateway.stderr).not.toContain(key);
      }
      // The notice is plain text for the terminal; the log proper is pino JSON.
      const listening = logRecords(gateway.stdout).find((record) =>
        LISTENING.test(String(record.msg)),
      );
      expect(listening).toMatchObject({ level: 30, ledger: 'embedded', dataDir });

      const created = await entryCall(
        gateway,
        'POST',
        '/v1/entries',
        saved['sandbox-writer'],
        dataAccess(),
      );
      expect(created.status).toBe(201);
      expect(created.body.submitter.role).toBe('sandbox-writer');
      const read = await entryCall(
        gateway,
        'GET',
        `/v1/entries/${encodeURIComponent(created.body.id)}`,
        saved.regulator,
      );
      expect(read.status).toBe(200);
      expect(
        (await call(gateway, 'GET', '/v1/entries?kind=credit-change', saved['credit-writer']))
          .status,
      ).toBe(200);
      expect((await call(gateway, 'POST', '/v1/entries', mintApiKey(), dataAccess())).status).toBe(
        401,
      );

      expect(await stopGateway(gateway)).toEqual({ code: 0, signal: null });
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'a second start reuses the keys without printing them, and keeps the ledger',
    async () => {
      const dataDir = await tempDir('audit-process-');
      const first = await startGateway(dataDir);
      const file = join(dataDir, 'dev-keys.json');
      const savedText = await readFile(file, 'utf8');
      const keys = JSON.parse(savedText) as Record<string, string>;
      const writerKey = keys['sandbox-writer'] ?? '';
      const earlier = await entryCall(first, 'POST', '/v1/entries', writerKey, dataAccess());
      expect(earlier.status).toBe(201);
      expect(await stopGateway(first)).toEqual({ code: 0, signal: null });

      const second = await startGateway(dataDir);
      expect(second.stdout).not.toContain(KEYS_BANNER);
      for (const key of Object.values(keys)) {
        expect(second.stdout).not.toContain(key);
        expect(second.stderr).not.toContain(key);
      }
      expect(await readFile(file, 'utf8')).toBe(savedText);
      expect((await stat(file)).mode & 0o777).toBe(0o600);

      const again = await entryCall(
        second,
        'GET',
        `/v1/entries/${encodeURIComponent(earlier.body.id)}`,
        writerKey,
      );
      expect(again.status).toBe(200);
      expect(again.body).toEqual(earlier.body);

      const later = await entryCall(second, 'POST', '/v1/entries', writerKey, dataAccess());
      expect(later.status).toBe(201);
      expect(later.body.blockNumber).toBeGreaterThan(earlier.body.blockNumber);

      expect(await stopGateway(second)).toEqual({ code: 0, signal: null });
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'SIGTERM lets requests in flight finish, refuses new connections and exits 0',
    async () => {
      const dataDir = await tempDir('audit-process-');
      const gateway = await startGateway(dataDir);
      const keys = await readDevKeys(dataDir);
      const writerKey = keys['sandbox-writer'] ?? '';
      const entries = [dataAccess(), dataAccess()];
      const inFlight = await Promise.all(
        entries.map((entry) => inFlightPost(gateway, writerKey, entry)),
      );

      gateway.child.kill('SIGTERM');
      await until(
        () => gateway.stdout.includes('stopping'),
        EXIT_TIMEOUT_MS,
        () => `the gateway to log that it is stopping; stdout: ${gateway.stdout}`,
      );
      expect(gateway.child.exitCode).toBeNull();
      await expect(
        fetch(`${gateway.url}/healthz`, { signal: AbortSignal.timeout(5_000) }),
      ).rejects.toThrow();

      const results = await Promise.all(inFlight.map((request) => request.finish()));
      expect(results.map((result) => result.status)).toEqual([201, 201]);
      expect(results.map((result) => result.body.id)).toEqual(entries.map((entry) => entry.id));

      expect(await withTimeout(gateway.exited, EXIT_TIMEOUT_MS, 'the gateway to exit')).toEqual({
        code: 0,
        signal: null,
      });
      expect(logRecords(gateway.stdout).map((record) => record.msg)).toContain('stopped');

      const restarted = await startGateway(dataDir);
      for (const result of results) {
        const read = await entryCall(
          restarted,
          'GET',
          `/v1/entries/${encodeURIComponent(result.body.id)}`,
          writerKey,
        );
        expect(read.status).toBe(200);
        expect(read.body).toEqual(result.body);
      }
      expect(await stopGateway(restarted)).toEqual({ code: 0, signal: null });
    },
    TEST_TIMEOUT_MS,
  );
  test(
    'SIGTERM: a keep-alive client in flight does not hold the process open after its response',
    async () => {
      const dataDir = await tempDir('audit-process-');
      const gateway = await startGateway(dataDir);
      const keys = await readDevKeys(dataDir);
      // As a pooling HTTP client would: the connection stays open after the response.
      const agent = new Agent({ keepAlive: true });
      try {
        const inFlight = await inFlightPost(
          gateway,
          keys['sandbox-writer'] ?? '',
          dataAccess(),
          agent,
        );
        gateway.child.kill('SIGTERM');
        await until(
          () => gateway.stdout.includes('stopping'),
          EXIT_TIMEOUT_MS,
          () => `the gateway to log that it is stopping; stdout: ${gateway.stdout}`,
        );
        const result = await inFlight.finish();
        expect(result.status).toBe(201);
        // Stopping should not wait for the client to close the connection (the server's
        // keep-alive timeout is 5 s; a client that keeps sending would keep it open for good).
        expect(await withTimeout(gateway.exited, 3_000, 'the gateway to exit')).toEqual({
          code: 0,
          signal: null,
        });
      } finally {
        agent.destroy();
      }
    },
    TEST_TIMEOUT_MS,
  );
});

describe('the gateway process with an API keys file', () => {
  test(
    'creates no development keys and authenticates only the keys in the file',
    async () => {
      const dataDir = await tempDir('audit-process-');
      const keysDir = await tempDir('audit-process-keys-');
      const writerKey = mintApiKey();
      const regulatorKey = mintApiKey();
      const keysFile = join(keysDir, 'api-keys.json');
      await writeFile(
        keysFile,
        JSON.stringify([
          { name: 'sandbox-platform', role: 'sandbox-writer', keyHash: hashApiKey(writerKey) },
          { name: 'regulator-01', role: 'regulator', keyHash: hashApiKey(regulatorKey) },
        ]),
      );

      const gateway = await startGateway(dataDir, { API_KEYS_FILE: keysFile });
      expect(gateway.stdout).not.toContain(KEYS_BANNER);
      expect(existsSync(join(dataDir, 'dev-keys.json'))).toBe(false);
      expect(await readdir(dataDir)).not.toContain('dev-keys.json');

      const created = await entryCall(gateway, 'POST', '/v1/entries', writerKey, dataAccess());
      expect(created.status).toBe(201);
      expect(created.body.submitter).toMatchObject({
        name: 'sandbox-platform',
        role: 'sandbox-writer',
      });
      const read = await call(
        gateway,
        'GET',
        `/v1/entries/${encodeURIComponent(created.body.id)}`,
        regulatorKey,
      );
      expect(read.status).toBe(200);

      for (const key of [undefined, mintApiKey(), hashApiKey(writerKey), `${writerKey}x`]) {
        const refused = await call(gateway, 'POST', '/v1/entries', key, dataAccess());
        expect(refused.status).toBe(401);
        expect(refused.body).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
      }
      for (const key of [writerKey, regulatorKey]) {
        expect(gateway.stdout).not.toContain(key);
      }
      expect(await stopGateway(gateway)).toEqual({ code: 0, signal: null });
    },
    TEST_TIMEOUT_MS,
  );
});

describe('the gateway process refuses invalid configuration', () => {
  const cases: [string, (dir: string) => Promise<Record<string, string>>, RegExp][] = [
    ['PORT=abc', () => Promise.resolve({ PORT: 'abc' }), /PORT/],
    ['PORT=70000', () => Promise.resolve({ PORT: '70000' }), /PORT/],
    ['PSEUDONYM_KEY=xyz', () => Promise.resolve({ PSEUDONYM_KEY: 'xyz' }), /PSEUDONYM_KEY/],
    ['LEDGER=quantum', () => Promise.resolve({ LEDGER: 'quantum' }), /LEDGER/],
    [
      'LEDGER=fabric without saying whose identities it holds',
      () => Promise.resolve({ LEDGER: 'fabric' }),
      /FABRIC_ORGANIZATION/,
    ],
    [
      'LEDGER=fabric with a missing connection file',
      (dir) =>
        Promise.resolve({
          LEDGER: 'fabric',
          FABRIC_DEVELOPMENT: 'true',
          FABRIC_CONNECTION: join(dir, 'connection.json'),
        }),
      /connection\.json: cannot be read .*network:up/,
    ],
    ['LOG_LEVEL=loud', () => Promise.resolve({ LOG_LEVEL: 'loud' }), /LOG_LEVEL/],
    [
      'API_KEYS_FILE naming a missing file',
      (dir) => Promise.resolve({ API_KEYS_FILE: join(dir, 'missing.json') }),
      /API_KEYS_FILE/,
    ],
    [
      'API_KEYS_FILE with a bad record',
      async (dir) => {
        const file = join(dir, 'api-keys.json');
        await writeFile(
          file,
          JSON.stringify([{ name: 'platform', role: 'admin', keyHash: hashApiKey('k') }]),
        );
        return { API_KEYS_FILE: file };
      },
      /API_KEYS_FILE/,
    ],
    [
      'API_KEYS_FILE that is not JSON',
      async (dir) => {
        const file = join(dir, 'api-keys.json');
        await writeFile(file, 'name,role,keyHash\n');
        return { API_KEYS_FILE: file };
      },
      /API_KEYS_FILE/,
    ],
  ];

  test.each(cases)(
    '%s: exit code 1 and a message naming the variable',
    async (_what, envOf, variable) => {
      const dataDir = await tempDir('audit-process-');
      const env = await envOf(await tempDir('audit-process-config-'));
      const gateway = spawnGateway({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', ...env });
      const exit = await withTimeout(gateway.exited, START_TIMEOUT_MS, 'the gateway to exit');
      expect(exit).toEqual({ code: 1, signal: null });
      expect(gateway.stderr).toMatch(/^audit ledger gateway failed to start: /);
      expect(gateway.stderr).toMatch(variable);
      expect(gateway.stdout).not.toMatch(LISTENING);
      expect(gateway.stdout).not.toContain(KEYS_BANNER);
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'several invalid variables are reported together',
    async () => {
      const dataDir = await tempDir('audit-process-');
      const gateway = spawnGateway({
        DATA_DIR: dataDir,
        PORT: 'abc',
        HOST: '127.0.0.1',
        PSEUDONYM_KEY: 'xyz',
        LEDGER: 'quantum',
      });
      const exit = await withTimeout(gateway.exited, START_TIMEOUT_MS, 'the gateway to exit');
      expect(exit.code).toBe(1);
      for (const variable of ['PORT', 'PSEUDONYM_KEY', 'LEDGER']) {
        expect(gateway.stderr).toContain(`${variable}: `);
      }
    },
    TEST_TIMEOUT_MS,
  );
});
