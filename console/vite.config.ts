import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const path = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

// Served by the gateway under /console/; everything it loads comes from there (no fonts, no CDNs:
// the district's network is closed).
export default defineConfig({
  base: '/console/',
  plugins: [react()],
  resolve: {
    // The offline verifier is the command line's own package, built from its sources. What it
    // imports from Node and from the contract's package, the browser gets from these modules.
    alias: [
      { find: /^@audit-ledger\/verifier$/, replacement: path('../verifier/src/index.ts') },
      { find: /^node:crypto$/, replacement: path('src/verifier/node-crypto-subset.ts') },
      {
        find: /^@hyperledger\/fabric-protos$/,
        replacement: path('src/verifier/fabric-messages.ts'),
      },
      {
        find: /^@audit-ledger\/chaincode\/dist\/entry-format$/,
        replacement: path('../chaincode/src/entry-format.ts'),
      },
    ],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    // The verifier's chunk (~650 kB: Fabric's message definitions, X.509, curves) loads only
    // when something is verified; the pages themselves stay under 300 kB.
    chunkSizeWarningLimit: 700,
  },
});
