/**
 * The consortium across hosts: each organisation on a host of its own (a network namespace with
 * its own address and its own folder), making its own CA, identities and keys there. Between
 * the hosts travel only public definitions, the founder's channel files and, to the
 * organisations that hold them, the two consortium secrets. Then each organisation's gateway,
 * on its own host, writes; the regulator's reads, finds and proves across the hosts.
 */
import { X509Certificate, createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { cp, mkdir, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevKeys } from '../../gateway/src/auth/api-keys.js';
import type { ProofBundle } from '../../gateway/src/proof/proof-bundle.js';
import { trustFile, type TrustFile } from '../../gateway/src/transparency/trust-file.js';
import { checkBundle } from '../../gateway/src/verifier/bundle-checks.js';
import { creditChange, dataAccess, freshResidentId, unique } from '../support/sample-entries.js';
import { createHosts, type Host, type Hosts } from './hosts.js';

const ORDERER = 'OrdererOrg';
const PEER_ORGS = ['SandboxOrg', 'CreditOrg', 'RegulatorOrg'] as const;
type PeerOrg = (typeof PEER_ORGS)[number];
const GATEWAY_PORT = 8080;

interface OrgGateway {
  url: string;
  keys: DevKeys;
  process: ChildProcess;
}

let hosts: Hosts;
const gateways = {} as Record<PeerOrg, OrgGateway>;

function host(mspId: string): Host {
  const found = hosts.byMsp[mspId];
  if (found === undefined) {
    throw new Error(`no host for ${mspId}`);
  }
  return found;
}

/** What each operator does on its own host, in the order docs/deployment.md gives. */
async function foundConsortium(): Promise<void> {
  const { courier } = hosts;
  const definition = (mspId: string) => join(courier, 'definitions', mspId);
  await Promise.all(
    hosts.all.map((each) =>
      hosts.network(each, 'host', 'init', each.mspId, '--host', each.address),
    ),
  );
  for (const each of hosts.all) {
    await hosts.network(each, 'host', 'export', each.mspId, definition(each.mspId));
  }
  for (const each of hosts.all) {
    for (const other of hosts.all.filter((candidate) => candidate !== each)) {
      await hosts.network(each, 'host', 'import', definition(other.mspId));
    }
  }
  const channel = join(courier, 'channel');
  const secrets = join(courier, 'secrets');
  await hosts.network(host('RegulatorOrg'), 'host', 'found', 'RegulatorOrg', channel, secrets);
  // The founder hands the checkpoint log key to every peer organisation, and the pseudonym key
  // to the credit authority alone (the regulator, founding, kept its own).
  const handed = async (mspId: string, withPseudonymKey: boolean) => {
    const folder = join(courier, `secrets-for-${mspId}`);
    await mkdir(join(folder, 'checkpoints'), { recursive: true });
    await cp(join(secrets, 'checkpoints/log.key'), join(folder, 'checkpoints/log.key'));
    if (withPseudonymKey) {
      await cp(join(secrets, 'pseudonym.key'), join(folder, 'pseudonym.key'));
    }
    return folder;
  };
  const secretsFor: Record<PeerOrg, string> = {
    SandboxOrg: await handed('SandboxOrg', false),
    CreditOrg: await handed('CreditOrg', true),
    RegulatorOrg: secrets,
  };
  await hosts.network(host(ORDERER), 'host', 'join', ORDERER, channel);
  await Promise.all(
    PEER_ORGS.map((mspId) =>
      hosts.network(host(mspId), 'host', 'join', mspId, channel, secretsFor[mspId]),
    ),
  );
  await hosts.network(host('RegulatorOrg'), 'host', 'commit', 'RegulatorOrg');
  await Promise.all(PEER_ORGS.map((mspId) => hosts.network(host(mspId), 'host', 'finish', mspId)));
}

/** An organisation's gateway on its own host, with its own connection file and data folder. */
async function startGateway(mspId: PeerOrg): Promise<OrgGateway> {
  const own = host(mspId);
  const dataDir = join(own.folder, 'gateway');
  const child = hosts.spawn(own, process.execPath, ['gateway/dist/main.js'], {
    LEDGER: 'fabric',
    FABRIC_ORGANIZATION: mspId,
    FABRIC_CONNECTION: join(own.folder, 'network', `connection.${mspId}.json`),
    DATA_DIR: dataDir,
    HOST: own.address,
    PORT: String(GATEWAY_PORT),
    LOG_LEVEL: 'warn',
  });
  let output = '';
  let exited: number | null | undefined;
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.on('exit', (code) => (exited = code));
  const url = `http://${own.address}:${GATEWAY_PORT}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited !== undefined) {
      throw new Error(`${mspId}'s gateway exited (${String(exited)}):\n${output}`);
    }
    if (Date.now() > deadline) {
      throw new Error(`${mspId}'s gateway did not answer in 60 s:\n${output}`);
    }
    const healthy = await fetch(`${url}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) {
      break;
    }
    await new Promise((pause) => setTimeout(pause, 250));
  }
  const keys = JSON.parse(await readFile(join(dataDir, 'dev-keys.json'), 'utf8')) as DevKeys;
  return { url, keys, process: child };
}

/** The fields these tests read of the gateways' answers. */
interface Reply {
  id?: string;
  stream?: string;
}

async function call(
  gateway: OrgGateway,
  role: keyof DevKeys,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Reply & Record<string, unknown> }> {
  const response = await fetch(`${gateway.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${gateway.keys[role]}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return {
    status: response.status,
    body: (await response.json()) as Reply & Record<string, unknown>,
  };
}

async function readTrust(mspId: PeerOrg): Promise<TrustFile> {
  const text = await readFile(join(host(mspId).folder, 'network/trust.json'), 'utf8');
  return trustFile.parse(JSON.parse(text));
}

beforeAll(async () => {
  hosts = await createHosts([ORDERER, ...PEER_ORGS]);
  await foundConsortium();
  for (const mspId of PEER_ORGS) {
    gateways[mspId] = await startGateway(mspId);
  }
}, 900_000);

afterAll(async () => {
  await hosts.remove();
}, 120_000);

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/**
 * A private key's public half; Fabric CA's Idemix revocation key is a bare EC key that Node does
 * not read as PKCS #8, and counts by its own bytes.
 */
function publicKeyOf(pem: string): Buffer | string {
  try {
    return createPublicKey(createPrivateKey(pem)).export({ type: 'spki', format: 'der' });
  } catch {
    return pem.replace(/\s/g, '');
  }
}

/**
 * The private keys in a file's text, each named by its public key (PEM) or its bytes (notes).
 * PEM inside JSON (a chaincode package's connection.json, as the peer unpacked it) counts too.
 */
function privateKeysIn(text: string): string[] {
  const fingerprints: string[] = [];
  for (const pem of text
    .replaceAll('\\n', '\n')
    .match(
      /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----[\s\S]+?-----END (?:[A-Z]+ )?PRIVATE KEY-----/g,
    ) ?? []) {
    fingerprints.push(createHash('sha256').update(publicKeyOf(pem)).digest('hex'));
  }
  const note = /^PRIVATE\+KEY\+\S+/m.exec(text);
  if (note !== null) {
    fingerprints.push(createHash('sha256').update(note[0]).digest('hex'));
  }
  return fingerprints;
}

/** The private keys a folder holds, by fingerprint, with the file each is in. */
async function privateKeysUnder(folder: string): Promise<Map<string, string>> {
  const keys = new Map<string, string>();
  for (const file of await filesUnder(folder)) {
    let found: string[];
    try {
      found = privateKeysIn(await readFile(file, 'latin1'));
    } catch (error) {
      throw new Error(`${file} holds a private key that does not parse`, { cause: error });
    }
    for (const fingerprint of found) {
      keys.set(fingerprint, file);
    }
  }
  return keys;
}

/** The certificates a folder holds, by the hash of their public key. */
async function certificatesUnder(folder: string): Promise<Map<string, X509Certificate>> {
  const certificates = new Map<string, X509Certificate>();
  for (const file of await filesUnder(folder)) {
    const text = await readFile(file, 'latin1');
    for (const pem of text
      .replaceAll('\\n', '\n')
      .match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []) {
      // Fragments inside a database's pages need not parse; such a text vouches for no key.
      let certificate: X509Certificate;
      try {
        certificate = new X509Certificate(pem);
      } catch {
        continue;
      }
      const spki = certificate.publicKey.export({ type: 'spki', format: 'der' });
      certificates.set(createHash('sha256').update(spki).digest('hex'), certificate);
    }
  }
  return certificates;
}

describe('each organisation on its own host', () => {
  it("holds its own private keys only: every key on a host belongs to that host's organisation", async () => {
    const seen = new Map<string, string>();
    const [logKey] = privateKeysIn(
      await readFile(join(host('RegulatorOrg').folder, 'network/checkpoints/log.key'), 'utf8'),
    );
    expect(logKey).toBeDefined();
    for (const each of hosts.all) {
      const keys = await privateKeysUnder(each.folder);
      const certificates = await certificatesUnder(each.folder);
      const root = new X509Certificate(
        await readFile(
          join(each.folder, 'network/orgs', each.mspId.toLowerCase(), 'msp/cacerts/ca.pem'),
        ),
      );
      expect(keys.size).toBeGreaterThan(5);
      for (const [fingerprint, file] of keys) {
        if (fingerprint === logKey) {
          // The checkpoint log key: a consortium secret, handed to the peer organisations.
          expect(PEER_ORGS).toContain(each.mspId);
          continue;
        }
        expect(seen.get(fingerprint), `${file} is also on ${seen.get(fingerprint) ?? ''}`).toBe(
          undefined,
        );
        seen.set(fingerprint, each.mspId);
        const certificate = certificates.get(fingerprint);
        if (certificate !== undefined) {
          // A key with a certificate: the organisation's CA issued it (or it is that CA).
          expect(certificate.verify(root.publicKey), file).toBe(true);
        } else {
          // A witness's note key, or the CA's own Idemix revocation key.
          expect(file).toMatch(
            new RegExp(
              `/orgs/${each.mspId.toLowerCase()}/witness/witness\\.key$|/fabric-ca/${each.mspId.toLowerCase()}/msp/keystore/IssuerRevocationPrivateKey$`,
            ),
          );
        }
      }
    }
    // Every organisation made its own keys: CA, admin, nodes, clients.
    expect(new Set(seen.values())).toEqual(new Set([ORDERER, ...PEER_ORGS]));
  });

  it('gives the consortium pseudonym key to the credit authority and the regulator only', async () => {
    const key = (
      await readFile(join(host('CreditOrg').folder, 'network/orgs/creditorg/pseudonym.key'), 'utf8')
    ).trim();
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    for (const each of hosts.all) {
      const holding: string[] = [];
      for (const file of await filesUnder(each.folder)) {
        if ((await readFile(file, 'latin1')).includes(key)) {
          holding.push(file);
        }
      }
      expect(holding.length > 0, `${each.mspId}: ${holding.join(', ')}`).toBe(
        each.mspId === 'CreditOrg' || each.mspId === 'RegulatorOrg',
      );
    }
  });

  it('computes the same trust file on every peer organisation’s host, from public definitions', async () => {
    const [first, ...others] = await Promise.all(PEER_ORGS.map(readTrust));
    expect(first?.organizations.map((org) => org.mspId)).toEqual([...PEER_ORGS]);
    for (const other of others) {
      expect(other).toEqual(first);
    }
  });
});

describe('writes, trails and proofs across the hosts', () => {
  let sandboxId: string;
  let creditId: string;
  const idNumber = freshResidentId();

  beforeAll(async () => {
    const access = await call(gateways.SandboxOrg, 'sandbox-writer', 'POST', '/v1/entries', {
      ...dataAccess(),
    });
    expect(access.status, JSON.stringify(access.body)).toBe(201);
    sandboxId = access.body.id ?? '';
    const change = await call(
      gateways.CreditOrg,
      'credit-writer',
      'POST',
      '/v1/entries',
      creditChange({}, { recordId: unique('CR-hosts'), subject: { type: 'person', idNumber } }),
    );
    expect(change.status, JSON.stringify(change.body)).toBe(201);
    creditId = change.body.id ?? '';
  });

  it("lets the regulator read each organisation's entry from its own host", async () => {
    for (const qualified of [`SandboxOrg/${sandboxId}`, `CreditOrg/${creditId}`]) {
      const read = await call(
        gateways.RegulatorOrg,
        'regulator',
        'GET',
        `/v1/entries/${encodeURIComponent(qualified)}`,
      );
      expect(read.status, qualified).toBe(200);
    }
  });

  it('keeps a writer out of what another organisation wrote', async () => {
    const read = await call(
      gateways.SandboxOrg,
      'sandbox-writer',
      'GET',
      `/v1/entries/${encodeURIComponent(`CreditOrg/${creditId}`)}`,
    );
    expect(read.status).toBe(404);
  });

  it("finds, by number, the person the credit authority's host recorded, and checks the trail", async () => {
    const lookup = await call(gateways.RegulatorOrg, 'regulator', 'POST', '/v1/subjects/lookup', {
      idNumber,
    });
    expect(lookup.status).toBe(200);
    const trail = await call(
      gateways.RegulatorOrg,
      'regulator',
      'GET',
      `/v1/trails/verify?stream=${encodeURIComponent(lookup.body.stream ?? '')}`,
    );
    expect(trail.body).toMatchObject({ complete: true, entries: 1 });
  });

  it("proves an entry from one host that verifies offline against another host's trust file", async () => {
    const proof = await call(
      gateways.RegulatorOrg,
      'regulator',
      'GET',
      `/v1/entries/${encodeURIComponent(`SandboxOrg/${sandboxId}`)}/proof`,
    );
    expect(proof.status).toBe(200);
    const checks = checkBundle(proof.body as unknown as ProofBundle, await readTrust('SandboxOrg'));
    expect(checks.filter((check) => !check.ok)).toEqual([]);
    // Cosigned by a quorum of the witnesses, each on its own organisation's host.
    expect(checks.some((check) => check.check.endsWith('witnessed'))).toBe(true);
  });
});
