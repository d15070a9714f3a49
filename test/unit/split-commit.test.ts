import { describe, expect, test } from 'vitest';
import type { EntryRequest } from '../../chaincode/src/index.js';
import { LedgerError, type RecordedEntry } from '../../gateway/src/ledger/ledger.js';
import { commitSplitting } from '../../gateway/src/ledger/split-commit.js';
import { dataAccess } from '../support/sample-entries.js';

const requests = Array.from({ length: 5 }, () => dataAccess() as EntryRequest);
const [, refusedRequest] = requests;
const committed = (batch: EntryRequest[]) =>
  batch.map((request) => ({ ...request }) as unknown as RecordedEntry);

describe('committing a batch in transactions, one refusal at a time', () => {
  test('an entry the contract refuses fails alone; the others are sent again and commit', async () => {
    const sent: number[] = [];
    const outcomes = await commitSplitting(
      requests,
      (batch) => {
        sent.push(batch.length);
        const position = refusedRequest === undefined ? -1 : batch.indexOf(refusedRequest);
        return position < 0
          ? Promise.resolve(committed(batch))
          : Promise.reject(
              new LedgerError('SEQ_EXISTS', 'used', [
                { path: `entries[${position}].sourceSeq`, message: 'used' },
              ]),
            );
      },
      10,
    );

    expect(sent).toEqual([5, 4]);
    expect(outcomes.map((outcome) => (outcome.ok ? 'ok' : outcome.error.code))).toEqual([
      'ok',
      'SEQ_EXISTS',
      'ok',
      'ok',
      'ok',
    ]);
    const refused = outcomes[1];
    expect(refused?.ok === false && refused.error.details).toEqual([
      { path: 'sourceSeq', message: 'used' },
    ]);
  });

  test('a refusal naming several entries takes them all out at once, each with its own error', async () => {
    const sent: number[] = [];
    const outcomes = await commitSplitting(
      requests,
      (batch) => {
        sent.push(batch.length);
        return batch.length === 5
          ? Promise.reject(
              new LedgerError('ENTRY_EXISTS', 'entry x already exists, and 1 more', [
                { path: 'entries[1].id', message: 'is already recorded' },
                { path: 'entries[3].id', message: 'is already recorded' },
              ]),
            )
          : Promise.resolve(committed(batch));
      },
      10,
    );

    expect(sent).toEqual([5, 3]);
    expect(outcomes.map((outcome) => (outcome.ok ? 'ok' : outcome.error.code))).toEqual([
      'ok',
      'ENTRY_EXISTS',
      'ok',
      'ENTRY_EXISTS',
      'ok',
    ]);
    for (const outcome of [outcomes[1], outcomes[3]]) {
      expect(outcome?.ok === false && outcome.error).toMatchObject({
        message: 'id is already recorded',
        details: [{ path: 'id', message: 'is already recorded' }],
      });
    }
  });

  test('an outage mid-way keeps what committed and gives every other entry the error', async () => {
    let transactions = 0;
    const outcomes = await commitSplitting(
      requests,
      (batch) => {
        transactions += 1;
        return transactions === 1
          ? Promise.resolve(committed(batch))
          : Promise.reject(new LedgerError('LEDGER_UNAVAILABLE', 'down'));
      },
      2,
    );

    expect(outcomes.map((outcome) => (outcome.ok ? 'ok' : outcome.error.code))).toEqual([
      'ok',
      'ok',
      'LEDGER_UNAVAILABLE',
      'LEDGER_UNAVAILABLE',
      'LEDGER_UNAVAILABLE',
    ]);
    expect(transactions).toBe(2);
  });
});
