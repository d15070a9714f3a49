/**
 * What the three-organisation network guarantees beyond the smoke suite: the endorsement policy
 * is enforced at commit, a batch commits whole with its event, a peer that was down catches up,
 * and a revoked identity is refused by every peer.
 */
import { GatewayError } from '@hyperledger/fabric-gateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOUNDING_ORGANIZATIONS, chaincodeServiceName, peerName } from '../../network/topology.js';
import { creditChange, dataAccess, entryOfKind } from '../support/sample-entries.js';
import {
  chaincodeEventOf,
  expectContractError,
  getEntryFrom,
  getEntryOnceAvailable,
  recordEntries,
  recordEntry,
} from './ledger-calls.js';
import {
  CLIENTS,
  connectAs,
  networkCommand,
  readConnection,
  waitForSameHeight,
  type Session,
} from './network.js';

const VALID = 0;
const ENDORSEMENT_POLICY_FAILURE = 10;

let sandbox: Session;
let regulator: Session;

beforeAll(() => {
  sandbox = connectAs(CLIENTS.sandbox.mspId, CLIENTS.sandbox.name);
  regulator = connectAs(CLIENTS.regulator.mspId, CLIENTS.regulator.name);
});

afterAll(() => {
  sandbox.close();
  regulator.close();
});

describe('the endorsement policy: a majority of the three organisations', () => {
  it('invalidates at commit a transaction endorsed by SandboxOrg alone, and nothing of it is readable', async () => {
    const request = dataAccess();
    const { status } = await recordEntry(sandbox.contract, request, {
      endorsingOrganizations: ['SandboxOrg'],
    });
    expect(status).toMatchObject({ code: ENDORSEMENT_POLICY_FAILURE, successful: false });
    for (const mspId of FOUNDING_ORGANIZATIONS) {
      expect(
        await expectContractError(() => getEntryFrom(regulator.contract, request.id, mspId)),
      ).toBe('NOT_FOUND');
    }
  });

  it('commits a transaction endorsed by two organisations', async () => {
    const { status } = await recordEntry(sandbox.contract, dataAccess(), {
      endorsingOrganizations: ['SandboxOrg', 'CreditOrg'],
    });
    expect(status).toMatchObject({ code: VALID, successful: true });
  });
});

describe('a batch of 500 entries', () => {
  it('commits in one transaction and announces every id in its chaincode event', async () => {
    const requests = Array.from({ length: 500 }, () => dataAccess());
    const { entries, status, transactionId } = await recordEntries(sandbox.contract, requests);
    expect(status).toMatchObject({ code: VALID, successful: true });
    expect(entries.map((entry) => entry.id)).toEqual(requests.map((request) => request.id));

    const event = await chaincodeEventOf(
      sandbox.network,
      readConnection().chaincode,
      transactionId,
      status.blockNumber,
    );
    expect(event.eventName).toBe('EntriesRecorded');
    expect(event.payload).toEqual({
      entries: requests.map((request) => ({ id: request.id, kind: 'data-access' })),
    });
    const last = requests.at(-1);
    // Another organisation's peer commits the block on its own time.
    expect(
      JSON.parse(await getEntryOnceAvailable(regulator.contract, last?.id ?? '', 'CreditOrg')),
    ).toEqual(entries.at(-1));
  });
});

describe("one organisation's peer down", () => {
  it('keeps committing on the other two, and the peer catches up after its restart', async () => {
    // Credit details are endorsed by both peers that hold them (docs/privacy.md), so a credit
    // change waits for CreditOrg's peer; the credit authority's other kinds do not.
    await networkCommand('stop', chaincodeServiceName('CreditOrg'), peerName('CreditOrg'));
    const written = [];
    try {
      const fromSandbox = dataAccess();
      const { status } = await recordEntry(sandbox.contract, fromSandbox);
      expect(status).toMatchObject({ code: VALID, successful: true });
      written.push(fromSandbox.id);

      // CreditOrg's own clients reach the ledger through another organisation's peer.
      const creditViaRegulatorPeer = connectAs(
        CLIENTS.credit.mspId,
        CLIENTS.credit.name,
        'RegulatorOrg',
      );
      try {
        const fromCredit = entryOfKind('approval-decision');
        const committed = await recordEntry(creditViaRegulatorPeer.contract, fromCredit);
        expect(committed.status).toMatchObject({ code: VALID, successful: true });
        written.push(fromCredit.id);
        await expect(
          recordEntry(creditViaRegulatorPeer.contract, creditChange()),
        ).rejects.toThrow();
      } finally {
        creditViaRegulatorPeer.close();
      }
    } finally {
      await networkCommand('start', peerName('CreditOrg'), chaincodeServiceName('CreditOrg'));
    }

    await waitForSameHeight(FOUNDING_ORGANIZATIONS.map(peerName));
    for (const id of written) {
      const copies = [];
      for (const mspId of FOUNDING_ORGANIZATIONS) {
        copies.push(await getEntryOnceAvailable(regulator.contract, id, mspId));
      }
      expect(new Set(copies).size).toBe(1);
    }
  });
});

describe('a revoked client identity', () => {
  it('writes until its CA revokes it and the CRL reaches the channel, then every peer refuses it', async () => {
    const name = `revoked-${Date.now().toString(36)}`;
    await networkCommand('identity', 'add', 'SandboxOrg', name, 'sandbox-writer');
    const session = connectAs('SandboxOrg', name);
    try {
      const before = await recordEntry(session.contract, dataAccess());
      expect(before.status).toMatchObject({ code: VALID, successful: true });

      await networkCommand('identity', 'revoke', 'SandboxOrg', name);
      const after = dataAccess();
      expect(await deniedAccess(() => recordEntry(session.contract, after))).toBe(true);
      // Each organisation's peer checks the creator against the CRL in the channel configuration.
      for (const mspId of FOUNDING_ORGANIZATIONS) {
        expect(await deniedAccess(() => getEntryFrom(session.contract, after.id, mspId))).toBe(
          true,
        );
      }
      expect(
        await expectContractError(() => getEntryFrom(regulator.contract, after.id, 'RegulatorOrg')),
      ).toBe('NOT_FOUND');
    } finally {
      session.close();
    }
  });
});

/** True when the peers refused the caller itself (Fabric reports "access denied", not why). */
async function deniedAccess(call: () => Promise<unknown>): Promise<boolean> {
  try {
    await call();
    return false;
  } catch (error) {
    if (!(error instanceof GatewayError)) {
      throw error;
    }
    const messages = [error.message, ...error.details.map((detail) => detail.message)];
    return messages.some((message) => message.includes('access denied'));
  }
}
