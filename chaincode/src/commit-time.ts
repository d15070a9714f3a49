/**
 * Ledger time, as fixed-width RFC 3339 in UTC with nanoseconds
 * (`2026-11-26T09:30:00.123456789Z`), so that string order is time order, in keys and in the
 * gateways' postings alike.
 */

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/i;

/** The instants ledger time can write: a four-digit UTC year, so that it sorts as it should. */
const EARLIEST_MILLIS = Date.parse('0000-01-01T00:00:00.000Z');
const LATEST_MILLIS = Date.parse('9999-12-31T23:59:59.999Z');

function format(epochSeconds: number, nanos: number): string {
  const millis = epochSeconds * 1000;
  if (!(millis >= EARLIEST_MILLIS && millis <= LATEST_MILLIS)) {
    // toISOString would write `+010000-…` or `-000001-…`, which sorts before every real time.
    throw new RangeError('ledger time holds years 0000 to 9999 in UTC');
  }
  const wholeSeconds = new Date(millis).toISOString().slice(0, 19);
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
