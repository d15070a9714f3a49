/**
 * An organisation's CA can write any `audit.role` into the certificates it issues. On the network,
 * the contract honours a role only from the organisations the consortium lets grant it: SandboxOrg
 * minting itself a regulator or a credit writer gets nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditChange, unique } from '../support/sample-entries.js';
import { expectContractError, recordEntry } from './ledger-calls.js';
import { CLIENTS, connectAs, networkCommand, type Session } from './network.js';

const SELF_MADE_REGULATOR = unique('self-made-regulator');
const SELF_MADE_CREDIT_WRITER = unique('self-made-credit-writer');

let credit: Session;
let regulator: Session;
let selfMadeRegulator: Session;
let selfMadeCreditWriter: Session;

beforeAll(async () => {
  await networkCommand('identity', 'add', 'SandboxOrg', SELF_MADE_REGULATOR, 'regulator');
  await networkCommand('identity', 'add', 'SandboxOrg', SELF_MADE_CREDIT_WRITER, 'credit-writer');
  credit = connectAs(CLIENTS.credit.mspId, CLIENTS.credit.name);
  regulator = connectAs(CLIENTS.regulator.mspId, CLIENTS.regulator.name);
  selfMadeRegulator = connectAs('SandboxOrg', SELF_MADE_REGULATOR);
  selfMadeCreditWriter = connectAs('SandboxOrg', SELF_MADE_CREDIT_WRITER);
});

afterAll(async () => {
  for (const session of [credit, regulator, selfMadeRegulator, selfMadeCreditWriter]) {
    session.close();
  }
  await networkCommand('identity', 'revoke', 'SandboxOrg', SELF_MADE_REGULATOR);
  await networkCommand('identity', 'revoke', 'SandboxOrg', SELF_MADE_CREDIT_WRITER);
});

describe('roles bound to organisations, on the network', () => {
  it("refuses a regulator certificate from SandboxOrg's CA every read of CreditOrg's entries", async () => {
    const recordId = unique('CR-role-binding');
    const { entry } = await recordEntry(credit.contract, creditChange({}, { recordId }));
    // The real regulator reads it: the entry is there to be read.
    await regulator.contract.evaluateTransaction('GetEntry', entry.id);

    const reads: [string, string][] = [
      ['GetEntry', entry.id],
      ['GetEntry', `CreditOrg/${entry.id}`],
      ['GetEntries', JSON.stringify([{ mspId: 'CreditOrg', id: entry.id }])],
    ];
    for (const [transaction, argument] of reads) {
      expect(
        await expectContractError(() =>
          selfMadeRegulator.contract.evaluateTransaction(transaction, argument),
        ),
      ).toBe('FORBIDDEN');
    }
  });

  it("refuses a credit-writer certificate from SandboxOrg's CA a credit change", async () => {
    const request = creditChange({}, { recordId: unique('CR-self-made') });

    expect(
      await expectContractError(() => recordEntry(selfMadeCreditWriter.contract, request)),
    ).toBe('FORBIDDEN');
    expect(
      await expectContractError(() =>
        regulator.contract.evaluateTransaction('GetEntry', `SandboxOrg/${request.id}`),
      ),
    ).toBe('NOT_FOUND');
  });
});
