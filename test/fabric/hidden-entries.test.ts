/**
 * The contract on the network, called directly with each organisation's own client identity:
 * another organisation's entry answers exactly as a missing one, its index partitions page as
 * empty, and its ids are free for the caller's own organisation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntryPage } from '../../chaincode/src/index.js';
import { creditChange, dataAccess, unique } from '../support/sample-entries.js';
import { contractErrorCode, recordEntries, recordEntry } from './ledger-calls.js';
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

describe("many of another organisation's entries where the caller's has none", () => {
  /** More than one call of the contract read before index partitions named the organisation. */
  const MANY = 2500;
  const recordId = unique('CR-contract-crowded');

  beforeAll(async () => {
    for (let written = 0; written < MANY; written += 500) {
      await recordEntries(
        credit.contract,
        Array.from({ length: 500 }, () => creditChange({}, { recordId })),
      );
    }
  });

  it('page as empty with no bookmark, and count as none', async () => {
    for (const pageSize of [1, 500]) {
      const page = await evaluate(
        sandbox,
        'QueryEntries',
        JSON.stringify({ by: 'recordId', value: recordId, pageSize }),
      );
      expect(JSON.parse(page.result ?? '{}') as EntryPage).toEqual({ items: [], bookmark: '' });
    }
    const count = await evaluate(
      sandbox,
      'CountEntries',
      JSON.stringify({ by: 'recordId', value: recordId }),
    );
    expect(JSON.parse(count.result ?? '{}')).toEqual({ count: 0, complete: true });
  });

  it("are all the regulator's, whose bookmark the writer cannot use", async () => {
    const query = { by: 'recordId', value: recordId, pageSize: 500 };
    let seen = 0;
    let bookmark = '';
    let first = '';
    do {
      const page = await evaluate(
        regulator,
        'QueryEntries',
        JSON.stringify({ ...query, bookmark }),
      );
      expect(page.code).toBeUndefined();
      const parsed = JSON.parse(page.result ?? '{}') as EntryPage;
      seen += parsed.items.length;
      bookmark = parsed.bookmark;
      first ||= bookmark;
    } while (bookmark !== '');
    expect(seen).toBe(MANY);
    const count = await evaluate(
      regulator,
      'CountEntries',
      JSON.stringify({ by: 'recordId', value: recordId }),
    );
    expect(JSON.parse(count.result ?? '{}')).toEqual({ count: MANY, complete: true });

    const borrowed = await evaluate(
      sandbox,
      'QueryEntries',
      JSON.stringify({ ...query, bookmark: first }),
    );
    expect(borrowed).toEqual({ code: 'INVALID_ARGUMENT' });
  });
});
