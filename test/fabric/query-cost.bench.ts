/**
 * What a gateway's page and count cost on the network: its postings of the blocks it follows,
 * then, for a page, GetEntries on the caller's own peer. Pages of 100 and a count over a fresh
 * stream of 3,000 SandboxOrg entries. (The standard kinds give no stream two writing
 * organisations; test/gateway/query-cost.bench.ts measures that.)
 *
 *   npx vitest bench --run --config vitest.fabric.config.mts test/fabric/query-cost.bench.ts
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, bench, describe } from 'vitest';
import type { EntryRequest, Role } from '../../chaincode/src/index.js';
import { devKeyName } from '../../gateway/src/auth/api-keys.js';
import { loadConfig } from '../../gateway/src/config.js';
import type { Ledger, Principal } from '../../gateway/src/ledger/ledger.js';
import { openLedger } from '../../gateway/src/open-ledger.js';
import { dataAccess, unique } from '../support/sample-entries.js';

const ENTRIES = 3000;
const dataset = unique('bench-dataset');
const stream = { by: 'stream', value: `dataset:${dataset}` } as const;
const principal = (role: Role): Principal => ({ name: devKeyName(role), role });
const SANDBOX = principal('sandbox-writer');
const REGULATOR = principal('regulator');

let dataDir = '';
let ledger: Ledger;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'audit-query-cost-'));
  const config = loadConfig({
    LEDGER: 'fabric',
    FABRIC_DEVELOPMENT: 'true',
    FABRIC_CONNECTION: resolve(__dirname, '../../network/.state/connection.json'),
    DATA_DIR: dataDir,
  });
  ({ ledger } = await openLedger(config, pino({ level: 'silent' })));
  for (let written = 0; written < ENTRIES; written += 500) {
    await ledger.recordEntries(
      SANDBOX,
      Array.from(
        { length: 500 },
        () => dataAccess({}, { dataset: { id: dataset } }) as EntryRequest,
      ),
    );
  }
}, 600_000);

afterAll(async () => {
  await ledger.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe(`a gateway's pages and counts over ${ENTRIES} entries on Fabric`, () => {
  bench("a regulator's first page of 100", async () => {
    await ledger.queryEntries(REGULATOR, { ...stream, pageSize: 100 });
  });

  bench("the writer's first page of 100", async () => {
    await ledger.queryEntries(SANDBOX, { ...stream, pageSize: 100 });
  });

  bench("a regulator's count", async () => {
    await ledger.countEntries(REGULATOR, stream);
  });
});
