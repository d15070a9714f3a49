import { defineConfig } from 'vitest/config';

// The console in a real browser: Debian's Chromium driven by playwright-core (`npm run
// test:console`; .ci/run installs Chromium when it is missing).
export default defineConfig({
  test: {
    include: ['test/console/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: { CORE_CHAINCODE_LOGGING_LEVEL: 'CRITICAL' },
  },
});
