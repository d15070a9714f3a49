import { beforeAll, describe, expect, test } from 'vitest';
import type { PseudonymKeyRecord } from '../../chaincode/src/index.js';
import { ContractHarness } from '../support/contract-harness.js';
import { testIdentities, type TestIdentities } from '../support/identities.js';
import { detailPaths, errorOf, payloadOf } from '../support/results.js';

let ids: TestIdentities;
beforeAll(async () => {
  ids = await testIdentities();
});

const FINGERPRINT = `sha256:${'ab'.repeat(32)}`;
const OTHER = `sha256:${'cd'.repeat(32)}`;

function recordOf(payload: string): PseudonymKeyRecord {
  return JSON.parse(payload) as PseudonymKeyRecord;
}

describe("the consortium pseudonym key's fingerprint", () => {
  test('is recorded once by a key holder, with who and when, and read by every role', async () => {
    const harness = new ContractHarness();
    errorOf(await harness.evaluate(ids.regulator, 'GetPseudonymKey'), 'NOT_FOUND');

    const recorded = recordOf(
      payloadOf(await harness.submit(ids.creditWriter, 'RecordPseudonymKey', FINGERPRINT)),
    );
    expect(recorded).toMatchObject({
      fingerprint: FINGERPRINT,
      recordedBy: { mspId: 'CreditOrg', name: 'credit-system' },
    });
    for (const reader of [ids.sandboxWriter, ids.creditWriter, ids.regulator]) {
      expect(recordOf(payloadOf(await harness.evaluate(reader, 'GetPseudonymKey')))).toEqual(
        recorded,
      );
    }
  });

  test('the same fingerprint again changes nothing; another one is a conflict naming the field', async () => {
    const harness = new ContractHarness();
    const first = payloadOf(await harness.submit(ids.regulator, 'RecordPseudonymKey', FINGERPRINT));
    const state = harness.state.keys();

    expect(
      payloadOf(await harness.submit(ids.creditWriter, 'RecordPseudonymKey', FINGERPRINT)),
    ).toBe(first);
    const conflict = errorOf(
      await harness.submit(ids.creditWriter, 'RecordPseudonymKey', OTHER),
      'SETTING_CONFLICT',
    );
    expect(detailPaths(conflict)).toEqual(['fingerprint']);
    expect(harness.state.keys()).toEqual(state);
  });

  test('only roles that hold the key may record it, and only a fingerprint', async () => {
    const harness = new ContractHarness();
    errorOf(
      await harness.submit(ids.sandboxWriter, 'RecordPseudonymKey', FINGERPRINT),
      'FORBIDDEN',
    );
    errorOf(
      await harness.submit(ids.sandboxOrgRegulator, 'RecordPseudonymKey', FINGERPRINT),
      'FORBIDDEN',
    );
    const malformed = errorOf(
      await harness.submit(ids.creditWriter, 'RecordPseudonymKey', 'ab'.repeat(32)),
      'INVALID_ARGUMENT',
    );
    expect(detailPaths(malformed)).toEqual(['fingerprint']);
    expect(harness.state.keys()).toEqual([]);
  });
});
