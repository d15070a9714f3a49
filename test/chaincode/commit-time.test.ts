import { describe, expect, test } from 'vitest';
import { formatTxTimestamp, toLedgerTime } from '../../chaincode/src/commit-time.js';

/** Stands in for the protobufjs Long that fabric-shim puts in `Timestamp.seconds`. */
class FakeLong {
  constructor(
    readonly low: number,
    readonly high: number,
  ) {}

  toNumber(): number {
    return this.high * 2 ** 32 + (this.low >>> 0);
  }
}

/** 2026-11-26T09:30:00Z, in seconds since the epoch. */
const NOV_26_0930 = 1_795_685_400;
const LEDGER_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/;

describe('formatTxTimestamp', () => {
  test('formats numeric seconds and nanos as UTC ledger time', () => {
    expect(formatTxTimestamp({ seconds: NOV_26_0930, nanos: 123_456_789 })).toBe(
      '2026-11-26T09:30:00.123456789Z',
    );
  });

  test('formats the epoch', () => {
    expect(formatTxTimestamp({ seconds: 0, nanos: 0 })).toBe('1970-01-01T00:00:00.000000000Z');
  });

  test('accepts Long-like seconds with toNumber()', () => {
    const seconds = new FakeLong(NOV_26_0930, 0);
    expect(formatTxTimestamp({ seconds, nanos: 5 })).toBe('2026-11-26T09:30:00.000000005Z');
  });

  test('accepts Long-like seconds beyond 32 bits', () => {
    // 2106-02-07T06:28:16Z is 2^32 seconds after the epoch.
    const seconds = new FakeLong(1, 1);
    expect(seconds.toNumber()).toBe(2 ** 32 + 1);
    expect(formatTxTimestamp({ seconds, nanos: 0 })).toBe('2106-02-07T06:28:17.000000000Z');
  });

  test('gives the same result for numeric and Long-like seconds', () => {
    expect(formatTxTimestamp({ seconds: new FakeLong(NOV_26_0930, 0), nanos: 42 })).toBe(
      formatTxTimestamp({ seconds: NOV_26_0930, nanos: 42 }),
    );
  });

  test.each([
    [0, '000000000'],
    [1, '000000001'],
    [10, '000000010'],
    [1_000, '000001000'],
    [500_000_000, '500000000'],
    [999_999_999, '999999999'],
  ])('pads %i nanos to nine digits', (nanos, digits) => {
    const formatted = formatTxTimestamp({ seconds: NOV_26_0930, nanos });
    expect(formatted).toBe(`2026-11-26T09:30:00.${digits}Z`);
    expect(formatted).toMatch(LEDGER_TIME);
    expect(formatted).toHaveLength(30);
  });
});

