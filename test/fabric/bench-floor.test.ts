/**
 * The benchmark's floor and its cost accounting on the real network: `network.sh floor` deploys
 * the trivial contract beside the audit one, writes through it commit, and the samples the
 * benchmark takes around a run see every node's CPU and each peer's stage timings move.
 */
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { FOUNDING_ORGANIZATIONS, chaincodeServiceName } from '../../network/topology.js';
import { costPerEntry, floorLoad, sampleNetwork } from '../../scripts/bench-fabric.js';
import { networkCommand, networkStatus, readConnection } from './network.js';

const PID_DIR = resolve(__dirname, '../../network/.state/pids');

it('deploys the floor contract once, and accounts each entry written through it', async () => {
  await networkCommand('floor');
  // A second call finds the definition committed and only makes sure its services run.
  expect(await networkCommand('floor')).not.toContain('deploying');
  const status = await networkStatus();
  for (const mspId of FOUNDING_ORGANIZATIONS) {
    expect(status.get(chaincodeServiceName(mspId, 'floor'))?.state).toBe('running');
  }

  const connection = readConnection();
  const before = await sampleNetwork(connection, [PID_DIR], 'floor');
  const run = await floorLoad(connection, {
    label: 'floor',
    seconds: 1,
    clients: 2,
    keysPerTransaction: 3,
  });
  const after = await sampleNetwork(connection, [PID_DIR], 'floor');

  expect(run.errors).toBe(0);
  expect(run.entries).toBeGreaterThan(0);
  expect(run.entries % 3).toBe(0);
  const costs = costPerEntry(before, after, run.entries, 3);
  for (const kind of ['peer', 'orderer', 'floor']) {
    expect(costs.cpuMs[kind]).toBeGreaterThan(0);
  }
  expect(Object.keys(costs.stageMs)).toContain('endorsement (proposal in, response signed)');
  for (const stage of ['endorsement (proposal in, response signed)', 'commit']) {
    expect(costs.stageMs[stage]).toBeGreaterThan(0);
  }
});
