import { defineConfig } from 'vitest/config';

// The Fabric suite runs against the network `npm run network:up` started; its files share that
// network and stop and start its nodes, so they run one at a time.
export default defineConfig({
  test: {
    include: ['test/fabric/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // The suite imports the contract's error codes; fabric-shim would log every decorator.
    env: { CORE_CHAINCODE_LOGGING_LEVEL: 'CRITICAL' },
  },
});
