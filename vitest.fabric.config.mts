import { defineConfig } from 'vitest/config';

/**
 * The Fabric suites run against the network `npm run network:up` started: the network's own
 * tests, and the HTTP black-box suites written once for both ledgers, here with TEST_LEDGER=fabric.
 * Their files share that network and stop and start its nodes, so they run one at a time.
 */
export default defineConfig({
  test: {
    include: [
      'test/fabric/**/*.test.ts',
      'test/gateway/entries-api.test.ts',
      'test/gateway/errors-api.test.ts',
      'test/gateway/batch-api.test.ts',
      'test/gateway/personal-data.test.ts',
      'test/gateway/trails-api.test.ts',
      'test/gateway/verify.test.ts',
      'test/gateway/async-writes.test.ts',
      'test/gateway/coalescing.test.ts',
      'test/gateway/operations.test.ts',
      'test/gateway/response-schemas.test.ts',
      'test/gateway/hidden-entries.test.ts',
      'test/gateway/authorization-matrix.test.ts',
      'test/gateway/entry-kinds.test.ts',
      'test/gateway/events-api.test.ts',
      'test/gateway/findings-api.test.ts',
      'test/gateway/erasure.test.ts',
      'test/gateway/erasure-scan.test.ts',
    ],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // The suites import the contract's error codes; fabric-shim would log every decorator.
    env: { CORE_CHAINCODE_LOGGING_LEVEL: 'CRITICAL', TEST_LEDGER: 'fabric' },
  },
});
