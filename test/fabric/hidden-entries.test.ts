/**
 * The contract on the network, called directly with each organisation's own client identity:
 * another organisation's entry answers exactly as a missing one, its index partitions page as
 * empty, and its ids are free for the caller's own organisation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntryPage } from '../../chaincode/src/index.js';
import { creditChange, dataAccess, unique } from '../support/sample-entries.js';
import { contractErrorCode, recordEntry } from './ledger-calls.js';
import { CLIENTS, connectAs, type Session } from './network.js';

const utf8 = new TextDecoder();
let sandbox: Session;
let credit: Session;

beforeAll(() => {
  sandbox = connectAs(CLIENTS.sandbox.mspId, CLIENTS.sandbox.name);
  credit = connectAs(CLIENTS.credit.mspId, CLIENTS.credit.name);
});

afterAll(() => {
  sandbox.close();
  credit.close();
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
  it('answer GetEntry, QueryEntries and RecordEntry as if they did not exist', async () => {
    const recordId = unique('CR-contract-hidden');
    const { entry } = await recordEntry(credit.contract, creditChange({}, { recordId }));

    const hidden = await evaluate(sandbox, 'GetEntry', entry.id);
    const missing = await evaluate(sandbox, 'GetEntry', unique('never-written'));
    expect(hidden).toEqual({ code: 'NOT_FOUND' });
    expect(hidden).toEqual(missing);
    expect(await evaluate(sandbox, 'GetEntry', `CreditOrg/${entry.id}`)).toEqual(missing);

    const page = await evaluate(
      sandbox,
      'QueryEntries',
      JSON.stringify({ by: 'recordId', value: recordId, pageSize: 1 }),
    );
    expect(JSON.parse(page.result ?? '{}') as EntryPage).toEqual({ items: [], bookmark: '' });

    const { status } = await recordEntry(sandbox.contract, dataAccess({ id: entry.id }));
    expect(status.successful).toBe(true);
  });
});