describe('toLedgerTime', () => {
  test.each([
    ['2026-11-26T17:30:00+08:00', '2026-11-26T09:30:00.000000000Z'],
    ['2026-11-26T09:30:00Z', '2026-11-26T09:30:00.000000000Z'],
    ['2026-11-26T09:30:00+00:00', '2026-11-26T09:30:00.000000000Z'],
    ['2026-11-26T09:30:00-00:00', '2026-11-26T09:30:00.000000000Z'],
    ['2026-11-26T09:30:00+05:45', '2026-11-26T03:45:00.000000000Z'],
    ['2026-03-01T07:59:58.125+08:00', '2026-02-28T23:59:58.125000000Z'],
    ['2024-03-01T07:00:00+08:00', '2024-02-29T23:00:00.000000000Z'],
    ['2026-12-31T20:00:00.5-05:00', '2027-01-01T01:00:00.500000000Z'],
    ['1970-01-01T07:59:59.999+08:00', '1969-12-31T23:59:59.999000000Z'],
  ])('normalises %s to UTC', (input, expected) => {
    expect(toLedgerTime(input)).toBe(expected);
  });

  test.each([
    ['no fraction', '2026-11-26T09:30:00Z', '000000000'],
    ['one digit', '2026-11-26T09:30:00.1Z', '100000000'],
    ['three digits', '2026-11-26T09:30:00.125Z', '125000000'],
    ['six digits', '2026-11-26T09:30:00.000001Z', '000001000'],
    ['nine digits', '2026-11-26T09:30:00.123456789Z', '123456789'],
    ['ten digits', '2026-11-26T09:30:00.1234567891Z', '123456789'],
    ['twelve digits', '2026-11-26T09:30:00.999999999999Z', '999999999'],
    ['below a nanosecond', '2026-11-26T09:30:00.000000000999Z', '000000000'],
  ])('keeps nanosecond precision with %s, truncating beyond nine', (_, input, digits) => {
    expect(toLedgerTime(input)).toBe(`2026-11-26T09:30:00.${digits}Z`);
  });

  test('keeps the first and the last instant of a four-digit UTC year', () => {
    expect(toLedgerTime('0000-01-01T00:00:00Z')).toBe('0000-01-01T00:00:00.000000000Z');
    expect(toLedgerTime('9999-12-31T23:59:59.999999999Z')).toBe('9999-12-31T23:59:59.999999999Z');
  });

  test.each([
    ['year 10000', '9999-12-31T23:30:00-01:00'],
    ['year -1', '0000-01-01T00:30:00+01:00'],
  ])('refuses an instant in %s in UTC, which would sort before every real time', (_, input) => {
    expect(() => toLedgerTime(input)).toThrow(RangeError);
  });

  test('accepts a lower-case z, and a lower-case t', () => {
    expect(toLedgerTime('2026-11-26T09:30:00.5z')).toBe('2026-11-26T09:30:00.500000000Z');
    expect(toLedgerTime('2026-11-26t17:30:00+08:00')).toBe('2026-11-26T09:30:00.000000000Z');
    expect(toLedgerTime('2026-11-26t09:30:00z')).toBe('2026-11-26T09:30:00.000000000Z');
  });

  test('is idempotent and agrees with formatTxTimestamp', () => {
    const committed = formatTxTimestamp({ seconds: NOV_26_0930, nanos: 7 });
    expect(toLedgerTime(committed)).toBe(committed);
    expect(toLedgerTime(toLedgerTime('2026-11-26T17:30:00.000000007+08:00'))).toBe(committed);
  });

  test.each([
    '',
    'not a date',
    '2026-11-26',
    '2026-11-26T09:30Z',
    '2026-11-26T09:30:00',
    '2026-11-26 09:30:00Z',
    '2026-11-26T09:30:00+0800',
    '2026-11-26T09:30:00+08',
    '2026-11-26T09:30:00.Z',
    '2026-11-26T09:30:00,5Z',
    ' 2026-11-26T09:30:00Z',
    '2026-11-26T09:30:00Z ',
    '2026-11-26T09:30:00ZZ',
    '26-11-26T09:30:00Z',
    '2026-13-01T00:00:00Z',
    '2026-11-26T25:00:00Z',
    '2026-11-26T09:60:00Z',
    '2026-11-26T09:30:00+24:00',
  ])('throws a RangeError for %j', (input) => {
    expect(() => toLedgerTime(input)).toThrow(RangeError);
  });
});

describe('ledger time order', () => {
  // Instants in strictly increasing time order, written in assorted offsets and precisions.
  const inTimeOrder = [
    '1969-12-31T23:59:59.999999999Z',
    '1970-01-01T08:00:00+08:00',
    '1970-01-01T00:00:00.000000001Z',
    '2026-11-26T17:29:59.999999999+08:00',
    '2026-11-26T09:30:00Z',
    '2026-11-26T09:30:00.000000001Z',
    '2026-11-26T04:30:00.1-05:00',
    '2026-11-26T09:30:00.100000001Z',
    '2026-11-26T09:30:00.9z',
    '2026-11-26T09:30:01Z',
    '2026-11-26T23:00:00-11:00',
    '2026-11-27T12:00:00+01:00',
    '2027-01-01T07:59:59+08:00',
    '2026-12-31T19:00:00-05:00',
    '2099-12-31T23:59:59.999999999Z',
  ];

  test('lexical order of normalised times is time order', () => {
    const normalised = inTimeOrder.map(toLedgerTime);
    for (const value of normalised) {
      expect(value).toMatch(LEDGER_TIME);
    }
    expect([...normalised].reverse().sort()).toEqual(normalised);
    expect(new Set(normalised).size).toBe(normalised.length);
    for (let index = 1; index < normalised.length; index += 1) {
      expect((normalised[index - 1] ?? '') < (normalised[index] ?? '')).toBe(true);
    }
  });

  test('lexical order of transaction timestamps is time order', () => {
    const timestamps = [
      { seconds: 0, nanos: 999_999_999 },
      { seconds: 1, nanos: 0 },
      { seconds: 9, nanos: 5 },
      { seconds: 10, nanos: 0 },
      { seconds: NOV_26_0930 - 1, nanos: 999_999_999 },
      { seconds: NOV_26_0930, nanos: 0 },
      { seconds: NOV_26_0930, nanos: 9 },
      { seconds: NOV_26_0930, nanos: 10 },
      { seconds: NOV_26_0930, nanos: 100_000_000 },
      { seconds: NOV_26_0930 + 1, nanos: 0 },
      { seconds: NOV_26_0930 + 86_400, nanos: 1 },
    ];
    const formatted = timestamps.map(formatTxTimestamp);
    expect([...formatted].reverse().sort()).toEqual(formatted);
    expect(new Set(formatted).size).toBe(formatted.length);
  });

  test('a transaction timestamp and an equal RFC 3339 time compare equal', () => {
    expect(formatTxTimestamp({ seconds: NOV_26_0930, nanos: 100_000_000 })).toBe(
      toLedgerTime('2026-11-26T04:30:00.1-05:00'),
    );
  });
});
