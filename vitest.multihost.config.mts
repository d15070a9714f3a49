import { defineConfig } from 'vitest/config';

/**
 * The consortium across hosts: the suite makes a network namespace per organisation (as root),
 * founds the network in them from `network/`'s per-host commands and removes them at the end.
 * It needs Fabric's programs, like the Fabric suite, but not the network `network:up` starts.
 */
export default defineConfig({
  test: {
    include: ['test/multihost/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 900_000,
    env: { CORE_CHAINCODE_LOGGING_LEVEL: 'CRITICAL' },
  },
});
