/**
 * What a gateway's page or count costs over 30,000 entries of three organisations in one stream
 * (10,000 each, written in turns of 100): its postings read in SQLite, then, for a page,
 * GetEntries through fabric-contract-api's dispatcher over the in-memory world state.
 *
 *   npx tsc --build && npx vitest bench --run test/gateway/query-cost.bench.ts
 */
import { beforeAll, bench, describe } from 'vitest';
import type { EntryPage } from '../../chaincode/src/index.js';
import { ContractHarness } from '../support/contract-harness.js';
import {
  researchWriter,
  testIdentities,
  threeWriterConsortium,
  type TestIdentity,
} from '../support/identities.js';
import { pageOf, payloadOf } from '../support/results.js';
import { dataAccess } from '../support/sample-entries.js';

const ENTRIES_PER_ORGANIZATION = 10_000;
const TURN = 100;
const stream = { by: 'stream', value: 'dataset:ds-bench' };

const harness = new ContractHarness(threeWriterConsortium);
let regulator: TestIdentity;
let writer: TestIdentity;
/** The bookmark of the 151st regulator's page of 100: a page in the middle of the stream. */
let middle = '';

async function query(identity: TestIdentity, body: object): Promise<EntryPage> {
  return pageOf(await harness.queryEntries(identity, body));
}

async function count(identity: TestIdentity, body: object): Promise<string> {
  return payloadOf(await harness.countEntries(identity, body));
}

beforeAll(async () => {
  const ids = await testIdentities();
  const research = await researchWriter();
  regulator = ids.regulator;
  // The writer whose turn comes last: its first page follows 200 of the others' entries.
  writer = research;
  const writers = [ids.sandboxWriter, ids.creditOrgSandboxWriter, research];
  for (let turn = 0; turn < ENTRIES_PER_ORGANIZATION / TURN; turn += 1) {
    for (const identity of writers) {
      const batch = Array.from({ length: TURN }, () =>
        dataAccess({}, { dataset: { id: 'ds-bench' } }),
      );
      payloadOf(await harness.recordEntries(identity, batch));
    }
  }
  for (let page = 0; page < 150; page += 1) {
    ({ bookmark: middle } = await query(regulator, { ...stream, pageSize: 100, bookmark: middle }));
  }
}, 600_000);

describe('pages over 30,000 entries of 3 organisations', () => {
  bench("a regulator's first page of 100", async () => {
    await query(regulator, { ...stream, pageSize: 100 });
  });

  bench("a regulator's page of 100 in the middle", async () => {
    const page = await query(regulator, { ...stream, pageSize: 100, bookmark: middle });
    if (page.items.length !== 100) {
      throw new Error(`a page of ${page.items.length}`);
    }
  });

  bench("a writer's first page of 100", async () => {
    await query(writer, { ...stream, pageSize: 100 });
  });
});

describe('counts over 30,000 entries of 3 organisations', () => {
  bench("a regulator's count", async () => {
    await count(regulator, stream);
  });

  bench("a writer's count", async () => {
    await count(writer, stream);
  });
});
