import type { ErrorDetail } from '@audit-ledger/chaincode';
import { LedgerError, type LedgerErrorCode } from '../ledger/ledger';

export type ApiErrorCode =
  | LedgerErrorCode
  | 'MALFORMED_JSON'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'PAYLOAD_TOO_LARGE'
  | 'INVALID_QUERY'
  | 'UNAUTHENTICATED'
  | 'ENTRY_CONFLICT'
  | 'ROUTE_NOT_FOUND';

/** An error with its HTTP status, as the error middleware sends it. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ApiErrorCode;
  readonly details: ErrorDetail[] | undefined;

  constructor(
    status: number,
    code: ApiErrorCode,
    message: string,
    details?: ErrorDetail[],
    cause?: unknown,
  ) {
    super(message, { cause });
    this.name = ApiError.name;
    this.status = status;
    this.code = code;
    this.details = details;
  }

  toBody(): { error: { code: ApiErrorCode; message: string; details?: ErrorDetail[] } } {
    return {
      error:
        this.details === undefined
          ? { code: this.code, message: this.message }
          : { code: this.code, message: this.message, details: this.details },
    };
  }
}

const LEDGER_STATUS: Record<LedgerErrorCode, number> = {
  INVALID_ARGUMENT: 400,
  INVALID_ENTRY: 400,
  PERSONAL_DATA: 400,
  ENTRY_TOO_LARGE: 413,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  ENTRY_EXISTS: 409,
  SEQ_EXISTS: 409,
  LEDGER_UNAVAILABLE: 503,
  LEDGER_INTEGRITY: 500,
  UNKNOWN_TRANSACTION: 500,
  INTERNAL: 500,
};

export function fromLedgerError(error: LedgerError): ApiError {
  return new ApiError(LEDGER_STATUS[error.code], error.code, error.message, error.details, error);
}

export function toApiError(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) {
    return error;
  }
  if (error instanceof LedgerError) {
    return fromLedgerError(error);
  }
  return undefined;
}
