import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import {
  EnrollmentError,
  enrollClientIdentity,
  enrolledIdentityPath,
} from '../../gateway/src/fabric/ca-enrollment.js';
import type { ConnectionFile } from '../../gateway/src/fabric/connection-file.js';

/** One run of the fake `fabric-ca-client`: what `ps` showed, and what its environment held. */
interface Call {
  argv: string[];
  env: Record<string, string>;
}

/**
 * A stand-in for Fabric CA's client that takes its settings as the real one does: a flag, or
 * else its FABRIC_CA_CLIENT_* variable (`-u` / FABRIC_CA_CLIENT_URL, `--id.secret` /
 * FABRIC_CA_CLIENT_ID_SECRET). `register` remembers the secret as the CA would; `enroll` is
 * refused unless the URL carries that secret, and otherwise writes an MSP folder.
 */
const FAKE_CLIENT = String.raw`#!/usr/bin/env node
const fs = require('node:fs');
const path = require('node:path');
const [command, ...args] = process.argv.slice(2);
const flag = (name) => { const at = args.indexOf(name); return at < 0 ? undefined : args[at + 1]; };
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('FABRIC_CA_CLIENT_')));
fs.appendFileSync(process.env.FAKE_CA_STATE + '/calls.jsonl', JSON.stringify({ argv: process.argv.slice(2), env }) + '\n');
const registered = process.env.FAKE_CA_STATE + '/registered.json';
const url = new URL(flag('-u') ?? flag('--url') ?? process.env.FABRIC_CA_CLIENT_URL ?? 'http://localhost:7054');
if (command === 'register') {
  const secret = flag('--id.secret') ?? process.env.FABRIC_CA_CLIENT_ID_SECRET;
  fs.writeFileSync(registered, JSON.stringify({ name: flag('--id.name'), secret }));
} else if (command === 'enroll') {
  const known = JSON.parse(fs.readFileSync(registered, 'utf8'));
  if (url.username !== known.name || decodeURIComponent(url.password) !== known.secret || process.env.FAKE_CA_REFUSE) {
    process.stderr.write('2026/01/01 00:00:00 [INFO] TLS Enabled\nError: Failed to enroll: Authentication failure\n');
    process.exit(1);
  }
  const msp = flag('-M');
  fs.mkdirSync(path.join(msp, 'keystore'), { recursive: true });
  fs.mkdirSync(path.join(msp, 'signcerts'), { recursive: true });
  fs.writeFileSync(path.join(msp, 'keystore', 'abc_sk'), 'fake private key\n');
  fs.writeFileSync(path.join(msp, 'signcerts', 'cert.pem'), 'fake certificate of ' + known.name + '\n');
}
`;

let root: string;
let fabricBin: string;
let caState: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ca-enrollment-'));
  fabricBin = join(root, 'bin');
  caState = join(root, 'ca');
  await mkdir(fabricBin);
  await mkdir(caState);
  await writeFile(join(fabricBin, 'fabric-ca-client'), FAKE_CLIENT);
  await chmod(join(fabricBin, 'fabric-ca-client'), 0o755);
  process.env.FAKE_CA_STATE = caState;
});
afterEach(async () => {
  delete process.env.FAKE_CA_STATE;
  delete process.env.FAKE_CA_REFUSE;
  await rm(root, { recursive: true, force: true });
});

function connection(): ConnectionFile {
  const organization = (mspId: string, port: number) => ({
    mspId,
    tlsRootCertPath: join(root, `${mspId}-ca.pem`),
    peer: { name: `peer0.${mspId}`, endpoint: `127.0.0.1:${port + 1}`, operationsUrl: '' },
    ca: { name: `ca.${mspId.toLowerCase()}`, url: `https://127.0.0.1:${port}` },
    registrar: { home: join(root, `${mspId}-registrar`) },
    identities: {},
  });
  return {
    channel: 'audit',
    chaincode: 'audit',
    consensus: 'raft',
    orderers: { tlsRootCertPath: join(root, 'orderer-ca.pem'), nodes: [] },
    organizations: {
      SandboxOrg: organization('SandboxOrg', 17110),
      CreditOrg: organization('CreditOrg', 17120),
      RegulatorOrg: organization('RegulatorOrg', 17130),
    },
  };
}

async function calls(): Promise<Call[]> {
  const text = await readFile(join(caState, 'calls.jsonl'), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Call);
}

async function registeredSecret(): Promise<string> {
  const { secret } = JSON.parse(await readFile(join(caState, 'registered.json'), 'utf8')) as {
    secret?: string;
  };
  expect(secret).toMatch(/^[0-9a-f]{32}$/);
  return secret ?? '';
}

test('the enrollment secret reaches the CA client in its environment, never on its command line', async () => {
  const dataDir = join(root, 'data');
  const enrolled = await enrollClientIdentity({
    connection: connection(),
    fabricBin,
    dataDir,
    name: 'credit-batch-7',
    role: 'credit-writer',
  });

  const base = enrolledIdentityPath(dataDir, 'CreditOrg', 'credit-batch-7');
  expect(enrolled).toEqual({ mspId: 'CreditOrg', certificatePath: `${base}.pem` });
  expect(await readFile(`${base}.pem`, 'utf8')).toBe('fake certificate of credit-batch-7\n');
  expect((await stat(`${base}.key`)).mode & 0o777).toBe(0o600);

  const secret = await registeredSecret();
  const made = await calls();
  expect(made.map((call) => call.argv[0])).toEqual(['register', 'enroll']);
  for (const call of made) {
    // Arguments are what every local user sees in `ps`; the environment is the caller's alone.
    expect(call.argv.join(' ')).not.toContain(secret);
  }
  // The registrar's home and the CA are still named, so the right CA is asked.
  expect(made[0]?.argv).toEqual(
    expect.arrayContaining(['--id.name', 'credit-batch-7', '--caname', 'ca.creditorg']),
  );
});

test('a refused enrollment is reported with the CA client’s reason, and without the secret', async () => {
  process.env.FAKE_CA_REFUSE = '1';
  const failure = await enrollClientIdentity({
    connection: connection(),
    fabricBin,
    dataDir: join(root, 'data'),
    name: 'regulator-desk-2',
    role: 'regulator',
  }).then(
    () => undefined,
    (error: unknown) => error,
  );

  expect(failure).toBeInstanceOf(EnrollmentError);
  const error = failure as EnrollmentError;
  expect(error.message).toBe(
    "RegulatorOrg's CA did not enroll regulator-desk-2: Error: Failed to enroll: Authentication failure",
  );
  // The cause (the failed command, as Node describes it) may end up in a log.
  const secret = await registeredSecret();
  expect((error.cause as Error).message).not.toContain(secret);
});
