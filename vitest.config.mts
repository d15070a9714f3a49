import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/fabric/**', 'test/console/**', 'test/multihost/**'],
    // Most files spend their time waiting on gateways they spawned and on their sockets, not on
    // the CPU: two files at a time, where vitest's default on a 2-core machine is one.
    maxWorkers: 2,
    // fabric-shim logs every decorator at info and every refused transaction at error.
    env: { CORE_CHAINCODE_LOGGING_LEVEL: 'CRITICAL' },
  },
});
