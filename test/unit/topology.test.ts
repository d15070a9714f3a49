/**
 * The network's topology as the network scripts read it (network/lib/env.sh evaluates
 * network/topology.ts's declarations): the shell names every node as the tests and scripts do,
 * members that joined later too, and the identities, ports and orderer counts stay as deployed.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, expect, test } from 'vitest';
import {
  FOUNDING_ORGANIZATIONS,
  caName,
  chaincodeServiceName,
  ordererName,
  peerName,
  witnessName,
} from '../../network/topology.js';

const run = promisify(execFile);
const ENV_SCRIPT = resolve(__dirname, '../../network/lib/env.sh');

let state: string;

beforeEach(async () => {
  state = await mkdtemp(join(tmpdir(), 'audit-topology-'));
});

afterEach(async () => {
  await rm(state, { recursive: true, force: true });
});

/** Runs `script` in bash with env.sh sourced over `state`; returns its output's lines. */
async function withNetworkEnv(script: string): Promise<string[]> {
  const { stdout } = await run('bash', ['-c', `source "$0"; ${script}`, ENV_SCRIPT], {
    env: { ...process.env, NETWORK_STATE_DIR: state, NETWORK_PORT_BASE: '17000' },
  });
  return stdout.trim().split('\n');
}

test('names every node in the shell as in TypeScript, a member that joined later too', async () => {
  await writeFile(join(state, 'members'), 'CreditBureauOrg 4\n');
  const names = await withNetworkEnv(
    'for org in "${PEER_ORGS[@]}"; do ca_name "$org"; peer_name "$org"; witness_name "$org"; ' +
      'chaincode_name "$org"; chaincode_name "$org" floor; done; orderer_name 4',
  );
  expect(names).toEqual([
    ...[...FOUNDING_ORGANIZATIONS, 'CreditBureauOrg'].flatMap((mspId) => [
      caName(mspId),
      peerName(mspId),
      witnessName(mspId),
      chaincodeServiceName(mspId),
      chaincodeServiceName(mspId, 'floor'),
    ]),
    ordererName(4),
  ]);
  expect(names).toContain('peer0.creditbureauorg');
});

test('keeps each organisation’s client identity and ports, and 3 Raft or 4 SmartBFT orderers', async () => {
  const lines = await withNetworkEnv(
    'for org in "$ORDERER_ORG" "${PEER_ORGS[@]}"; do ' +
      'echo "$org ${ORG_CLIENT[$org]:--} ${ORG_ROLE[$org]:--} $(ca_port "$org") $(peer_port "$org")"; ' +
      'done; orderer_count; echo bft >"$STATE_DIR/consensus"; orderer_count',
  );
  expect(lines).toEqual([
    'OrdererOrg - - 17100 17300',
    'SandboxOrg sandbox-platform sandbox-writer 17110 17310',
    'CreditOrg credit-system credit-writer 17120 17320',
    'RegulatorOrg district-regulator regulator 17130 17330',
    '3',
    '4',
  ]);
});
