import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Served by the gateway under /console/; everything it loads comes from there (no fonts, no CDNs:
// the district's network is closed).
export default defineConfig({
  base: '/console/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, assetsInlineLimit: 0 },
});
