/**
 * The network's smoke suite, run on Raft and on SmartBFT: each role writes what it may and
 * nothing else, every organisation's peer holds the same entries, and losing one orderer loses
 * no write.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOUNDING_ORGANIZATIONS } from '../../network/topology.js';
import {
  algorithmUpload,
  creditChange,
  dataAccess,
  RESIDENT_ID,
} from '../support/sample-entries.js';
import {
  expectContractError,
  getEntryFrom,
  getEntryOnceAvailable,
  recordEntry,
} from './ledger-calls.js';
import {
  CLIENTS,
  connectAs,
  consensusLeader,
  networkCommand,
  readConnection,
  waitForSameHeight,
  type Session,
} from './network.js';

const VALID = 0;

let sandbox: Session;
let credit: Session;
let regulator: Session;

beforeAll(() => {
  sandbox = connectAs(CLIENTS.sandbox.mspId, CLIENTS.sandbox.name);
  credit = connectAs(CLIENTS.credit.mspId, CLIENTS.credit.name);
  regulator = connectAs(CLIENTS.regulator.mspId, CLIENTS.regulator.name);
});

afterAll(() => {
  for (const session of [sandbox, credit, regulator]) {
    session.close();
  }
});

describe(`the audit contract on the ${readConnection().consensus} network`, () => {
  it('commits as VALID every kind a role may write', async () => {
    const writes = [
      { session: () => sandbox, request: dataAccess() },
      { session: () => sandbox, request: algorithmUpload() },
      { session: () => credit, request: creditChange() },
    ];
    for (const { session, request } of writes) {
      const { entry, status } = await recordEntry(session().contract, request);
      expect(status).toMatchObject({ code: VALID, successful: true });
      expect(entry).toMatchObject({ id: request.id, kind: request.kind, payload: request.payload });
    }
  });

  it('refuses each write a role may not make with FORBIDDEN', async () => {
    const refused = [
      { session: () => sandbox, request: creditChange() },
      { session: () => credit, request: dataAccess() },
      { session: () => credit, request: algorithmUpload() },
      { session: () => regulator, request: dataAccess() },
      { session: () => regulator, request: creditChange() },
    ];
    for (const { session, request } of refused) {
      expect(await expectContractError(() => recordEntry(session().contract, request))).toBe(
        'FORBIDDEN',
      );
    }
  });

  it('refuses a raw resident identity number with PERSONAL_DATA', async () => {
    const request = dataAccess({}, { sessionId: `holder ${RESIDENT_ID}` });
    expect(await expectContractError(() => recordEntry(sandbox.contract, request))).toBe(
      'PERSONAL_DATA',
    );
    expect(
      await expectContractError(() => getEntryFrom(regulator.contract, request.id, 'RegulatorOrg')),
    ).toBe('NOT_FOUND');
  });

  it("reads an entry written through SandboxOrg's peer identically from every organisation's peer", async () => {
    const request = dataAccess();
    const { entry } = await recordEntry(sandbox.contract, request);
    const copies = [];
    for (const mspId of FOUNDING_ORGANIZATIONS) {
      copies.push(await getEntryOnceAvailable(regulator.contract, request.id, mspId));
    }
    expect(new Set(copies).size).toBe(1);
    expect(JSON.parse(copies[0] ?? '')).toEqual(entry);
  });

  it('keeps committing writes with the consensus leader stopped, and takes it back', async () => {
    const leader = await consensusLeader();
    await networkCommand('stop', leader);
    try {
      const request = dataAccess();
      const { status } = await recordEntry(sandbox.contract, request);
      expect(status).toMatchObject({ code: VALID, successful: true });
      const newLeader = await consensusLeader();
      expect(newLeader).not.toBe(leader);
    } finally {
      await networkCommand('start', leader);
    }
    const { status } = await recordEntry(sandbox.contract, dataAccess());
    expect(status.successful).toBe(true);
    const orderers = readConnection().orderers.nodes.map((node) => node.name);
    const height = await waitForSameHeight(orderers, {
      whileWaiting: () => recordEntry(sandbox.contract, dataAccess()),
    });
    expect(height).toBeGreaterThan(Number(status.blockNumber));
  });
});
