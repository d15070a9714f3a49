import { issueDetails, type ErrorDetail } from '@audit-ledger/chaincode';
import type { z } from 'zod';
import { LedgerError, type LedgerErrorCode } from '../ledger/ledger';

export type RequestErrorCode =
  | LedgerErrorCode
  | 'MALFORMED_JSON'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'PAYLOAD_TOO_LARGE'
  | 'INVALID_QUERY'
  | 'UNAUTHENTICATED'
  | 'ENTRY_CONFLICT'
  | 'FINDING_CLOSED'
  | 'ROUTE_NOT_FOUND'
  | 'NOT_AVAILABLE_ON_THIS_LEDGER'
  | 'PROOF_WITHHELD'
  | 'BUSY';

/**
 * The HTTP status each code travels as, the one mapping for responses, batch items and
 * operations alike.
 */
const STATUS_BY_CODE: Record<RequestErrorCode, number> = {
  MALFORMED_JSON: 400,
  INVALID_ARGUMENT: 400,
  INVALID_ENTRY: 400,
  INVALID_QUERY: 400,
  PERSONAL_DATA: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  PROOF_WITHHELD: 403,
  NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  ENTRY_EXISTS: 409,
  ENTRY_AMBIGUOUS: 409,
  ENTRY_CONFLICT: 409,
  FINDING_CLOSED: 409,
  NOT_ERASABLE: 409,
  ERASURE_NOT_DUE: 409,
  ALREADY_ERASED: 409,
  SEQ_EXISTS: 409,
  SETTING_CONFLICT: 409,
  ENTRY_TOO_LARGE: 413,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INTERNAL: 500,
  LEDGER_INTEGRITY: 500,
  UNKNOWN_TRANSACTION: 500,
  NOT_AVAILABLE_ON_THIS_LEDGER: 501,
  LEDGER_UNAVAILABLE: 503,
  BUSY: 503,
  DETAILS_UNAVAILABLE: 503,
};

export function httpStatusOf(code: RequestErrorCode): number {
  return STATUS_BY_CODE[code];
}

export interface ErrorBody {
  error: { code: RequestErrorCode; message: string; details?: ErrorDetail[] };
}

/**
 * Why a request was refused or failed, by a stable code; how that code travels (an HTTP status,
 * a batch item, an operation) is decided where it leaves, from the code alone.
 */
export class RequestError extends Error {
  readonly code: RequestErrorCode;
  readonly details: ErrorDetail[] | undefined;

  constructor(code: RequestErrorCode, message: string, details?: ErrorDetail[], cause?: unknown) {
    super(message, { cause });
    this.name = RequestError.name;
    this.code = code;
    this.details = details;
  }

  static from(error: unknown): RequestError | undefined {
    if (error instanceof RequestError) {
      return error;
    }
    return error instanceof LedgerError ? RequestError.fromLedger(error) : undefined;
  }

  static fromLedger(error: LedgerError): RequestError {
    return new RequestError(error.code, error.message, error.details, error);
  }

  toBody(): ErrorBody {
    return {
      error:
        this.details === undefined
          ? { code: this.code, message: this.message }
          : { code: this.code, message: this.message, details: this.details },
    };
  }
}

/**
 * A ledger's refusal of a query's arguments as the API's INVALID_QUERY, with each detail's path
 * named as the caller named the parameter (`pageSize` → `limit`, …); any other error unchanged.
 */
export function asQueryRefusal(error: unknown, parameterNames: Record<string, string>): unknown {
  if (!(error instanceof LedgerError && error.code === 'INVALID_ARGUMENT')) {
    return error;
  }
  const details = (error.details ?? []).map((detail) => ({
    path: parameterNames[detail.path] ?? detail.path,
    message: detail.message,
  }));
  return new RequestError('INVALID_QUERY', error.message, details, error);
}

/**
 * `value` as `schema` reads it, or a RequestError with `code` and `message` whose details name
 * every part of `value` that is wrong, and why.
 */
export function parseRequest<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  code: 'INVALID_QUERY' | 'INVALID_ARGUMENT' | 'INVALID_ENTRY',
  message: string,
): z.output<Schema> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new RequestError(code, message, issueDetails(parsed.error));
  }
  return parsed.data;
}
