/**
 * A proof bundle carries its entry's whole block. When the orderer cut a block holding
 * transactions of two organisations, a writer asking for its own entry's proof receives its own
 * transaction alone, every other one as its envelope's hash, with the witnesses' signed
 * statements that those are the block's envelopes; it verifies offline all the same. A
 * regulator, who may read both, receives the whole block.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { standardConsortium, standardKinds } from '@audit-ledger/chaincode';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type {
  FabricProofBundle,
  FabricTransactionBundle,
  ProofBundle,
} from '../../verifier/src/proof-bundle.js';
import { recordingCall } from '../../gateway/src/ledger/recording-call.js';
import { trustFile, type TrustFile } from '../../verifier/src/transparency/trust-file.js';
import { checkBundle } from '../../verifier/src/bundle-checks.js';
import { startTestGateway, type TestGateway } from '../support/gateway-server.js';
import { runGatewayProgram } from '../support/processes.js';
import { creditChange, dataAccess, unique } from '../support/sample-entries.js';
import { sentAsTheGatewaySends } from './ledger-calls.js';
import { CLIENTS, connectAs, type Session } from './network.js';

const TRUST_FILE = join(resolve(__dirname, '../../network/.state'), 'trust.json');

let gateway: TestGateway;
let sandbox: Session;
let credit: Session;
let trust: TrustFile;

beforeAll(async () => {
  gateway = await startTestGateway();
  trust = trustFile.parse(JSON.parse(await readFile(TRUST_FILE, 'utf8')));
  sandbox = connectAs(CLIENTS.sandbox.mspId, CLIENTS.sandbox.name);
  credit = connectAs(CLIENTS.credit.mspId, CLIENTS.credit.name);
});

afterAll(async () => {
  sandbox.close();
  credit.close();
  await gateway.close();
});

/**
 * A SandboxOrg entry and a CreditOrg entry in one block: both endorsed first, then submitted
 * together, inside the orderer's 50 ms batch window (tried again until they share a block).
 */
async function entriesSharingABlock(): Promise<{
  sandboxId: string;
  creditId: string;
  recordId: string;
}> {
  for (let attempt = 1; attempt <= 10; attempt += 1) {
    const sandboxId = unique('shared-block-sandbox');
    const creditId = unique('shared-block-credit');
    const recordId = unique('CR-shared-block');
    const creditCall = recordingCall(
      standardKinds,
      standardConsortium,
      [creditChange({ id: creditId }, { recordId })],
      true,
    );
    const endorsed = await Promise.all([
      sandbox.contract
        .newProposal('RecordEntry', { arguments: [JSON.stringify(dataAccess({ id: sandboxId }))] })
        .endorse(),
      credit.contract
        .newProposal('RecordEntry', {
          ...sentAsTheGatewaySends(creditCall),
          arguments: [creditCall.argument],
        })
        .endorse(),
    ]);
    const submitted = await Promise.all(endorsed.map((transaction) => transaction.submit()));
    const statuses = await Promise.all(submitted.map((commit) => commit.getStatus()));
    expect(statuses.every((status) => status.successful)).toBe(true);
    if (statuses[0]?.blockNumber === statuses[1]?.blockNumber) {
      return { sandboxId, creditId, recordId };
    }
  }
  throw new Error('ten attempts never put the two entries in one block');
}

function failures(bundle: ProofBundle): string[] {
  return checkBundle(bundle, trust).flatMap((check) => (check.ok ? [] : [check.reason ?? '?']));
}

async function proofFor(id: string, key: string) {
  return gateway.request<ProofBundle>('GET', `/v1/entries/${encodeURIComponent(id)}/proof`, {
    key,
  });
}

let shared: Awaited<ReturnType<typeof entriesSharingABlock>>;
let ownOnly: FabricTransactionBundle;

