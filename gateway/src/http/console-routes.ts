import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express, { Router, type Response } from 'express';

/** Where `npm run build` puts the console (console/dist), beside this package's dist/. */
export const CONSOLE_DIR = resolve(__dirname, '../../../console/dist');

/**
 * Everything a console page may load or call is on this origin: no inline script, no other
 * host (the district's network is closed), and no framing by another site.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function secure(response: Response): void {
  response.set({
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  });
}

/** The console at /console/: its built files, the page never cached, its hashed assets for good. */
export function createConsoleRouter(directory = CONSOLE_DIR): Router {
  const router = Router();
  if (!existsSync(join(directory, 'index.html'))) {
    router.use('/console', (_request, response) => {
      secure(response);
      response
        .status(404)
        .type('text/plain')
        .send("The console is not built: run 'npm run build'.\n");
    });
    return router;
  }
  router.use(
    '/console',
    express.static(directory, {
      index: 'index.html',
      setHeaders(response, path) {
        secure(response);
        response.set(
          'Cache-Control',
          path.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable',
        );
      },
    }),
  );
  return router;
}
