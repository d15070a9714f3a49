import type { Response } from 'express';
import type { Logger } from 'pino';
import type { Ledger, Principal } from '../ledger/ledger';
import type { PeerCopies } from '../ledger/peer-copies';
import type { Metrics } from '../metrics';
import {
  TrailChecks,
  parseTrailQuery,
  type TrailProgress,
  type TrailQuery,
} from '../services/trail-check';
import { commonErrors, errorResponse, json, ref } from './document-parts';
import { principalOf, settleError } from './request-handlers';
import { defineRoutes, routerOf, type ServedRoutes } from './routes';

/** The streamed form of a trail check: progress lines, then the report (or the error). */
const NDJSON = 'application/x-ndjson';
/** Progress lines are written at most this often: enough to watch, not enough to cost. */
const PROGRESS_EVERY_MS = 250;

/** Aborted when the caller goes away before the answer is complete. */
function callerGone(response: Response): AbortSignal {
  const gone = new AbortController();
  response.once('close', () => {
    if (!response.writableFinished) {
      gone.abort(new Error('the caller closed the connection'));
    }
  });
  return gone.signal;
}

export const trailRoutes = defineRoutes({
  verify: {
    method: 'get',
    path: '/v1/trails/verify',
    summary: 'Is a trail complete: sourceSeq gaps, reordering, digests, ledger integrity',
    parameters: [
      { name: 'source', in: 'query', schema: { type: 'string' } },
      { name: 'stream', in: 'query', schema: { type: 'string' } },
      { name: 'from', in: 'query', schema: { type: 'string', format: 'date-time' } },
      { name: 'to', in: 'query', schema: { type: 'string', format: 'date-time' } },
    ],
    responses: {
      '200': {
        description:
          'The trail report; with Accept: application/x-ndjson, lines of {"progress": {phase, entries, organization?}} while the check runs, then {"report": …} (or {"error": …} if it fails after the first line)',
        content: {
          ...json(ref('TrailReport')),
          [NDJSON]: { schema: { type: 'string' } },
        },
      },
      ...commonErrors,
      '503': errorResponse(
        'The ledger cannot be reached (LEDGER_UNAVAILABLE), or 2 trail checks are already running (BUSY); Retry-After says when to try again',
      ),
    },
  },
});

/** Serves trailRoutes: a check answered whole, or streamed as progress lines and the report. */
export function createTrailRouter(deps: {
  ledger: Ledger;
  peerCopies: PeerCopies | undefined;
  logger: Logger;
  metrics: Metrics;
}): ServedRoutes {
  const checks = new TrailChecks(deps.ledger, deps.peerCopies);

  async function streamCheck(
    principal: Principal,
    trail: TrailQuery,
    response: Response,
    signal: AbortSignal,
  ): Promise<void> {
    // Nothing is sent before the first page is read, so a refused query or a busy gateway
    // still answers with its own status; after that, the outcome travels as the last line.
    let lastLine = 0;
    const line = (message: unknown) => {
      if (!response.headersSent) {
        response.type(NDJSON);
      }
      return `${JSON.stringify(message)}\n`;
    };
    const onProgress = (progress: TrailProgress) => {
      if (Date.now() - lastLine >= PROGRESS_EVERY_MS) {
        lastLine = Date.now();
        response.write(line({ progress }));
      }
    };
    try {
      const report = await checks.check(principal, trail, { signal, onProgress });
      response.end(line({ report }));
    } catch (error) {
      if (!response.headersSent || signal.aborted) {
        throw error;
      }
      response.end(line(settleError(error, deps.logger, deps.metrics).toBody()));
    }
  }

  return routerOf(trailRoutes, {
    async verify(request, response) {
      const trail = parseTrailQuery(request.query);
      const principal = principalOf(response);
      const signal = callerGone(response);
      try {
        if (request.accepts(['application/json', NDJSON]) === NDJSON) {
          await streamCheck(principal, trail, response, signal);
        } else {
          response.json(await checks.check(principal, trail, { signal }));
        }
      } catch (error) {
        // A check whose caller has gone is dropped: there is no one to answer.
        if (!signal.aborted) {
          throw error;
        }
      }
    },
  });
}
