/**
 * The README's deployment: each organisation runs its own gateway with its own connection file.
 * The credit authority's and the regulator's gateways hold the one consortium pseudonym key the
 * network's setup distributed, so a person the credit authority recorded by number is found by
 * the regulator by the same number. A gateway with another key refuses to start, and the
 * sandbox operator's gateway holds no key at all.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevKeys } from '../../gateway/src/auth/api-keys.js';
import { loadConfig } from '../../gateway/src/config.js';
import { createApiServer } from '../../gateway/src/http/api-server.js';
import { openGateway, type Gateway } from '../../gateway/src/gateway.js';
import { creditChange, freshResidentId, unique } from '../support/sample-entries.js';
import { expectContractError } from './ledger-calls.js';
import { CLIENTS, connectAs, type Session } from './network.js';

const STATE = resolve(__dirname, '../../network/.state');
const folders: string[] = [];
const opened: { gateway: Gateway; close(): Promise<void> }[] = [];

async function dataFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'audit-consortium-key-'));
  folders.push(folder);
  return folder;
}

function gatewayOf(mspId: string, env: Record<string, string> = {}, dataDir?: Promise<string>) {
  return (dataDir ?? dataFolder()).then((folder) =>
    openGateway(
      loadConfig({
        LEDGER: 'fabric',
        FABRIC_ORGANIZATION: mspId,
        FABRIC_CONNECTION: join(STATE, `connection.${mspId}.json`),
        DATA_DIR: folder,
        ...env,
      }),
      pino({ level: 'silent' }),
    ).then((gateway) => ({ gateway, folder })),
  );
}

/** The fields these tests read of the gateway's answers. */
interface Reply {
  stream?: string;
  complete?: boolean;
  entries?: number;
  error?: { code: string };
}

/** An organisation's gateway over HTTP on port 0, with its development keys. */
async function serve(mspId: string) {
  const { gateway, folder } = await gatewayOf(mspId);
  const server = createApiServer(gateway.app, { maxConnections: 64, requestTimeoutMs: 30_000 });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  const keys = JSON.parse(await readFile(join(folder, 'dev-keys.json'), 'utf8')) as DevKeys;
  opened.push({
    gateway,
    async close() {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
      await gateway.close();
    },
  });
  return {
    async call(method: string, path: string, key: string, body?: unknown) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Reply };
    },
    keys,
  };
}

let credit: Session;
let sandbox: Session;

beforeAll(() => {
  credit = connectAs(CLIENTS.credit.mspId, CLIENTS.credit.name);
  sandbox = connectAs(CLIENTS.sandbox.mspId, CLIENTS.sandbox.name);
});

afterAll(async () => {
  credit.close();
  sandbox.close();
  for (const gateway of opened) {
    await gateway.close();
  }
  for (const folder of folders) {
    await rm(folder, { recursive: true, force: true });
  }
});

describe('one pseudonym key for the consortium', () => {
  it("lets the regulator's gateway find, by number, the trail the credit authority's gateway wrote", async () => {
    const creditGateway = await serve('CreditOrg');
    const regulatorGateway = await serve('RegulatorOrg');
    const idNumber = freshResidentId();

    const written = await creditGateway.call(
      'POST',
      '/v1/entries',
      creditGateway.keys['credit-writer'],
      creditChange(
        {},
        { recordId: unique('CR-consortium'), subject: { type: 'person', idNumber } },
      ),
    );
    expect(written.status).toBe(201);

    const lookup = await regulatorGateway.call(
      'POST',
      '/v1/subjects/lookup',
      regulatorGateway.keys.regulator,
      { idNumber },
    );
    expect(lookup.body.stream).toBe(written.body.stream);
    const trail = await regulatorGateway.call(
      'GET',
      `/v1/trails/verify?stream=${encodeURIComponent(lookup.body.stream ?? '')}`,
      regulatorGateway.keys.regulator,
    );
    expect(trail.body).toMatchObject({ complete: true, entries: 1 });
  });

  it('refuses to start a gateway that holds another key', async () => {
    const folder = await dataFolder();
    const otherKey = join(folder, 'other.key');
    await writeFile(otherKey, `${'c3'.repeat(32)}\n`, { mode: 0o600 });

    await expect(
      gatewayOf('RegulatorOrg', { PSEUDONYM_KEY_FILE: otherKey }, Promise.resolve(folder)),
    ).rejects.toThrow(/is not the consortium's: the ledger recorded sha256:[0-9a-f]{64}/);
  });

  it("gives the sandbox operator's gateway no key, and refuses it one", async () => {
    const sandboxGateway = await serve('SandboxOrg');
    const lookup = await sandboxGateway.call(
      'POST',
      '/v1/subjects/lookup',
      sandboxGateway.keys['sandbox-writer'],
      { idNumber: freshResidentId() },
    );
    expect([lookup.status, lookup.body.error?.code]).toEqual([403, 'FORBIDDEN']);

    const folder = await dataFolder();
    const copy = join(folder, 'copy.key');
    await writeFile(copy, await readFile(join(STATE, 'orgs/creditorg/pseudonym.key')), {
      mode: 0o600,
    });
    await expect(
      gatewayOf('SandboxOrg', { PSEUDONYM_KEY_FILE: copy }, Promise.resolve(folder)),
    ).rejects.toThrow(/SandboxOrg holds no credit subjects and must not hold/);
  });

  it('records the fingerprint once: another is a conflict, and only key holders may record', async () => {
    const other = `sha256:${'d4'.repeat(32)}`;
    expect(
      await expectContractError(() =>
        credit.contract.submitTransaction('RecordPseudonymKey', other),
      ),
    ).toBe('SETTING_CONFLICT');
    expect(
      await expectContractError(() =>
        sandbox.contract.submitTransaction('RecordPseudonymKey', other),
      ),
    ).toBe('FORBIDDEN');
  });
});
