import type { KindRegistry } from '@audit-ledger/chaincode';
import { callerRoutes } from './caller-routes';
import { entryRoutes } from './entry-routes';
import { eventRoutes } from './event-routes';
import { healthRoutes } from './health-routes';
import { kindsRoutes } from './kinds-routes';
import type { RouteTable } from './routes';
import { statisticsRoutes } from './statistics-routes';
import { subjectRoutes } from './subject-routes';
import { trailRoutes } from './trail-routes';
import { transparencyRoutes } from './transparency-routes';

/**
 * Every route the gateway serves on its API port, as the OpenAPI document lists them. The app
 * (app.ts) mounts the same tables in the same order, and builds the document it serves from
 * what it mounts; test/gateway/api-routes.test.ts checks that the two documents are one.
 */
export function apiRoutes(kinds: KindRegistry): RouteTable[] {
  return [
    healthRoutes,
    kindsRoutes,
    callerRoutes,
    entryRoutes(kinds),
    transparencyRoutes,
    trailRoutes,
    statisticsRoutes,
    subjectRoutes,
    eventRoutes(kinds),
  ];
}
