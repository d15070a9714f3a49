/**
 * A gateway per organisation: outside development mode a gateway acts for one organisation and
 * refuses to start holding another's private keys; with its own organisation's connection file
 * it writes as that organisation and nothing else, and hands out proofs that verify.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import type { DevKeys } from '../../gateway/src/auth/api-keys.js';
import { loadConfig } from '../../gateway/src/config.js';
import { openGateway, type Gateway } from '../../gateway/src/gateway.js';
import type { FabricProofBundle } from '../../verifier/src/proof-bundle.js';
import { trustFile } from '../../verifier/src/transparency/trust-file.js';
import { checkBundle } from '../../verifier/src/bundle-checks.js';
import { dataAccess } from '../support/sample-entries.js';

const STATE = resolve(__dirname, '../../network/.state');
const TRUST_FILE = join(STATE, 'trust.json');
const folders: string[] = [];

async function dataFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'audit-org-gateway-'));
  folders.push(folder);
  return folder;
}

function sandboxGateway(dataDir: string, connectionFile: string): Promise<Gateway> {
  const config = loadConfig({
    LEDGER: 'fabric',
    FABRIC_ORGANIZATION: 'SandboxOrg',
    FABRIC_CONNECTION: connectionFile,
    DATA_DIR: dataDir,
  });
  return openGateway(config, pino({ level: 'silent' }));
}

afterAll(async () => {
  for (const folder of folders) {
    await rm(folder, { recursive: true, force: true });
  }
});

describe('a gateway that acts for SandboxOrg', () => {
  it("refuses to start with the development connection file, which holds the other organisations' keys", async () => {
    await expect(
      sandboxGateway(await dataFolder(), join(STATE, 'connection.json')),
    ).rejects.toThrow(/would hold (CreditOrg|RegulatorOrg)'s private keys/);
  });

  it("writes as SandboxOrg with SandboxOrg's own connection file, and serves no other organisation's role", async () => {
    const dataDir = await dataFolder();
    const gateway = await sandboxGateway(dataDir, join(STATE, 'connection.SandboxOrg.json'));
    const server: Server = createServer(gateway.app);
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    try {
      const address = server.address();
      const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
      const keys = JSON.parse(await readFile(join(dataDir, 'dev-keys.json'), 'utf8')) as DevKeys;
      const post = (key: string) =>
        fetch(`${url}/v1/entries`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify(dataAccess()),
        });
      const written = await post(keys['sandbox-writer']);
      expect(written.status).toBe(201);
      expect(((await written.json()) as { submitter: { mspId: string } }).submitter.mspId).toBe(
        'SandboxOrg',
      );
      const refused = await fetch(`${url}/v1/entries?kind=data-access`, {
        headers: { authorization: `Bearer ${keys.regulator}` },
      });
      expect(refused.status).toBe(403);
      // Events and findings are fed from every organisation's blocks: the regulator key of a
      // gateway that acts for SandboxOrg reads none of them, nor registers a webhook for them.
      const asRegulator = { authorization: `Bearer ${keys.regulator}` };
      const eventReads = [
        fetch(`${url}/v1/events?kind=credit-change`, { headers: asRegulator }),
        fetch(`${url}/v1/findings`, { headers: asRegulator }),
        fetch(`${url}/v1/webhooks`, {
          method: 'POST',
          headers: { ...asRegulator, 'content-type': 'application/json' },
          body: JSON.stringify({ url: 'https://hooks.example.gov.cn/audit', topic: 'entries' }),
        }),
      ];
      for (const answer of await Promise.all(eventReads)) {
        expect(answer.status, answer.url).toBe(403);
        expect(await answer.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
      }
      // Its proofs carry its own peer's word and another organisation's, and verify offline.
      const { id } = (await (await post(keys['sandbox-writer'])).json()) as { id: string };
      const proof = await fetch(`${url}/v1/entries/${id}/proof`, {
        headers: { authorization: `Bearer ${keys['sandbox-writer']}` },
      });
      expect(proof.status).toBe(200);
      const bundle = (await proof.json()) as FabricProofBundle;
      const trust = trustFile.parse(JSON.parse(await readFile(TRUST_FILE, 'utf8')));
      expect(checkBundle(bundle, trust).filter((check) => !check.ok)).toEqual([]);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((done) =>
        server.close(() => {
          done();
        }),
      );
      await gateway.close();
    }
  });
});
