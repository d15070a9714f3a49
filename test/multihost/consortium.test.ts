/**
 * The consortium across hosts: each organisation on a host of its own (a network namespace with
 * its own address and its own folder), making its own CA, identities and keys there. Between
 * the hosts travel only public definitions, the founder's channel files and, to the
 * organisations that hold them, the two consortium secrets. Then each organisation's gateway,
 * on its own host, writes; the regulator's reads, finds and proves across the hosts.
 */
import { X509Certificate, createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevKeys } from '../../gateway/src/auth/api-keys.js';
import type { ProofBundle } from '../../verifier/src/proof-bundle.js';
import { trustFile, type TrustFile } from '../../verifier/src/transparency/trust-file.js';
import { checkBundle } from '../../verifier/src/bundle-checks.js';
import type { CheckResult } from '../../verifier/src/check-report.js';
import {
  FOUNDING_ORGANIZATIONS,
  ORDERER_ORGANIZATION,
  caName,
  chaincodeServiceName,
  peerName,
  witnessName,
  type FoundingOrganization,
} from '../../network/topology.js';
import {
  channelFolder,
  definitionFolder,
  foundConsortium,
  hostOf,
} from '../../scripts/consortium-hosts.js';
import { createHosts, type Host, type Hosts } from '../../scripts/hosts.js';
import { creditChange, dataAccess, freshResidentId, unique } from '../support/sample-entries.js';

/** The organisation that joins the running channel as a member, and is removed again. */
const BUREAU = 'CreditBureauOrg';
const GATEWAY_PORT = 8080;

interface OrgGateway {
  url: string;
  keys: DevKeys;
  process: ChildProcess;
}

let hosts: Hosts;
const gateways = {} as Record<FoundingOrganization, OrgGateway>;

function host(mspId: string): Host {
  return hostOf(hosts, mspId);
}

