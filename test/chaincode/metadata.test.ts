import { beforeAll, describe, expect, test } from 'vitest';
import { ContractHarness } from '../support/contract-harness.js';
import { testIdentities, type TestIdentities } from '../support/identities.js';
import { entryOf, errorOf, payloadOf } from '../support/results.js';
import { dataAccess } from '../support/sample-entries.js';

let ids: TestIdentities;
beforeAll(async () => {
  ids = await testIdentities();
});

interface ContractMetadata {
  contracts: Record<
    string,
    {
      transactions: {
        name: string;
        tag: string[];
        parameters: { name: string; schema: { type: string } }[];
      }[];
    }
  >;
}

describe('the contract as Fabric sees it', () => {
  test('metadata lists every transaction, submit or evaluate, with typed parameters and no way to change an entry', async () => {
    const harness = new ContractHarness();
    const metadata = JSON.parse(
      payloadOf(await harness.evaluate(ids.regulator, 'org.hyperledger.fabric:GetMetadata')),
    ) as ContractMetadata;

    const transactions = metadata.contracts.audit?.transactions ?? [];
    expect(
      transactions.map(({ name, tag, parameters }) => ({
        name,
        kind: tag[0],
        parameters: parameters.map((parameter) => `${parameter.name}:${parameter.schema.type}`),
      })),
    ).toEqual([
      { name: 'RecordEntry', kind: 'SUBMIT', parameters: ['request:string'] },
      { name: 'RecordEntries', kind: 'SUBMIT', parameters: ['entries:string'] },
      { name: 'GetEntry', kind: 'EVALUATE', parameters: ['id:string'] },
      { name: 'GetEntries', kind: 'EVALUATE', parameters: ['ids:string'] },
      { name: 'EraseEntry', kind: 'SUBMIT', parameters: ['request:string'] },
      { name: 'ListDueErasures', kind: 'EVALUATE', parameters: ['query:string'] },
      { name: 'RecordPseudonymKey', kind: 'SUBMIT', parameters: ['fingerprint:string'] },
      { name: 'GetPseudonymKey', kind: 'EVALUATE', parameters: [] },
    ]);
  });

  test('the contract answers by its qualified name too', async () => {
    const harness = new ContractHarness();
    entryOf(
      await harness.submit(ids.sandboxWriter, 'audit:RecordEntry', JSON.stringify(dataAccess())),
    );
  });

  test.each(['DeleteEntry', 'UpdateEntry', 'audit:PutState'])(
    '%s is an unknown transaction',
    async (name) => {
      const harness = new ContractHarness();
      errorOf(await harness.submit(ids.sandboxWriter, name, 'x'), 'UNKNOWN_TRANSACTION');
    },
  );
});
