import { sign } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { canonicalJson, entryDigest } from '../../chaincode/src/index.js';
import { sha256Hex } from '../../verifier/src/embedded/block-log.js';
import {
  createCertificateAuthority,
  issueNodeIdentity,
} from '../../gateway/src/identity/x509-identities.js';
import { wholeEntry } from '../../gateway/src/ledger/ledger.js';
import type { EmbeddedProofBundle as ProofBundle } from '../../verifier/src/proof-bundle.js';
import { endorsedResultBytes } from '../../verifier/src/signed-payloads.js';
import { trustFile, type TrustFile } from '../../verifier/src/transparency/trust-file.js';
import { checkBundle } from '../../verifier/src/bundle-checks.js';
import { startTestGateway, type ErrorBody, type TestGateway } from '../support/gateway-server.js';
import { runGatewayProgram } from '../support/processes.js';
import { creditChange, dataAccess } from '../support/sample-entries.js';

let gateway: TestGateway;
let trust: TrustFile;
let bundle: ProofBundle;
let folder: string;

function reasons(candidate: ProofBundle, trusted = trust): string[] {
  return checkBundle(candidate, trusted).flatMap((check) =>
    check.ok ? [] : [check.reason ?? '?'],
  );
}

function copy(): ProofBundle {
  return structuredClone(bundle);
}

function flipByte(base64: string): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
  return bytes.toString('base64');
}

async function fetchBundle(id: string, key = gateway.keys.regulator) {
  return gateway.request<ProofBundle>('GET', `/v1/entries/${id}/proof`, { key });
}

beforeAll(async () => {
  gateway = await startTestGateway();
  folder = await mkdtemp(join(tmpdir(), 'audit-bundles-'));
  const sandbox = gateway.keys['sandbox-writer'];
  await gateway.request('POST', '/v1/entries', {
    key: sandbox,
    body: dataAccess({ id: 'bundle-0' }),
  });
  await gateway.request('POST', '/v1/entries', {
    key: sandbox,
    body: dataAccess({ id: 'bundle-1' }),
  });
  await gateway.request('POST', '/v1/entries', {
    key: sandbox,
    body: dataAccess({ id: 'bundle-2' }),
  });
  trust = trustFile.parse(JSON.parse(await readFile(join(gateway.dataDir, 'trust.json'), 'utf8')));
  const response = await fetchBundle('bundle-1');
  expect(response.status).toBe(200);
  bundle = response.body;
});
afterAll(async () => {
  await gateway.close();
  await rm(folder, { recursive: true, force: true });
});

describe('GET /v1/entries/{id}/proof', () => {
  test('an untouched bundle passes every check', () => {
    const checks = checkBundle(bundle, trust);
    expect(checks.filter((check) => !check.ok)).toEqual([]);
    expect(checks.map((check) => check.check)).toEqual([
      'entry digest',
      'canonical entry',
      'transaction in block',
      'write set',
      'data hash',
      'header hash',
      'creator signature',
      'submitter',
      'endorsement policy',
      'orderer signature',
      'validation code',
      'checkpoint signed by the log',
      'checkpoint origin',
      'checkpoint witnessed',
      'block in checkpoint',
    ]);
    expect(bundle).toMatchObject({
      format: 'audit-ledger-proof/1',
      ledger: 'embedded',
      channel: 'audit',
    });
  });

  test('a credit change written by another organisation proves just as well', async () => {
    await gateway.request('POST', '/v1/entries', {
      key: gateway.keys['credit-writer'],
      body: creditChange({ id: 'bundle-credit' }),
    });
    const response = await fetchBundle('bundle-credit');
    expect(reasons(response.body)).toEqual([]);
    expect(response.body.block.transactions[0]?.creator.mspId).toBe('CreditOrg');
  });

  test('another organisation’s writer gets 404, as for the entry itself', async () => {
    const response = await gateway.request<ErrorBody>('GET', '/v1/entries/bundle-1/proof', {
      key: gateway.keys['credit-writer'],
    });
    expect([response.status, response.body.error.code]).toEqual([404, 'NOT_FOUND']);
  });
});

