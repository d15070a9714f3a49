/**
 * An identity's enrollment secret is printed by Fabric CA's client into the network's private
 * log when it is registered. Whoever reads that log must not be able to enroll the identity a
 * second time: the network registers each identity for exactly the enrollments it performs.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, test } from 'vitest';
import { caName } from '../../network/topology.js';
import { unique } from '../support/sample-entries.js';
import { networkCommand, readConnection } from './network.js';

const run = promisify(execFile);
const STATE = resolve(__dirname, '../../network/.state');
const FABRIC_BIN = process.env.FABRIC_BIN ?? join(homedir(), '.fabric/3.1.5/bin');
const NAME = unique('spent-secret');

afterAll(async () => {
  await networkCommand('identity', 'revoke', 'SandboxOrg', NAME);
});

test("a secret read from the network's log enrolls nothing once setup used it", async () => {
  await networkCommand('identity', 'add', 'SandboxOrg', NAME, 'sandbox-writer');
  const log = await readFile(join(STATE, 'logs/fabric-ca-client.sandboxorg.log'), 'utf8');
  const secret = [...log.matchAll(/^Password: (\S+)$/gm)].at(-1)?.[1];
  expect(secret).toMatch(/^[0-9a-f]{32}$/);

  const { host } = new URL(readConnection().organizations.SandboxOrg?.ca.url ?? '');
  const home = await mkdtemp(join(tmpdir(), 'spent-secret-'));
  try {
    const enrolled = await run(
      join(FABRIC_BIN, 'fabric-ca-client'),
      [
        'enroll',
        '-H',
        home,
        '--caname',
        caName('SandboxOrg'),
        '--tls.certfiles',
        join(STATE, 'fabric-ca/sandboxorg/ca-cert.pem'),
        '-M',
        join(home, 'msp'),
      ],
      { env: { ...process.env, FABRIC_CA_CLIENT_URL: `https://${NAME}:${secret ?? ''}@${host}` } },
    ).then(
      () => 'enrolled',
      (error: unknown) => (error as { stderr?: string }).stderr ?? '',
    );
    expect(enrolled).not.toBe('enrolled');
    expect(enrolled).toMatch(/maximum number of enrollments|Authentication failure/i);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});
