/**
 * Stable, machine-readable errors. The contract throws them; at the transaction boundary they are
 * encoded as a JSON envelope in the error message, because that message is the only thing Fabric
 * (and fabric-contract-api's dispatcher) carries back to the client.
 */

export const CONTRACT_ERROR_CODES = [
  'INVALID_ARGUMENT',
  'INVALID_ENTRY',
  'ENTRY_TOO_LARGE',
  'ENTRY_EXISTS',
  'ENTRY_AMBIGUOUS',
  'SEQ_EXISTS',
  'SETTING_CONFLICT',
  'FORBIDDEN',
  'NOT_FOUND',
  'PERSONAL_DATA',
  'NOT_ERASABLE',
  'ERASURE_NOT_DUE',
  'ALREADY_ERASED',
  'DETAILS_UNAVAILABLE',
  'UNKNOWN_TRANSACTION',
  'INTERNAL',
] as const;

export type ContractErrorCode = (typeof CONTRACT_ERROR_CODES)[number];

export interface ErrorDetail {
  /** Dotted path of the offending field, e.g. `entries[2].payload.actor.org`. */
  path: string;
  message: string;
}

export interface ContractErrorEnvelope {
  code: ContractErrorCode;
  message: string;
  details?: ErrorDetail[];
}

export class ContractError extends Error {
  readonly code: ContractErrorCode;
  readonly details: ErrorDetail[] | undefined;

  constructor(code: ContractErrorCode, message: string, details?: ErrorDetail[], cause?: unknown) {
    super(message, { cause });
    this.name = ContractError.name;
    this.code = code;
    this.details = details;
  }

  toEnvelope(): ContractErrorEnvelope {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

const codeSet: ReadonlySet<string> = new Set(CONTRACT_ERROR_CODES);

export function encodeErrorEnvelope(error: ContractError): string {
  return JSON.stringify(error.toEnvelope());
}

/**
 * Finds the contract's error envelope in a message that may have been wrapped by the peer or the
 * client SDK (for example `chaincode response 500, {"code":...}`). Returns undefined when the
 * message carries no envelope, so callers never have to guess from free text.
 */
export function decodeErrorEnvelope(message: string): ContractErrorEnvelope | undefined {
  const start = message.indexOf('{"code":');
  if (start < 0) {
    return undefined;
  }
  const end = message.lastIndexOf('}');
  if (end < start) {
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(message.slice(start, end + 1));
  } catch {
    return undefined;
  }
  return isEnvelope(parsed) ? parsed : undefined;
}

function isEnvelope(value: unknown): value is ContractErrorEnvelope {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.code === 'string' &&
    codeSet.has(candidate.code) &&
    typeof candidate.message === 'string' &&
    (candidate.details === undefined || Array.isArray(candidate.details))
  );
}
