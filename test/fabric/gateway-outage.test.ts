/**
 * The REST gateway on Fabric when parts of the network go away: one organisation's peer, then
 * every peer. Writes go on through the others, readiness says what is down, and asynchronous
 * writes wait in the outbox until the network is back: nothing lost, nothing twice.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LedgerEntry } from '../../gateway/src/ledger/ledger.js';
import {
  FOUNDING_ORGANIZATIONS,
  chaincodeServiceName,
  peerName,
  type FoundingOrganization,
} from '../../network/topology.js';
import { startTestGateway, type ErrorBody, type TestGateway } from '../support/gateway-server.js';
import { dataAccess, unique } from '../support/sample-entries.js';
import { networkCommand, waitForSameHeight } from './network.js';

interface Readiness {
  status?: string;
  parts: { name: string; reachable: boolean; height?: number }[];
  catchingUp?: boolean;
}

interface Operation {
  status: 'pending' | 'committed' | 'failed';
  entry?: LedgerEntry;
}

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway();
});

afterAll(async () => {
  await gateway.close();
});

/** Stops organisations' peers and their chaincode services. */
async function stopOrganisations(...mspIds: FoundingOrganization[]) {
  await networkCommand(
    'stop',
    ...mspIds.map((mspId) => chaincodeServiceName(mspId)),
    ...mspIds.map((mspId) => peerName(mspId)),
  );
}

/** Starts them again, all at once; returns when their peers know each other through gossip. */
async function startOrganisations(...mspIds: FoundingOrganization[]) {
  await networkCommand(
    'start',
    ...mspIds.map((mspId) => peerName(mspId)),
    ...mspIds.map((mspId) => chaincodeServiceName(mspId)),
  );
}

describe('the gateway on Fabric through outages', () => {
  it("commits through the other two organisations while CreditOrg's peer is down, and /readyz names it", async () => {
    await stopOrganisations('CreditOrg');
    try {
      const written = await gateway.request<LedgerEntry>('POST', '/v1/entries', {
        key: gateway.keys['sandbox-writer'],
        body: dataAccess(),
      });
      expect(written.status).toBe(201);
      const ready = await gateway.request<Readiness>('GET', '/readyz');
      expect(ready.status).toBe(200);
      // A peer counts as reachable when it answers, with its chain's height.
      const height = expect.any(Number) as number;
      expect(ready.body.parts).toEqual([
        { name: 'SandboxOrg peer0.sandboxorg', reachable: true, height },
        { name: 'CreditOrg peer0.creditorg', reachable: false },
        { name: 'RegulatorOrg peer0.regulatororg', reachable: true, height },
      ]);
    } finally {
      await startOrganisations('CreditOrg');
    }
    await waitForSameHeight(FOUNDING_ORGANIZATIONS.map(peerName));
  });

  it('answers 503 while no peer is up, and commits queued asynchronous writes once, when they are back', async () => {
    const dataset = unique('outage-dataset');
    const request = dataAccess({}, { dataset: { id: dataset } });
    await stopOrganisations(...FOUNDING_ORGANIZATIONS);
    let operation: string;
    let restoring: number;
    try {
      const refused = await gateway.request<ErrorBody>('POST', '/v1/entries', {
        key: gateway.keys['sandbox-writer'],
        body: dataAccess(),
      });
      expect(refused.status).toBe(503);
      expect(refused.body.error.code).toBe('LEDGER_UNAVAILABLE');
      const ready = await gateway.request<ErrorBody & Readiness>('GET', '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.parts.every((part) => !part.reachable)).toBe(true);

      const accepted = await gateway.request<{ id: string }>('POST', '/v1/entries', {
        key: gateway.keys['sandbox-writer'],
        body: request,
        headers: { Prefer: 'respond-async' },
      });
      expect(accepted.status).toBe(202);
      operation = accepted.body.id;
      const pending = await gateway.request<Operation>('GET', `/v1/operations/${operation}`, {
        key: gateway.keys['sandbox-writer'],
      });
      expect(pending.body.status).toBe('pending');
    } finally {
      restoring = Date.now();
      await startOrganisations(...FOUNDING_ORGANIZATIONS);
    }

    const restored = Date.now();
    let settled: Operation | undefined;
    while (Date.now() - restored < 120_000) {
      const current = await gateway.request<Operation>('GET', `/v1/operations/${operation}`, {
        key: gateway.keys['sandbox-writer'],
      });
      if (current.body.status !== 'pending') {
        settled = current.body;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(settled?.status).toBe('committed');
    console.log(
      `peers restarted and gossiping in ${restored - restoring} ms; the queued write committed ` +
        `${Date.now() - restored} ms after that`,
    );

    // A fresh gateway on a long chain may still be indexing it; queries answer once it is done.
    await vi.waitFor(
      async () => {
        const ready = await gateway.request<Readiness>('GET', '/readyz');
        expect(ready.body.catchingUp).toBe(false);
      },
      { timeout: 120_000, interval: 500 },
    );
    const listed = await gateway.request<{ items: LedgerEntry[] }>(
      'GET',
      `/v1/entries?stream=dataset:${dataset}`,
      { key: gateway.keys.regulator },
    );
    expect(listed.body.items.map((entry) => entry.id)).toEqual([request.id]);
  });
});