/** An organisation's gateway on its own host, with its own connection file and data folder. */
async function startGateway(mspId: FoundingOrganization): Promise<OrgGateway> {
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

async function readTrust(mspId: FoundingOrganization): Promise<TrustFile> {
  const text = await readFile(join(host(mspId).folder, 'network/trust.json'), 'utf8');
  return trustFile.parse(JSON.parse(text));
}

beforeAll(async () => {
  hosts = await createHosts([ORDERER_ORGANIZATION, ...FOUNDING_ORGANIZATIONS, BUREAU]);
  await foundConsortium(hosts);
  for (const mspId of FOUNDING_ORGANIZATIONS) {
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

/** The checkpoint log key's fingerprint: a consortium secret, handed to the peer organisations. */
async function logKeyFingerprint(): Promise<string> {
  const [logKey] = privateKeysIn(
    await readFile(join(host('RegulatorOrg').folder, 'network/checkpoints/log.key'), 'utf8'),
  );
  if (logKey === undefined) {
    throw new Error('the regulator holds no checkpoint log key');
  }
  return logKey;
}

/**
 * Checks that every private key on the host is its organisation's own (or, on a founder's host,
 * the log key) and returns their fingerprints.
 */
async function expectOwnKeysOnly(each: Host): Promise<Set<string>> {
  const logKey = await logKeyFingerprint();
  const keys = await privateKeysUnder(each.folder);
  const certificates = await certificatesUnder(each.folder);
  const org = each.mspId.toLowerCase();
  const root = new X509Certificate(
    await readFile(join(each.folder, 'network/orgs', org, 'msp/cacerts/ca.pem')),
  );
  expect(keys.size).toBeGreaterThan(5);
  const own = new Set<string>();
  for (const [fingerprint, file] of keys) {
    if (fingerprint === logKey) {
      expect(FOUNDING_ORGANIZATIONS, file).toContain(each.mspId);
      continue;
    }
    own.add(fingerprint);
    const certificate = certificates.get(fingerprint);
    if (certificate !== undefined) {
      // A key with a certificate: the organisation's CA issued it (or it is that CA).
      expect(certificate.verify(root.publicKey), file).toBe(true);
    } else {
      // A witness's note key, or the CA's own Idemix revocation key.
      expect(file).toMatch(
        new RegExp(
          `/orgs/${org}/witness/witness\\.key$|/fabric-ca/${org}/msp/keystore/IssuerRevocationPrivateKey$`,
        ),
      );
    }
  }
  return own;
}

describe('each organisation on its own host', () => {
  it("holds its own private keys only: every key on a host belongs to that host's organisation", async () => {
    const seen = new Map<string, string>();
    for (const mspId of [ORDERER_ORGANIZATION, ...FOUNDING_ORGANIZATIONS]) {
      for (const fingerprint of await expectOwnKeysOnly(host(mspId))) {
        expect(
          seen.get(fingerprint),
          `a key of ${mspId} is also on ${seen.get(fingerprint) ?? ''}`,
        ).toBe(undefined);
        seen.set(fingerprint, mspId);
      }
    }
    // Every organisation made its own keys: CA, admin, nodes, clients.
    expect(new Set(seen.values())).toEqual(
      new Set([ORDERER_ORGANIZATION, ...FOUNDING_ORGANIZATIONS]),
    );
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
    const [first, ...others] = await Promise.all(FOUNDING_ORGANIZATIONS.map(readTrust));
    expect(first?.organizations.map((org) => org.mspId).sort()).toEqual(
      [...FOUNDING_ORGANIZATIONS].sort(),
    );
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

describe('one host of several stops and resumes', () => {
  it('resumes its own nodes with network.sh up, and its organisation writes again', async () => {
    const credit = host('CreditOrg');
    await hosts.network(credit, 'down');
    expect(await hosts.network(credit, 'status')).toMatch(/peer0\.creditorg\s+-\s+stopped/);
    // Only this host's nodes: the others never stopped.
    expect(await hosts.network(host('SandboxOrg'), 'status')).toMatch(
      /peer0\.sandboxorg\s+\d+\s+running/,
    );
    await hosts.network(credit, 'up');
    const status = await hosts.network(credit, 'status');
    for (const name of [caName, peerName, chaincodeServiceName, witnessName]) {
      const node = name('CreditOrg').replaceAll('.', '\\.');
      expect(status).toMatch(new RegExp(`^${node}\\s+\\d+\\s+running`, 'm'));
    }
    // The nodes with a health endpoint answer on it (a contract service has none).
    expect(status).not.toMatch(/unhealthy|stopped/);
    // Its gateway kept running and reconnects to its peer.
    const deadline = Date.now() + 60_000;
    let written: Awaited<ReturnType<typeof call>>;
    do {
      written = await call(
        gateways.CreditOrg,
        'credit-writer',
        'POST',
        '/v1/entries',
        creditChange({}, { recordId: unique('CR-resumed') }),
      );
      if (written.status !== 201) {
        await new Promise((pause) => setTimeout(pause, 500));
      }
    } while (written.status !== 201 && Date.now() < deadline);
    expect(written.status, JSON.stringify(written.body)).toBe(201);
  });
});

/** The chain height a host's own peer reports, as `network.sh status` there shows it. */
async function peerHeight(mspId: string): Promise<number> {
  const status = await hosts.network(host(mspId), 'status');
  const line = status.split('\n').find((row) => row.startsWith(`${peerName(mspId)} `));
  const height = Number(line?.trim().split(/\s+/).at(-1));
  if (!Number.isInteger(height)) {
    throw new Error(`no height for ${mspId}'s peer in:\n${status}`);
  }
  return height;
}

async function sandboxEntry(): Promise<string> {
  const written = await call(gateways.SandboxOrg, 'sandbox-writer', 'POST', '/v1/entries', {
    ...dataAccess(),
  });
  expect(written.status, JSON.stringify(written.body)).toBe(201);
  return written.body.id ?? '';
}

/** The regulator's proof of a sandbox entry, checked offline against a host's trust file. */
async function provenChecks(id: string, trustOf: FoundingOrganization): Promise<CheckResult[]> {
  const bundle = await regulatorProof(id);
  return checkBundle(bundle, await readTrust(trustOf));
}

async function regulatorProof(id: string): Promise<ProofBundle> {
  const proof = await call(
    gateways.RegulatorOrg,
    'regulator',
    'GET',
    `/v1/entries/${encodeURIComponent(`SandboxOrg/${id}`)}/proof`,
  );
  expect(proof.status, JSON.stringify(proof.body)).toBe(200);
  return proof.body as unknown as ProofBundle;
}

function policyDetail(checks: CheckResult[]): string {
  expect(checks.filter((check) => !check.ok)).toEqual([]);
  return checks.find((check) => check.check === 'endorsement policy')?.detail ?? '';
}

/** Every founder's host takes in the channel's new membership: connection and trust files. */
async function refreshFounders(): Promise<void> {
  for (const mspId of FOUNDING_ORGANIZATIONS) {
    await hosts.network(host(mspId), 'host', 'refresh', mspId);
  }
}

describe('a fourth organisation joins the running channel, and is removed', () => {
  const envelopes = () => ({
    add: join(hosts.courier, 'add-bureau.pb'),
    remove: join(hosts.courier, 'remove-bureau.pb'),
  });
  let beforeJoining: string;
  let whileMember: string;

  beforeAll(async () => {
    beforeJoining = await sandboxEntry();
  });

  it('is admitted by an update a majority of the admins signed; one signature is refused', async () => {
    const bureau = host(BUREAU);
    await hosts.network(bureau, 'host', 'init', BUREAU, '--member', '--host', bureau.address);
    await hosts.network(bureau, 'host', 'export', BUREAU, definitionFolder(hosts, BUREAU));
    for (const mspId of [ORDERER_ORGANIZATION, ...FOUNDING_ORGANIZATIONS]) {
      await hosts.network(bureau, 'host', 'import', definitionFolder(hosts, mspId));
      if (mspId !== ORDERER_ORGANIZATION) {
        await hosts.network(host(mspId), 'host', 'import', definitionFolder(hosts, BUREAU));
      }
    }
    const { add } = envelopes();
    await hosts.network(host('SandboxOrg'), 'host', 'propose', 'SandboxOrg', 'add', BUREAU, add);
    await expect(
      hosts.network(host('SandboxOrg'), 'host', 'submit', 'SandboxOrg', add),
    ).rejects.toThrow(/refused[\s\S]*policy/);
    await hosts.network(host('CreditOrg'), 'host', 'sign', 'CreditOrg', add);
    await hosts.network(host('RegulatorOrg'), 'host', 'submit', 'RegulatorOrg', add);
  });

  it('joins its peer from the genesis block, holds the earlier entries, approves the contract', async () => {
    await hosts.network(host(BUREAU), 'host', 'join', BUREAU, channelFolder(hosts));
    await hosts.network(host(BUREAU), 'host', 'finish', BUREAU);
    await refreshFounders();
    const { blockNumber } = (await regulatorProof(beforeJoining)).entry;
    expect(await peerHeight(BUREAU)).toBeGreaterThan(blockNumber);
    // The same trust file on every host, the member's own included.
    const trust = await readTrust('SandboxOrg');
    expect(trust.endorsementPolicy.organizations).toContain(BUREAU);
    for (const mspId of [...FOUNDING_ORGANIZATIONS.slice(1), BUREAU]) {
      const text = await readFile(join(host(mspId).folder, 'network/trust.json'), 'utf8');
      expect(trustFile.parse(JSON.parse(text))).toEqual(trust);
    }
  });

  it('holds only its own keys and none of the consortium secrets', async () => {
    await expectOwnKeysOnly(host(BUREAU));
    const held = await filesUnder(host(BUREAU).folder);
    expect(held.filter((file) => /log\.key$|pseudonym\.key$/.test(file))).toEqual([]);
  });

  it('counts in the endorsement policy: a write now needs three of the four organisations', async () => {
    whileMember = await sandboxEntry();
    expect(policyDetail(await provenChecks(whileMember, 'CreditOrg'))).toMatch(/3 of 4 required/);
    // An entry from before it joined still verifies, under the policy of its block.
    expect(policyDetail(await provenChecks(beforeJoining, 'CreditOrg'))).toMatch(/2 of 3 required/);
  });

  it('refuses to remove a founder, whose roles the contract binds to it', async () => {
    await expect(
      hosts.network(
        host('SandboxOrg'),
        'host',
        'propose',
        'SandboxOrg',
        'remove',
        'CreditOrg',
        join(hosts.courier, 'remove-credit.pb'),
      ),
    ).rejects.toThrow(/holds roles the contract binds to it/);
  });

  it('is removed by a majority of the four admins, and receives no block after', async () => {
    const { remove } = envelopes();
    await hosts.network(
      host('SandboxOrg'),
      'host',
      'propose',
      'SandboxOrg',
      'remove',
      BUREAU,
      remove,
    );
    await hosts.network(host('CreditOrg'), 'host', 'sign', 'CreditOrg', remove);
    // Two of four is not a majority any more.
    await expect(
      hosts.network(host('CreditOrg'), 'host', 'submit', 'CreditOrg', remove),
    ).rejects.toThrow(/refused/);
    await hosts.network(host('RegulatorOrg'), 'host', 'submit', 'RegulatorOrg', remove);
    await refreshFounders();
    const trust = await readTrust('RegulatorOrg');
    expect(trust.endorsementPolicy.organizations).not.toContain(BUREAU);
    expect(trust.endorsementPolicy.earlier).toHaveLength(2);

    const afterLeaving = await sandboxEntry();
    expect(policyDetail(await provenChecks(afterLeaving, 'RegulatorOrg'))).toMatch(
      /2 of 3 required/,
    );
    // Each earlier entry still verifies, under the membership of its block.
    expect(policyDetail(await provenChecks(whileMember, 'RegulatorOrg'))).toMatch(
      /3 of 4 required/,
    );
    expect(policyDetail(await provenChecks(beforeJoining, 'RegulatorOrg'))).toMatch(
      /2 of 3 required/,
    );
    // The orderers deliver no block to a peer of an organisation the channel no longer holds.
    const sandboxHeight = await peerHeight('SandboxOrg');
    await new Promise((pause) => setTimeout(pause, 3000));
    expect(await peerHeight(BUREAU)).toBeLessThan(sandboxHeight);
  });
});
