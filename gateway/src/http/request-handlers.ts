import {
  containsNationalIdentifier,
  redactNationalIdentifiers,
  type ErrorDetail,
} from '@audit-ledger/chaincode';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { ApiKeyRegistry } from '../auth/api-keys';
import type { Principal } from '../ledger/ledger';
import type { Metrics } from '../metrics';
import { RequestError, httpStatusOf } from '../services/request-error';

const RETRY_AFTER_SECONDS = 1;
const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]+)$/;

export function principalOf(response: Response): Principal {
  const principal = (response.locals as { principal?: Principal }).principal;
  if (principal === undefined) {
    throw new Error('route reached without authentication');
  }
  return principal;
}

export function authenticate(keys: ApiKeyRegistry) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const match = BEARER.exec(request.get('authorization') ?? '');
    const principal = match?.[1] === undefined ? undefined : keys.authenticate(match[1]);
    if (principal === undefined) {
      response.set('WWW-Authenticate', 'Bearer');
      next(
        new RequestError(
          'UNAUTHENTICATED',
          'a valid API key is required: Authorization: Bearer <key>',
        ),
      );
      return;
    }
    (response.locals as { principal?: Principal }).principal = principal;
    next();
  };
}

export function requireJson(request: Request, _response: Response, next: NextFunction): void {
  if (!request.is('application/json')) {
    next(new RequestError('UNSUPPORTED_MEDIA_TYPE', 'the body must be application/json'));
    return;
  }
  next();
}

/** Route pattern, never the raw URL: paths can carry ids, and logs must not carry personal data. */
function routeOf(request: Request): string {
  const route = request.route as { path?: unknown } | undefined;
  return typeof route?.path === 'string' ? route.path : 'unmatched';
}

export function observe(logger: Logger, metrics: Metrics) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    response.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeOf(request);
      const labels = { method: request.method, route };
      metrics.httpRequests.inc({ ...labels, status: String(response.statusCode) });
      metrics.httpDuration.observe(labels, seconds);
      const principal = (response.locals as { principal?: Principal }).principal;
      logger.info(
        {
          ...labels,
          status: response.statusCode,
          ms: Math.round(seconds * 1000),
          principal: principal?.name,
        },
        'request',
      );
    });
    next();
  };
}

interface HttpFrameworkError {
  type?: unknown;
  status?: unknown;
}

/**
 * body-parser's and the router's failures, with fixed messages: their own quote the body or
 * the URL, which may hold personal data.
 */
function fromFramework(error: unknown): RequestError | undefined {
  const { type, status } = (error ?? {}) as HttpFrameworkError;
  switch (type) {
    case 'entity.parse.failed':
      return new RequestError('MALFORMED_JSON', 'the body is not valid JSON');
    case 'entity.too.large':
      return new RequestError('PAYLOAD_TOO_LARGE', 'the body exceeds 1 MiB');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new RequestError('UNSUPPORTED_MEDIA_TYPE', 'the body must be UTF-8 JSON');
    default:
      if (typeof type === 'string') {
        return new RequestError('MALFORMED_JSON', 'the body could not be read');
      }
      // e.g. a malformed percent-escape in a path parameter
      return typeof status === 'number' && status >= 400 && status < 500
        ? new RequestError('INVALID_ARGUMENT', 'the request URL could not be decoded')
        : undefined;
  }
}

/** `text` with national identifiers redacted, also those only readable once percent-decoded. */
function redacted(text: string): string {
  const plain = redactNationalIdentifiers(text);
  if (!plain.includes('%')) {
    return plain;
  }
  try {
    const decoded = decodeURIComponent(plain);
    return containsNationalIdentifier(decoded) ? redactNationalIdentifiers(decoded) : plain;
  } catch {
    return plain;
  }
}

/**
 * `error` with any national identifier its message or details quote redacted: they may repeat
 * what the caller sent outside a scanned body (a URL's path, percent-encoded, or a query
 * parameter's name), and no answer may carry a number.
 */
function withoutIdentifiers(error: RequestError): RequestError {
  const message = redacted(error.message);
  let changed = message !== error.message;
  const details = error.details?.map((detail): ErrorDetail => {
    const clean = { path: redacted(detail.path), message: redacted(detail.message) };
    changed ||= clean.path !== detail.path || clean.message !== detail.message;
    return clean;
  });
  return changed ? new RequestError(error.code, message, details, error) : error;
}

/**
 * The error a failed request answers with: its own code, or INTERNAL for anything unforeseen.
 * Failures that are the gateway's (5xx) are logged; every one is counted by code.
 */
export function settleError(error: unknown, logger: Logger, metrics: Metrics): RequestError {
  let requestError = RequestError.from(error) ?? fromFramework(error);
  if (requestError === undefined || httpStatusOf(requestError.code) >= 500) {
    logger.error({ err: error }, 'request failed');
  }
  requestError ??= new RequestError('INTERNAL', 'internal error');
  metrics.errors.inc({ code: requestError.code });
  return withoutIdentifiers(requestError);
}

export function errorHandler(logger: Logger, metrics: Metrics) {
  return (error: unknown, _request: Request, response: Response, _next: NextFunction): void => {
    const requestError = settleError(error, logger, metrics);
    const status = httpStatusOf(requestError.code);
    if (status === 503) {
      // Unavailable or busy for now, not refused: say when trying again is reasonable.
      response.set('Retry-After', String(RETRY_AFTER_SECONDS));
    }
    response.status(status).json(requestError.toBody());
  };
}
