/**
 * Ledger time, as fixed-width RFC 3339 in UTC with nanoseconds
 * (`2026-11-26T09:30:00.123456789Z`), so that string order is time order inside index keys.
 */

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/i;

function format(epochSeconds: number, nanos: number): string {
  const wholeSeconds = new Date(epochSeconds * 1000).toISOString().slice(0, 19);
  return `${wholeSeconds}.${String(nanos).padStart(9, '0')}Z`;
}

/** The transaction timestamp as the proposal carries it: the same on every endorser. */
export function formatTxTimestamp(timestamp: {
  seconds: number | { toNumber(): number };
  nanos: number;
}): string {
  const seconds =
    typeof timestamp.seconds === 'number' ? timestamp.seconds : timestamp.seconds.toNumber();
  return format(seconds, timestamp.nanos);
}

/** Normalises any RFC 3339 date-time (already validated) to ledger time. */
export function toLedgerTime(rfc3339: string): string {
  const match = RFC3339.exec(rfc3339);
  if (!match) {
    throw new RangeError(`not an RFC 3339 date-time: ${rfc3339}`);
  }
  const [, wholeSeconds = '', fraction = '', offset = 'Z'] = match;
  const epochMillis = Date.parse(`${wholeSeconds}${offset.toUpperCase()}`);
  if (Number.isNaN(epochMillis)) {
    throw new RangeError(`not a valid date-time: ${rfc3339}`);
  }
  const nanos = Number(fraction.slice(0, 9).padEnd(9, '0'));
  return format(epochMillis / 1000, nanos);
}