describe("a block holding two organisations' transactions", () => {
  beforeAll(async () => {
    shared = await entriesSharingABlock();
  });

  test("gives each writer its own transaction alone, which verifies, and nothing of the other's", async () => {
    for (const [id, role, otherId] of [
      [shared.sandboxId, 'sandbox-writer', shared.creditId],
      [shared.creditId, 'credit-writer', shared.sandboxId],
    ] as const) {
      const answer = await proofFor(id, gateway.keys[role]);
      expect(answer.status, answer.text).toBe(200);
      const bundle = answer.body as FabricTransactionBundle;
      expect(bundle.disclosure).toBe('transaction');
      expect(bundle.block.envelopeHashes.length).toBeGreaterThanOrEqual(2);
      expect(bundle.statements.length).toBeGreaterThanOrEqual(trust.checkpoints.witnessQuorum);
      expect(failures(bundle)).toEqual([]);
      // Neither in the JSON nor inside the carried envelope: the other entry's id and record.
      const carried = `${answer.text}${Buffer.from(bundle.block.transaction, 'base64').toString('latin1')}`;
      expect(carried).not.toContain(otherId);
      if (role === 'sandbox-writer') {
        expect(carried).not.toContain(shared.recordId);
        ownOnly = bundle;
      }
    }
  });

  test('gives the regulator the whole block, which holds both', async () => {
    const answer = await proofFor(`CreditOrg/${shared.creditId}`, gateway.keys.regulator);
    expect(answer.status, answer.text).toBe(200);
    const bundle = answer.body as FabricProofBundle;
    expect(bundle.peerBlocks.length).toBeGreaterThan(0);
    const block = Buffer.from(bundle.peerBlocks[0]?.proposalResponsePayload ?? '', 'base64');
    expect(block.toString('latin1')).toContain(shared.sandboxId);
    expect(failures(bundle)).toEqual([]);
  });

  test('fails offline when a hash, a statement, the header or the transaction is changed', () => {
    const changed = (edit: (bundle: FabricTransactionBundle) => void) => {
      const copy = structuredClone(ownOnly);
      edit(copy);
      return failures(copy);
    };
    const other = ownOnly.transactionIndex === 0 ? 1 : 0;
    expect(
      changed((bundle) => {
        bundle.block.envelopeHashes[other] = Buffer.alloc(32, 7).toString('base64');
      }),
    ).toEqual(expect.arrayContaining(['BLOCK_STATEMENT', 'WITNESS_QUORUM']));
    expect(
      changed((bundle) => {
        bundle.statements = bundle.statements.slice(0, trust.checkpoints.witnessQuorum - 1);
      }),
    ).toEqual(['WITNESS_QUORUM']);
    expect(
      changed((bundle) => {
        // Another header hash under each witness's signature: the signatures break.
        bundle.statements = bundle.statements.map((note) => {
          const lines = note.split('\n');
          lines[3] = Buffer.alloc(32, 1).toString('base64');
          return lines.join('\n');
        });
      }),
    ).toEqual(expect.arrayContaining(['BLOCK_STATEMENT', 'WITNESS_QUORUM']));
    expect(
      changed((bundle) => {
        bundle.block.dataHash = Buffer.alloc(32, 9).toString('base64');
      }),
    ).toEqual(expect.arrayContaining(['WITNESS_QUORUM', 'ORDERER_SIGNATURE', 'INCLUSION_PROOF']));
    expect(
      changed((bundle) => {
        bundle.transactionIndex = other;
      }),
    ).toContain('TX_NOT_IN_BLOCK');
  });
});

test('npx audit-ledger verify passes the transaction form, naming the witnesses’ statements', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'audit-transaction-form-'));
  try {
    const file = join(folder, 'bundle.json');
    await writeFile(file, JSON.stringify(ownOnly));
    const result = await runGatewayProgram('cli/audit-ledger.js', [
      'verify',
      file,
      '--trust',
      TRUST_FILE,
    ]);
    expect(result.stdout).toContain('✓ block statements');
    expect(result.stdout).toMatch(/VERIFIED\n$/);
    expect(result.code).toBe(0);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});

describe('a block holding only the writer’s own organisation’s transactions', () => {
  test('gives the writer the whole block', async () => {
    const written = await gateway.request<{ id: string }>('POST', '/v1/entries', {
      key: gateway.keys['sandbox-writer'],
      body: dataAccess(),
    });
    expect(written.status, written.text).toBe(201);

    const answer = await proofFor(written.body.id, gateway.keys['sandbox-writer']);
    expect(answer.status, answer.text).toBe(200);
    expect('peerBlocks' in answer.body).toBe(true);
    expect(failures(answer.body)).toEqual([]);
  });
});
