import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LedgerStore } from '../../gateway/src/embedded/ledger-store.js';
import type { SignedCheckpoint } from '../../gateway/src/transparency/checkpoint-log.js';
import { leafHash, verifyInclusion } from '../../verifier/src/transparency/merkle-tree.js';
import { startTestGateway, type ErrorBody, type TestGateway } from '../support/gateway-server.js';
import { runGatewayProgram } from '../support/processes.js';
import { rewriteHistory } from '../support/rewrite-history.js';
import { dataAccess } from '../support/sample-entries.js';

/** The offline verifier, with its stdout and stderr together. */
async function auditLedger(...args: string[]) {
  const { code, stdout, stderr } = await runGatewayProgram('cli/audit-ledger.js', args);
  return { code, stdout: stdout + stderr };
}

let gateway: TestGateway;
let folder: string;
let trust: string;

async function writeEntries(count: number) {
  for (let index = 0; index < count; index += 1) {
    const response = await gateway.request('POST', '/v1/entries', {
      key: gateway.keys['sandbox-writer'],
      body: dataAccess(),
    });
    expect(response.status).toBe(201);
  }
}

async function latest(): Promise<SignedCheckpoint> {
  const response = await gateway.request<SignedCheckpoint>('GET', '/v1/checkpoints/latest', {
    key: gateway.keys.regulator,
  });
  expect(response.status).toBe(200);
  return response.body;
}

async function saved(name: string, content: unknown): Promise<string> {
  const file = join(folder, name);
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

beforeAll(async () => {
  gateway = await startTestGateway();
  folder = await mkdtemp(join(tmpdir(), 'audit-checkpoints-'));
  trust = join(gateway.dataDir, 'trust.json');
});
afterAll(async () => {
  await gateway.close();
  await rm(folder, { recursive: true, force: true });
});

describe('checkpoints, witnessed and provable', () => {
  let first: SignedCheckpoint;
  let second: SignedCheckpoint;
  // The ledger starts with the block recording the consortium's pseudonym key fingerprint.
  const SETUP_BLOCKS = 1;

  test('the latest checkpoint covers every block and all three organisations’ witnesses cosign it', async () => {
    await writeEntries(3);
    first = await latest();

    expect(first.size).toBe(SETUP_BLOCKS + 3);
    expect(first.cosignedBy).toEqual([
      'witness.sandboxorg',
      'witness.creditorg',
      'witness.regulatororg',
    ]);
    expect(first.note.split('\n').slice(0, 3)).toEqual([
      first.origin,
      String(first.size),
      first.rootHash,
    ]);
    const verified = await auditLedger(
      'verify-checkpoint',
      await saved('first.note', first.note),
      '--trust',
      trust,
    );
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain('VERIFIED');
  });

  test('a regulator proves offline that the later tree extends the one seen before', async () => {
    await writeEntries(2);
    second = await latest();
    const proof = await gateway.request<{ hashes: string[] }>(
      'GET',
      `/v1/proofs/consistency?from=${first.size}&to=${second.size}`,
      {
        key: gateway.keys.regulator,
      },
    );

    const files = [
      await saved('old.json', first),
      await saved('new.note', second.note),
      await saved('proof.json', proof.body),
    ];
    const result = await auditLedger('verify-consistency', ...files, '--trust', trust, '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ verified: true });

    const tampered = proof.body.hashes.map((hash, index) =>
      index === 0 ? Buffer.alloc(32, 9).toString('base64') : hash,
    );
    const badProof = await saved('bad-proof.json', { hashes: tampered });
    const refused = await auditLedger(
      'verify-consistency',
      files[0] ?? '',
      files[1] ?? '',
      badProof,
      '--trust',
      trust,
    );
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('[CONSISTENCY_PROOF]');
  });

  test('a block’s inclusion proof ties its header hash to the signed root', async () => {
    const proof = await gateway.request<{ leafHash: string; hashes: string[] }>(
      'GET',
      `/v1/proofs/inclusion?block=1&treeSize=${second.size}`,
      { key: gateway.keys['credit-writer'] },
    );
    const store = new LedgerStore(join(gateway.dataDir, 'ledger.sqlite'));
    const headerHash = Buffer.from(store.block(1)?.headerHash ?? '', 'hex');
    store.close();

    expect(proof.body.leafHash).toBe(leafHash(headerHash).toString('base64'));
    const hashes = proof.body.hashes.map((hash) => Buffer.from(hash, 'base64'));
    expect(
      verifyInclusion(
        leafHash(headerHash),
        1,
        second.size,
        hashes,
        Buffer.from(second.rootHash, 'base64'),
      ),
    ).toBe(true);
  });

  test('a checkpoint altered after signing, or checked against another ledger’s keys, fails', async () => {
    const altered = second.note.replace(`\n${second.size}\n`, `\n${second.size + 1}\n`);
    const badSignature = await auditLedger(
      'verify-checkpoint',
      await saved('altered.note', altered),
      '--trust',
      trust,
    );
    expect([badSignature.code, badSignature.stdout.includes('[CHECKPOINT_SIGNATURE]')]).toEqual([
      1,
      true,
    ]);

    const other = await startTestGateway();
    try {
      const foreign = await auditLedger(
        'verify-checkpoint',
        await saved('second.note', second.note),
        '--trust',
        join(other.dataDir, 'trust.json'),
      );
      expect([foreign.code, foreign.stdout.includes('[CHECKPOINT_SIGNATURE]')]).toEqual([1, true]);
    } finally {
      await other.close();
    }
  });

  test('when history is rewritten, the witnesses refuse and the regulator’s checks fail', async () => {
    rewriteHistory(gateway.dataDir);
    await writeEntries(1);

    const forged = await latest();
    expect(forged.size).toBe(second.size + 1);
    expect(forged.cosignedBy).toEqual([]);
    expect(gateway.logs.some((line) => line.includes('witness refused the checkpoint'))).toBe(true);

    const proof = await gateway.request<{ hashes: string[] }>(
      'GET',
      `/v1/proofs/consistency?from=${second.size}&to=${forged.size}`,
      {
        key: gateway.keys.regulator,
      },
    );
    const result = await auditLedger(
      'verify-consistency',
      await saved('before.note', second.note),
      await saved('forged.note', forged.note),
      await saved('forged-proof.json', proof.body),
      '--trust',
      trust,
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('[WITNESS_QUORUM]');
    expect(result.stdout).toContain('[CONSISTENCY_PROOF]');
  });

  test.each([
    ['/v1/proofs/inclusion?block=9&treeSize=5', 'a block outside the tree'],
    ['/v1/proofs/inclusion?block=0&treeSize=999', 'a tree larger than the ledger'],
    ['/v1/proofs/consistency?from=4&to=2', 'a shrinking range'],
    ['/v1/proofs/consistency?from=a&to=2', 'a non-number'],
    ['/v1/proofs/inclusion?block=&treeSize=5', 'an empty number'],
  ])('%s (%s) is 400 INVALID_QUERY', async (path) => {
    const response = await gateway.request<ErrorBody>('GET', path, { key: gateway.keys.regulator });
    expect([response.status, response.body.error.code]).toEqual([400, 'INVALID_QUERY']);
  });

  test('input the verifier cannot read exits 2', async () => {
    const missing = await auditLedger(
      'verify-checkpoint',
      join(folder, 'nope.note'),
      '--trust',
      trust,
    );
    const noTrust = await auditLedger('verify-checkpoint', await saved('x.note', second.note));
    expect([missing.code, noTrust.code]).toEqual([2, 2]);
  });
});
