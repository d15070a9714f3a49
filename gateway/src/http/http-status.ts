import type { RequestErrorCode } from '../request-error';

/** The one mapping from error codes to HTTP status: responses, batch items and operations. */
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
};

export function httpStatusOf(code: RequestErrorCode): number {
  return STATUS_BY_CODE[code];
}
