/**
 * What QueryEntries and CountEntries cost on the network, evaluated on the caller's own peer:
 * pages of 100 and a count over a fresh stream of 3,000 SandboxOrg entries. (The standard kinds
 * give no stream two writing organisations; test/chaincode/query-cost.bench.ts measures that.)
 *
 *   npx vitest bench --run --config vitest.fabric.config.mts test/fabric/query-cost.bench.ts
 */
import { afterAll, beforeAll, bench, describe } from 'vitest';
import { dataAccess, unique } from '../support/sample-entries.js';
import { recordEntries } from './ledger-calls.js';
import { CLIENTS, connectAs, type Session } from './network.js';

const ENTRIES = 3000;
const dataset = unique('bench-dataset');
const stream = { by: 'stream', value: `dataset:${dataset}` };

let sandbox: Session;
let regulator: Session;

beforeAll(async () => {
  sandbox = connectAs(CLIENTS.sandbox.mspId, CLIENTS.sandbox.name);
  regulator = connectAs(CLIENTS.regulator.mspId, CLIENTS.regulator.name);
  for (let written = 0; written < ENTRIES; written += 500) {
    await recordEntries(
      sandbox.contract,
      Array.from({ length: 500 }, () => dataAccess({}, { dataset: { id: dataset } })),
    );
  }
}, 600_000);

afterAll(() => {
  sandbox.close();
  regulator.close();
});

describe(`QueryEntries and CountEntries over ${ENTRIES} entries on Fabric`, () => {
  bench("a regulator's first page of 100", async () => {
    await regulator.contract.evaluateTransaction(
      'QueryEntries',
      JSON.stringify({ ...stream, pageSize: 100 }),
    );
  });

  bench("the writer's first page of 100", async () => {
    await sandbox.contract.evaluateTransaction(
      'QueryEntries',
      JSON.stringify({ ...stream, pageSize: 100 }),
    );
  });

  bench("a regulator's count", async () => {
    await regulator.contract.evaluateTransaction('CountEntries', JSON.stringify(stream));
  });
});
