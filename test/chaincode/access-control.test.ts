import { beforeAll, describe, expect, test } from 'vitest';
import { ContractHarness } from '../support/contract-harness.js';
import {
  sharedRoleConsortium,
  testIdentities,
  type TestIdentities,
  type TestIdentity,
} from '../support/identities.js';
import {
  detailPaths,
  entryOf,
  errorOf,
  pageOf,
  payloadOf,
  recordedEntryOf,
} from '../support/results.js';
import {
  algorithmUpload,
  creditChange,
  dataAccess,
  findingClosure,
} from '../support/sample-entries.js';

let ids: TestIdentities;
beforeAll(async () => {
  ids = await testIdentities();
});

function record(harness: ContractHarness, identity: TestIdentity, request: unknown) {
  return harness.recordEntry(identity, request);
}

/** A gateway's query, from its postings and GetEntries (see ContractHarness.queryEntries). */
function queryByKind(harness: ContractHarness, identity: TestIdentity, kind: string) {
  return harness.queryEntries(identity, { by: 'kind', value: kind });
}

describe('who may write what', () => {
  test('a sandbox writer records data access and algorithm uploads, not credit changes nor closures', async () => {
    const harness = new ContractHarness();
    entryOf(await record(harness, ids.sandboxWriter, dataAccess()));
    entryOf(await record(harness, ids.sandboxWriter, algorithmUpload()));

    for (const request of [creditChange(), findingClosure()]) {
      const refused = await record(harness, ids.sandboxWriter, request);
      expect(detailPaths(errorOf(refused, 'FORBIDDEN'))).toEqual(['kind']);
    }
  });

  test('a credit writer records credit changes only', async () => {
    const harness = new ContractHarness();
    entryOf(await record(harness, ids.creditWriter, creditChange()));

    errorOf(await record(harness, ids.creditWriter, dataAccess()), 'FORBIDDEN');
    errorOf(await record(harness, ids.creditWriter, algorithmUpload()), 'FORBIDDEN');
    errorOf(await record(harness, ids.creditWriter, findingClosure()), 'FORBIDDEN');
  });

  test('a regulator writes only finding closures, nothing else, not even in a batch', async () => {
    const harness = new ContractHarness();
    const closure = entryOf(await record(harness, ids.regulator, findingClosure()));
    expect(closure.submitter).toMatchObject({ mspId: 'RegulatorOrg', role: 'regulator' });
    const written = harness.state.keys();

    for (const request of [dataAccess(), algorithmUpload(), creditChange()]) {
      const refused = await record(harness, ids.regulator, request);
      expect(detailPaths(errorOf(refused, 'FORBIDDEN'))).toEqual(['kind']);
    }
    const batch = await harness.recordEntries(ids.regulator, [findingClosure(), dataAccess()]);
    errorOf(batch, 'FORBIDDEN');
    expect(harness.state.keys()).toEqual(written);
  });

  test('a forbidden kind is refused before its payload is judged', async () => {
    const harness = new ContractHarness();
    const refused = await record(
      harness,
      ids.sandboxWriter,
      creditChange({}, { category: 'bogus' }),
    );

    errorOf(refused, 'FORBIDDEN');
  });

  test.each(['noRole', 'unknownRole'] as const)(
    'an identity with %s can neither write nor read',
    async (who) => {
      const harness = new ContractHarness();
      const written = entryOf(await record(harness, ids.sandboxWriter, dataAccess()));

      errorOf(await record(harness, ids[who], dataAccess()), 'FORBIDDEN');
      errorOf(await harness.evaluate(ids[who], 'GetEntry', written.id), 'FORBIDDEN');
      errorOf(await queryByKind(harness, ids[who], 'data-access'), 'FORBIDDEN');
    },
  );
});

/** A data access by the sandbox operator and a credit change by the credit authority, as read. */
async function recordAccessAndChange(harness: ContractHarness) {
  const access = entryOf(await record(harness, ids.sandboxWriter, dataAccess()));
  const changeRequest = creditChange();
  const change = recordedEntryOf(
    await record(harness, ids.creditWriter, changeRequest),
    changeRequest,
  );
  return { access, change };
}

