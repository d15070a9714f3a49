import { createServer, type RequestListener, type Server } from 'node:http';

/** An idle keep-alive connection is closed after this long. */
const KEEP_ALIVE_TIMEOUT_MS = 5_000;
/** At most this long to send a request's headers (or the whole request, if that is shorter). */
const HEADERS_TIMEOUT_MS = 10_000;

export interface ServerLimits {
  /** The whole request, body included, must arrive within this. */
  requestTimeoutMs: number;
  maxConnections: number;
}

/**
 * An HTTP server with limits of its own, so that slow or idle clients cannot hold connections:
 * headers within 10 s, the whole request within `requestTimeoutMs` (a client that is slower is
 * answered 408 and disconnected), idle keep-alive connections closed after 5 s, and at most
 * `maxConnections` connections at once (more are closed as they arrive).
 */
export function createApiServer(listener: RequestListener, limits: ServerLimits): Server {
  const server = createServer(
    {
      headersTimeout: Math.min(HEADERS_TIMEOUT_MS, limits.requestTimeoutMs),
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      // How often the timeouts above are enforced (Node's default is every 30 s).
      connectionsCheckingInterval: Math.min(1000, limits.requestTimeoutMs),
    },
    listener,
  );
  server.maxConnections = limits.maxConnections;
  return server;
}
