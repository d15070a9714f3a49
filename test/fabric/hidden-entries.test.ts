/**
 * The contract on the network, called directly with each organisation's own client identity:
 * another organisation's entry answers exactly as a missing one, named alone or among others,
 * and its ids are free for the caller's own organisation. (What a gateway's pages show of it:
 * test/gateway/hidden-entries.test.ts, run on this network too.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditChange, dataAccess, unique } from '../support/sample-entries.js';
import { contractErrorCode, recordEntry } from './ledger-calls.js';
import { CLIENTS, connectAs, type Session } from './network.js';

const utf8 = new TextDecoder();
let sandbox: Session;
let credit: Session;
let regulator: Session;

beforeAll(() => {
  sandbox = connectAs(CLIENTS.sandbox.mspId, CLIENTS.sandbox.name);
  credit = connectAs(CLIENTS.credit.mspId, CLIENTS.credit.name);
  regulator = connectAs(CLIENTS.regulator.mspId, CLIENTS.regulator.name);
});

afterAll(() => {
  sandbox.close();
  credit.close();
  regulator.close();
});

async function evaluate(session: Session, transaction: string, argument: string) {
  try {
    return {
      result: utf8.decode(await session.contract.evaluateTransaction(transaction, argument)),
    };
  } catch (error) {
    return { code: contractErrorCode(error) };
  }
}

describe("another organisation's entries, asked of the contract directly", () => {
  it('answer GetEntry, GetEntries and RecordEntry as if they did not exist', async () => {
    const recordId = unique('CR-contract-hidden');
    const { entry } = await recordEntry(credit.contract, creditChange({}, { recordId }));

    const hidden = await evaluate(sandbox, 'GetEntry', entry.id);
    const missing = await evaluate(sandbox, 'GetEntry', unique('never-written'));
    expect(hidden).toEqual({ code: 'NOT_FOUND' });
    expect(hidden).toEqual(missing);
    expect(await evaluate(sandbox, 'GetEntry', `CreditOrg/${entry.id}`)).toEqual(missing);

    const own = await recordEntry(sandbox.contract, dataAccess());
    const named = (id: string) =>
      evaluate(
        sandbox,
        'GetEntries',
        JSON.stringify([
          { mspId: 'SandboxOrg', id: own.entry.id },
          { mspId: 'CreditOrg', id },
        ]),
      );
    expect(await named(entry.id)).toEqual({ code: 'NOT_FOUND' });
    expect(await named(entry.id)).toEqual(await named(unique('never-written')));

    const { status } = await recordEntry(sandbox.contract, dataAccess({ id: entry.id }));
    expect(status.successful).toBe(true);
  });
});