describe('the verifier catches one changed thing, and says which', () => {
  test.each<[string, (candidate: ProofBundle) => void, string]>([
    [
      'a byte of the payload',
      (candidate) => {
        (wholeEntry(candidate.entry).payload as { action: string }).action = 'export';
      },
      'ENTRY_DIGEST',
    ],
    [
      'the payload with a recomputed digest',
      (candidate) => {
        (wholeEntry(candidate.entry).payload as { action: string }).action = 'export';
        candidate.entry.digest = entryDigest(wholeEntry(candidate.entry));
      },
      'ENTRY_MISMATCH',
    ],
    [
      'the stored form to match a forged entry',
      (candidate) => {
        (wholeEntry(candidate.entry).payload as { action: string }).action = 'export';
        candidate.entry.digest = entryDigest(wholeEntry(candidate.entry));
        const { blockNumber: _n, ...committed } = candidate.entry;
        candidate.canonicalEntry = canonicalJson(committed);
      },
      'WRITE_SET',
    ],
    [
      'a write recorded in the block',
      (candidate) => {
        const write = candidate.block.transactions[0]?.writes.at(-1);
        if (write !== undefined) {
          write.valueSha256 = '0'.repeat(64);
        }
      },
      'DATA_HASH',
    ],
    [
      'the header’s data hash',
      (candidate) => {
        candidate.block.header.dataHash = '1'.repeat(64);
      },
      'HEADER_HASH',
    ],
    [
      'the creator’s signature',
      (candidate) => {
        const record = candidate.block.transactions[0];
        if (record !== undefined) {
          record.creatorSignature = flipByte(record.creatorSignature);
        }
      },
      'CREATOR_SIGNATURE',
    ],
    [
      'an endorsement signature',
      (candidate) => {
        const endorsement = candidate.block.transactions[0]?.endorsements[1];
        if (endorsement !== undefined) {
          endorsement.signature = flipByte(endorsement.signature);
        }
      },
      'ENDORSEMENT_SIGNATURE',
    ],
    [
      'the endorsements, down to one organisation',
      (candidate) => {
        const record = candidate.block.transactions[0];
        if (record !== undefined) {
          record.endorsements = record.endorsements.slice(0, 1);
        }
      },
      'ENDORSEMENT_POLICY',
    ],
    [
      'the orderer’s signature, dropped',
      (candidate) => {
        delete candidate.block.ordererSignature;
      },
      'ORDERER_SIGNATURE',
    ],
    [
      'the orderer’s signature, replaced by a peer’s',
      (candidate) => {
        const endorsement = candidate.block.transactions[0]?.endorsements[0];
        if (endorsement !== undefined) {
          candidate.block.ordererSignature = { ...endorsement };
        }
      },
      'ORDERER_SIGNATURE',
    ],
    [
      'the validation reports, down to one organisation',
      (candidate) => {
        candidate.validation = candidate.validation.slice(0, 1);
      },
      'VALIDATION_CODE',
    ],
    [
      'the submitter’s organisation',
      (candidate) => {
        candidate.entry.submitter.mspId = 'RegulatorOrg';
      },
      'SUBMITTER_MISMATCH',
    ],
    [
      'the checkpoint’s root',
      (candidate) => {
        const lines = candidate.checkpoint.note.split('\n');
        lines[2] = Buffer.alloc(32, 5).toString('base64');
        candidate.checkpoint.note = lines.join('\n');
      },
      'CHECKPOINT_SIGNATURE',
    ],
    [
      'the witnesses’ cosignatures',
      (candidate) => {
        const lines = candidate.checkpoint.note.split('\n');
        const blank = lines.indexOf('');
        candidate.checkpoint.note = `${lines.slice(0, blank + 2).join('\n')}\n`;
      },
      'WITNESS_QUORUM',
    ],
    [
      'an element of the inclusion proof',
      (candidate) => {
        candidate.checkpoint.inclusion[0] = Buffer.alloc(32, 3).toString('base64');
      },
      'INCLUSION_PROOF',
    ],
  ])('%s', (_case, tamper, reason) => {
    const candidate = copy();
    tamper(candidate);
    expect(reasons(candidate)).toContain(reason);
  });

  test('an endorser certificate from an untrusted CA is refused, though its signature is valid', async () => {
    const rogueCa = await createCertificateAuthority('CreditOrg', {
      notBefore: new Date('2025-01-01T00:00:00Z'),
      notAfter: new Date('2035-01-01T00:00:00Z'),
    });
    const rogue = await issueNodeIdentity(rogueCa, 'peer0.creditorg', 'peer', {
      notBefore: new Date('2025-01-01T00:00:00Z'),
      notAfter: new Date('2035-01-01T00:00:00Z'),
    });
    const candidate = copy();
    const record = candidate.block.transactions[0];
    if (record === undefined) {
      throw new Error('no transaction');
    }
    const hash = sha256Hex(rogue.certificatePem);
    candidate.certificates[hash] = rogue.certificatePem;
    record.endorsements = record.endorsements.map((endorsement) =>
      endorsement.mspId === 'CreditOrg'
        ? {
            mspId: 'CreditOrg',
            certificateSha256: hash,
            signature: sign('sha256', endorsedResultBytes(record), rogue.privateKeyPem).toString(
              'base64',
            ),
          }
        : endorsement,
    );

    expect(reasons(candidate)).toContain('UNTRUSTED_CERTIFICATE');
  });

  test('an endorsement signed with a client certificate of the organisation does not count', () => {
    const candidate = copy();
    const record = candidate.block.transactions[0];
    if (record === undefined) {
      throw new Error('no transaction');
    }
    // The creator is a SandboxOrg client: its certificate chains to SandboxOrg's root.
    record.endorsements = record.endorsements.map((endorsement) =>
      endorsement.mspId === record.creator.mspId
        ? { ...endorsement, certificateSha256: record.creator.certificateSha256 }
        : endorsement,
    );
    expect(
      checkBundle(candidate, trust).find((check) => check.reason === 'UNTRUSTED_CERTIFICATE')
        ?.detail,
    ).toMatch(/is not a peer certificate/);
  });

  test('the whole bundle checked against another ledger’s trust file fails', async () => {
    const other = await startTestGateway();
    try {
      const foreign = trustFile.parse(
        JSON.parse(await readFile(join(other.dataDir, 'trust.json'), 'utf8')),
      );
      expect(reasons(bundle, foreign)).toEqual(
        expect.arrayContaining([
          'UNTRUSTED_CERTIFICATE',
          'ORDERER_SIGNATURE',
          'CHECKPOINT_SIGNATURE',
        ]),
      );
    } finally {
      await other.close();
    }
  });
});

