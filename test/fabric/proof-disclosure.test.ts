/**
 * A proof bundle carries its entry's whole block. When the orderer cut a block holding
 * transactions of two organisations, a writer asking for its own entry's proof would receive the
 * other organisation's transaction with it: the gateway withholds such a bundle from writers
 * (PROOF_WITHHELD) and hands it to a regulator, who may read both.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FabricProofBundle } from '../../gateway/src/proof/proof-bundle.js';
import { startTestGateway, type TestGateway } from '../support/gateway-server.js';
import { creditChange, dataAccess, unique } from '../support/sample-entries.js';
import { CLIENTS, connectAs, type Session } from './network.js';

let gateway: TestGateway;
let sandbox: Session;
let credit: Session;

beforeAll(async () => {
  gateway = await startTestGateway();
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
async function entriesSharingABlock(): Promise<{ sandboxId: string; creditId: string }> {
  for (let attempt = 1; attempt <= 10; attempt += 1) {
    const sandboxId = unique('shared-block-sandbox');
    const creditId = unique('shared-block-credit');
    const endorsed = await Promise.all([
      sandbox.contract
        .newProposal('RecordEntry', { arguments: [JSON.stringify(dataAccess({ id: sandboxId }))] })
        .endorse(),
      credit.contract
        .newProposal('RecordEntry', {
          arguments: [JSON.stringify(creditChange({ id: creditId }))],
        })
        .endorse(),
    ]);
    const submitted = await Promise.all(endorsed.map((transaction) => transaction.submit()));
    const statuses = await Promise.all(submitted.map((commit) => commit.getStatus()));
    expect(statuses.every((status) => status.successful)).toBe(true);
    if (statuses[0]?.blockNumber === statuses[1]?.blockNumber) {
      return { sandboxId, creditId };
    }
  }
  throw new Error('ten attempts never put the two entries in one block');
}

describe("a block holding two organisations' transactions", () => {
  test('gives neither writer a bundle, and gives the regulator both', async () => {
    const { sandboxId, creditId } = await entriesSharingABlock();

    for (const [id, role] of [
      [sandboxId, 'sandbox-writer'],
      [creditId, 'credit-writer'],
    ] as const) {
      const withheld = await gateway.request<{ error: { code: string; message: string } }>(
        'GET',
        `/v1/entries/${id}/proof`,
        { key: gateway.keys[role] },
      );
      expect([withheld.status, withheld.body.error.code]).toEqual([403, 'PROOF_WITHHELD']);
      expect(withheld.body.error.message).toContain('a regulator can obtain');
      // Nothing of the other organisation's entry is in the refusal.
      expect(withheld.text).not.toContain(id === sandboxId ? creditId : sandboxId);

      const qualified = encodeURIComponent(
        `${role === 'sandbox-writer' ? 'SandboxOrg' : 'CreditOrg'}/${id}`,
      );
      const proof = await gateway.request<FabricProofBundle>(
        'GET',
        `/v1/entries/${qualified}/proof`,
        { key: gateway.keys.regulator },
      );
      expect(proof.status, proof.text).toBe(200);
      expect(proof.body.entry.id).toBe(id);
    }
  });

  test('gives a writer the bundle of a block holding only its own organisation’s transactions', async () => {
    const written = await gateway.request<{ id: string }>('POST', '/v1/entries', {
      key: gateway.keys['sandbox-writer'],
      body: dataAccess(),
    });
    expect(written.status, written.text).toBe(201);

    const proof = await gateway.request('GET', `/v1/entries/${written.body.id}/proof`, {
      key: gateway.keys['sandbox-writer'],
    });
    expect(proof.status, proof.text).toBe(200);
  });
});