describe('who may read what', () => {
  test('a regulator reads every organisation’s entries', async () => {
    const harness = new ContractHarness();
    const { access, change } = await recordAccessAndChange(harness);

    expect(entryOf(await harness.evaluate(ids.regulator, 'GetEntry', access.id))).toEqual(access);
    expect(entryOf(await harness.evaluate(ids.regulator, 'GetEntry', change.id))).toEqual(change);
  });

  test('a writer reads its own organisation’s entries, also from its other systems', async () => {
    const harness = new ContractHarness();
    const written = entryOf(await record(harness, ids.secondSandboxWriter, dataAccess()));

    expect(entryOf(await harness.evaluate(ids.sandboxWriter, 'GetEntry', written.id))).toEqual(
      written,
    );
  });

  test('another organisation’s entry is not found, exactly like a missing one', async () => {
    const harness = new ContractHarness();
    const change = entryOf(await record(harness, ids.creditWriter, creditChange()));

    const hidden = errorOf(
      await harness.evaluate(ids.sandboxWriter, 'GetEntry', change.id),
      'NOT_FOUND',
    );
    const missing = errorOf(
      await harness.evaluate(ids.sandboxWriter, 'GetEntry', 'no-such-entry'),
      'NOT_FOUND',
    );
    // Identical, and naming no id: peers log refused transactions, and an id may be anything.
    expect(hidden.message).toBe(missing.message);
    expect(hidden.message).not.toContain(change.id);
  });

  test('entries named by organisation and id come back in the order named, details and all', async () => {
    const harness = new ContractHarness();
    const { access, change } = await recordAccessAndChange(harness);
    const named = [
      { mspId: 'CreditOrg', id: change.id },
      { mspId: 'SandboxOrg', id: access.id },
    ];

    const read = await harness.evaluate(ids.regulator, 'GetEntries', JSON.stringify(named));

    expect(JSON.parse(payloadOf(read))).toEqual([change, access]);
  });

  test('naming another organisation’s entry among one’s own is refused like a missing one', async () => {
    const harness = new ContractHarness();
    const own = entryOf(await record(harness, ids.sandboxWriter, dataAccess()));
    const change = entryOf(await record(harness, ids.creditWriter, creditChange()));
    const read = (mspId: string, id: string) =>
      harness.evaluate(
        ids.sandboxWriter,
        'GetEntries',
        JSON.stringify([
          { mspId: 'SandboxOrg', id: own.id },
          { mspId, id },
        ]),
      );

    const hidden = errorOf(await read('CreditOrg', change.id), 'NOT_FOUND');
    const missing = errorOf(await read('SandboxOrg', 'no-such-entry'), 'NOT_FOUND');

    expect(hidden).toEqual(missing);
    expect(detailPaths(hidden)).toEqual(['ids[1]']);
    expect(JSON.stringify(hidden)).not.toContain(change.id);
  });

  test('a list of entries to read is checked before anything is read', async () => {
    const harness = new ContractHarness();
    const tooMany = Array.from({ length: 501 }, (_, index) => ({
      mspId: 'SandboxOrg',
      id: `entry-${index}`,
    }));

    for (const [ids_, path] of [
      [[{ mspId: 'not an msp', id: 'a' }], 'ids[0].mspId'],
      [[{ mspId: 'SandboxOrg', id: 'a', extra: 1 }], 'ids[0].extra'],
      [tooMany, 'ids'],
    ] as const) {
      const refused = errorOf(
        await harness.evaluate(ids.regulator, 'GetEntries', JSON.stringify(ids_)),
        'INVALID_ARGUMENT',
      );
      expect(detailPaths(refused)).toEqual([path]);
    }
  });

  test('where a consortium lets two organisations grant a role, each reads only its own entries', async () => {
    const harness = new ContractHarness(sharedRoleConsortium);
    const foreign = entryOf(await record(harness, ids.creditOrgSandboxWriter, dataAccess()));
    const own = entryOf(await record(harness, ids.sandboxWriter, dataAccess()));

    expect(foreign.submitter.mspId).toBe('CreditOrg');
    errorOf(await harness.evaluate(ids.sandboxWriter, 'GetEntry', foreign.id), 'NOT_FOUND');
    expect(entryOf(await harness.evaluate(ids.creditWriter, 'GetEntry', foreign.id))).toEqual(
      foreign,
    );

    const sandboxView = pageOf(await queryByKind(harness, ids.sandboxWriter, 'data-access'));
    expect(sandboxView.items.map((entry) => entry.id)).toEqual([own.id]);
    const regulatorView = pageOf(await queryByKind(harness, ids.regulator, 'data-access'));
    expect(regulatorView.items.map((entry) => entry.id)).toEqual([foreign.id, own.id]);
  });
});

describe('roles are bound to the organisations that grant them', () => {
  test('a regulator certificate from SandboxOrg’s CA reads nothing of CreditOrg’s', async () => {
    const harness = new ContractHarness();
    const change = entryOf(await record(harness, ids.creditWriter, creditChange()));
    const impostor = ids.sandboxOrgRegulator;

    const refused = errorOf(await harness.evaluate(impostor, 'GetEntry', change.id), 'FORBIDDEN');
    expect(refused.message).toContain('SandboxOrg may not grant the role regulator');
    errorOf(await harness.evaluate(impostor, 'GetEntry', `CreditOrg/${change.id}`), 'FORBIDDEN');
    errorOf(await queryByKind(harness, impostor, 'credit-change'), 'FORBIDDEN');
    const uncounted = errorOf(
      await harness.countEntries(impostor, { by: 'kind', value: 'credit-change' }),
      'FORBIDDEN',
    );
    expect(uncounted.message).toContain('SandboxOrg may not grant the role regulator');
  });

  test('a regulator certificate from SandboxOrg’s CA closes no finding', async () => {
    const harness = new ContractHarness();

    const refused = await record(harness, ids.sandboxOrgRegulator, findingClosure());
    expect(errorOf(refused, 'FORBIDDEN').message).toContain(
      'SandboxOrg may not grant the role regulator',
    );
    expect(harness.state.keys()).toEqual([]);
  });

  test('a credit-writer certificate from SandboxOrg’s CA commits nothing', async () => {
    const harness = new ContractHarness();
    const single = await record(harness, ids.sandboxOrgCreditWriter, creditChange());
    const batch = await harness.recordEntries(ids.sandboxOrgCreditWriter, [
      creditChange({ id: 'batched-change' }),
    ]);

    expect(errorOf(single, 'FORBIDDEN').message).toContain(
      'SandboxOrg may not grant the role credit-writer',
    );
    errorOf(batch, 'FORBIDDEN');
    expect(harness.state.keys()).toEqual([]);
  });

  test('a role its own organisation does not grant is refused even for what that role could do', async () => {
    const harness = new ContractHarness();

    errorOf(await record(harness, ids.creditOrgSandboxWriter, dataAccess()), 'FORBIDDEN');
    expect(harness.state.keys()).toEqual([]);
  });
});
