import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/fabric/**', 'test/console/**', 'test/multihost/**'],
    // fabric-shim logs every decorator at info and every refused transaction at error.
    env: { CORE_CHAINCODE_LOGGING_LEVEL: 'CRITICAL' },
  },
});