describe('npx audit-ledger verify', () => {
  async function cli(...args: string[]) {
    const { code, stdout, stderr } = await runGatewayProgram('cli/audit-ledger.js', args);
    return { code, stdout: stdout + stderr };
  }

  test('exit 0 and a checklist for a sound bundle; exit 1 naming the reason for a tampered one', async () => {
    const sound = join(folder, 'bundle.json');
    await writeFile(sound, JSON.stringify(bundle));
    const trustPath = join(gateway.dataDir, 'trust.json');

    const passed = await cli('verify', sound, '--trust', trustPath);
    expect(passed.code).toBe(0);
    expect(passed.stdout).toContain('✓ endorsement policy');
    expect(passed.stdout.trim().endsWith('VERIFIED')).toBe(true);

    const tampered = copy();
    (wholeEntry(tampered.entry).payload as { action: string }).action = 'export';
    const bad = join(folder, 'tampered.json');
    await writeFile(bad, JSON.stringify(tampered));
    const failed = await cli('verify', bad, '--trust', trustPath, '--json');
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout)).toMatchObject({
      verified: false,
      checks: expect.arrayContaining([
        expect.objectContaining({ reason: 'ENTRY_DIGEST' }),
      ]) as unknown,
    });

    const brokenTrust = join(folder, 'broken-trust.json');
    await writeFile(
      brokenTrust,
      JSON.stringify({ ...trust, checkpoints: { ...trust.checkpoints, logKey: 'not+a+key' } }),
    );
    const unusable = await cli('verify', sound, '--trust', brokenTrust);
    expect([unusable.code, unusable.stdout]).toEqual([
      2,
      expect.stringContaining('unusable key') as unknown,
    ]);

    const malformed = join(folder, 'malformed.json');
    await writeFile(malformed, '{"format":"audit-ledger-proof/1"}');
    expect((await cli('verify', malformed, '--trust', trustPath)).code).toBe(2);
  });

  test('an evidence package: its checkpoint and every bundle, each entry with its checklist', async () => {
    const trustPath = join(gateway.dataDir, 'trust.json');
    const checkpoint = await gateway.request('GET', '/v1/checkpoints/latest', {
      key: gateway.keys.regulator,
    });
    const bundles = await Promise.all(
      ['bundle-0', 'bundle-2'].map(async (id) => (await fetchBundle(id)).body),
    );
    const evidence = {
      format: 'audit-ledger-evidence/1',
      createdAt: new Date().toISOString(),
      query: { source: bundle.entry.source },
      checkpoint: checkpoint.body,
      bundles,
    };
    const file = async (name: string, value: unknown) => {
      const path = join(folder, name);
      await writeFile(path, JSON.stringify(value));
      return path;
    };

    const sound = await cli('verify', await file('evidence.json', evidence), '--trust', trustPath);
    expect(sound.code).toBe(0);
    expect(sound.stdout).toContain('entry bundle-0\n✓ entry digest');
    expect(sound.stdout).toContain('entry bundle-2\n');
    expect(sound.stdout).toContain('2 entries, 0 not verified\nVERIFIED');

    const [first, second] = bundles;
    const altered = structuredClone(second) as ProofBundle;
    (wholeEntry(altered.entry).payload as { action: string }).action = 'export';
    const tampered = await cli(
      'verify',
      await file('evidence-tampered.json', { ...evidence, bundles: [first, altered] }),
      '--trust',
      trustPath,
      '--json',
    );
    expect(tampered.code).toBe(1);
    const report = JSON.parse(tampered.stdout) as {
      verified: boolean;
      entries: { id: string; verified: boolean }[];
    };
    expect(report.verified).toBe(false);
    expect(report.entries.map((entry) => [entry.id, entry.verified])).toEqual([
      ['bundle-0', true],
      ['bundle-2', false],
    ]);

    const empty = await cli(
      'verify',
      await file('evidence-empty.json', { ...evidence, bundles: [] }),
      '--trust',
      trustPath,
    );
    expect([empty.code, empty.stdout]).toEqual([
      2,
      expect.stringContaining(
        'the evidence package is not audit-ledger-evidence/1: bundles',
      ) as unknown,
    ]);
  });
});
