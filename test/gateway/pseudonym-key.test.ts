/**
 * One pseudonym key per consortium: the ledger records its fingerprint when the first gateway
 * holding it starts, and a gateway holding another key refuses to start, before it writes
 * anything, so one person's trail can never split between two keys.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../../gateway/src/config.js';
import { pseudonymKeyFingerprint } from '../../gateway/src/consortium-pseudonym-key.js';
import { openGateway } from '../../gateway/src/gateway.js';
import { startTestGateway } from '../support/gateway-server.js';
import { creditChange } from '../support/sample-entries.js';

const KEY_A = 'a1'.repeat(32);
const KEY_B = 'b2'.repeat(32);
const RESIDENT_ID = '11010519491231002X';
const REGULATOR = { name: 'dev-regulator', role: 'regulator' } as const;

const folders: string[] = [];
afterAll(async () => {
  for (const folder of folders) {
    await rm(folder, { recursive: true, force: true });
  }
});

async function dataFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'audit-pseudonym-key-'));
  folders.push(folder);
  return folder;
}

function openWith(dataDir: string, env: Record<string, string>) {
  return openGateway(loadConfig({ DATA_DIR: dataDir, ...env }), pino({ level: 'silent' }));
}

// Each test starts and stops whole gateways, several times.
describe('the consortium pseudonym key on the embedded ledger', { timeout: 30_000 }, () => {
  test('its fingerprint is recorded at the first start and checked at every later one', async () => {
    const dataDir = await dataFolder();
    const first = await startTestGateway({ DATA_DIR: dataDir, PSEUDONYM_KEY: KEY_A });
    const written = await first.request<{ payload: { subject: { ref: string } } }>(
      'POST',
      '/v1/entries',
      {
        key: first.keys['credit-writer'],
        body: creditChange({}, { subject: { type: 'person', idNumber: RESIDENT_ID } }),
      },
    );
    expect(written.status).toBe(201);
    expect(await first.ledger.pseudonymKey(REGULATOR)).toMatchObject({
      fingerprint: pseudonymKeyFingerprint(Buffer.from(KEY_A, 'hex')),
      recordedBy: { mspId: 'CreditOrg' },
    });
    const height = (await first.ledger.readiness()).blocks;
    await first.close();

    await expect(openWith(dataDir, { PSEUDONYM_KEY: KEY_B })).rejects.toThrow(
      /pseudonym key \(sha256:[0-9a-f]{64}\) is not the consortium's: the ledger recorded sha256:/,
    );

    // The same key, now from a file, opens the ledger unchanged and pseudonymises alike.
    const keyFile = join(dataDir, 'consortium.key');
    await writeFile(keyFile, `${KEY_A}\n`, { mode: 0o600 });
    const again = await startTestGateway({ DATA_DIR: dataDir, PSEUDONYM_KEY_FILE: keyFile });
    expect((await again.ledger.readiness()).blocks).toBe(height);
    const lookup = await again.request<{ subject: { ref: string } }>(
      'POST',
      '/v1/subjects/lookup',
      { key: again.keys.regulator, body: { idNumber: RESIDENT_ID } },
    );
    expect(lookup.body.subject.ref).toBe(written.body.payload.subject.ref);
    await again.close();
  });

  test('without a configured key the gateway makes one on its first start and keeps it', async () => {
    const dataDir = await dataFolder();
    const first = await startTestGateway({ DATA_DIR: dataDir });
    const recorded = await first.ledger.pseudonymKey(REGULATOR);
    await first.close();

    const again = await startTestGateway({ DATA_DIR: dataDir });
    expect(await again.ledger.pseudonymKey(REGULATOR)).toEqual(recorded);
    await again.close();
  });

  test('a key file that is missing or not a key stops the start, naming the file', async () => {
    const dataDir = await dataFolder();
    const missing = join(dataDir, 'nowhere.key');
    await expect(openWith(dataDir, { PSEUDONYM_KEY_FILE: missing })).rejects.toThrow(
      `the pseudonym key file ${missing} does not exist`,
    );
    const short = join(dataDir, 'short.key');
    await writeFile(short, 'abcd\n');
    await expect(openWith(dataDir, { PSEUDONYM_KEY_FILE: short })).rejects.toThrow(
      'must hold at least 64 hex characters',
    );
  });
});
