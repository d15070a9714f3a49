/**
 * Recognises the two national identifiers that must never reach the ledger in clear: the
 * 18-character resident identity number (GB 11643) and the 18-character unified social credit code
 * (GB 32100). Both carry check characters, so a candidate is only reported when its check
 * characters, date and structure hold: ordinary ids that merely look similar are left alone.
 */

import { formatPath } from './validation';

const RESIDENT_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const RESIDENT_ID_CHECK_CHARS = '10X98765432';

const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_CODE_WEIGHTS = [
  1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
] as const;
const ORGANIZATION_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;

const RESIDENT_ID_SHAPE = /^[1-8]\d{16}[\dX]$/;
// Registration authority, entity type, six-digit administrative division, organisation code.
const CREDIT_CODE_SHAPE = /^[1-9ANY][1-9]\d{6}[0-9A-HJ-NP-RTUWXY]{10}$/;
// 18 letters or digits, possibly split by spaces or hyphens as people type them, not glued to
// other letters or digits (Chinese text around is fine). A zero-width match with a capture, so
// candidates may overlap and none hides another.
const CANDIDATE = /(?<![0-9A-Za-z])(?=((?:[0-9A-Za-z][\s-]{0,2}){17}[0-9A-Za-z])(?![0-9A-Za-z]))/g;
const SEPARATORS = /[\s-]/g;

const IDENTIFIER_LENGTH = 18;
const UNICODE_SPACE = /\s/;

function isAsciiLetterOrDigit(code: number): boolean {
  const lower = code | 0x20;
  return (code >= 0x30 && code <= 0x39) || (lower >= 0x61 && lower <= 0x7a);
}

function isSeparator(code: number): boolean {
  return (
    code === 0x2d ||
    code === 0x20 ||
    (code >= 0x09 && code <= 0x0d) ||
    (code > 0x7f && UNICODE_SPACE.test(String.fromCharCode(code)))
  );
}

/**
 * Whether `text` has 18 letters or digits in a row, each followed by at most two separators:
 * what every CANDIDATE match needs. One pass over the characters rules out nearly every string
 * in an entry (names, timestamps, codes) before the costlier expression runs.
 */
function mayHoldIdentifier(text: string): boolean {
  if (text.length < IDENTIFIER_LENGTH) {
    return false;
  }
  let run = 0;
  let separators = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (isAsciiLetterOrDigit(code)) {
      run += 1;
      separators = 0;
      if (run === IDENTIFIER_LENGTH) {
        return true;
      }
    } else if (run > 0 && separators < 2 && isSeparator(code)) {
      separators += 1;
    } else {
      run = 0;
      separators = 0;
    }
  }
  return false;
}

/** Where national identifiers stand in `text`, as [start, end) spans. */
function identifierSpans(text: string): [number, number][] {
  const spans: [number, number][] = [];
  if (!mayHoldIdentifier(text)) {
    return spans;
  }
  for (const match of text.matchAll(CANDIDATE)) {
    const candidate = match[1] ?? '';
    if (isNationalIdentifier(candidate.replace(SEPARATORS, ''))) {
      spans.push([match.index, match.index + candidate.length]);
    }
  }
  return spans;
}

/** Σ weight × value of the leading characters of `text` (all ASCII, checked by the caller). */
function weightedSum(
  text: string,
  weights: readonly number[],
  valueOf: (char: string) => number,
): number {
  return weights.reduce((sum, weight, index) => sum + weight * valueOf(text.charAt(index)), 0);
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (year < 1900 || year > 2099 || month < 1 || month > 12 || day < 1) {
    return false;
  }
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  return day <= daysInMonth;
}

export function isResidentIdNumber(text: string): boolean {
  const candidate = text.toUpperCase();
  if (!RESIDENT_ID_SHAPE.test(candidate)) {
    return false;
  }
  const year = Number(candidate.slice(6, 10));
  const month = Number(candidate.slice(10, 12));
  const day = Number(candidate.slice(12, 14));
  if (!isCalendarDate(year, month, day)) {
    return false;
  }
  const sum = weightedSum(candidate, RESIDENT_ID_WEIGHTS, Number);
  return RESIDENT_ID_CHECK_CHARS[sum % 11] === candidate[17];
}

function organizationCodeHolds(code: string): boolean {
  // GB 11714: eight body characters (digits and letters, A = 10) and one check character.
  const sum = weightedSum(code, ORGANIZATION_CODE_WEIGHTS, (char) => Number.parseInt(char, 36));
  const remainder = 11 - (sum % 11);
  const expected = remainder === 10 ? 'X' : remainder === 11 ? '0' : String(remainder);
  return code[8] === expected;
}

export function isUnifiedSocialCreditCode(text: string): boolean {
  const candidate = text.toUpperCase();
  if (!CREDIT_CODE_SHAPE.test(candidate) || !organizationCodeHolds(candidate.slice(8, 17))) {
    return false;
  }
  const sum = weightedSum(candidate, CREDIT_CODE_WEIGHTS, (char) =>
    CREDIT_CODE_ALPHABET.indexOf(char),
  );
  const check = (31 - (sum % 31)) % 31;
  return CREDIT_CODE_ALPHABET[check] === candidate[17];
}

export function isNationalIdentifier(text: string): boolean {
  return isResidentIdNumber(text) || isUnifiedSocialCreditCode(text);
}

export function containsNationalIdentifier(text: string): boolean {
  return identifierSpans(text).length > 0;
}

/** `text` with every national identifier in it replaced by `[redacted]`. */
export function redactNationalIdentifiers(text: string): string {
  let redacted = '';
  let position = 0;
  for (const [start, end] of identifierSpans(text)) {
    if (start >= position) {
      redacted += `${text.slice(position, start)}[redacted]`;
      position = end;
    }
  }
  return redacted + text.slice(position);
}

/**
 * Paths of every string (object keys included) in a JSON value that contains a national
 * identifier. The identifiers themselves are never returned, not even as part of a key in a
 * path, so callers cannot leak them by reporting where they were.
 */
export function findNationalIdentifiers(value: unknown, path = ''): string[] {
  const found: string[] = [];
  collectNationalIdentifiers(value, path, [], found);
  return found;
}

/** Paths are formatted only where something is found: most entries have nothing to report. */
function collectNationalIdentifiers(
  value: unknown,
  prefix: string,
  segments: (string | number)[],
  found: string[],
): void {
  if (typeof value === 'string') {
    if (containsNationalIdentifier(value)) {
      found.push(formatPath(prefix, segments));
    }
  } else if (Array.isArray(value)) {
    value.forEach((item: unknown, index) => {
      segments.push(index);
      collectNationalIdentifiers(item, prefix, segments, found);
      segments.pop();
    });
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const keyInPath = redactNationalIdentifiers(key);
      segments.push(keyInPath);
      if (keyInPath !== key) {
        found.push(formatPath(prefix, segments));
      }
      collectNationalIdentifiers(item, prefix, segments, found);
      segments.pop();
    }
  }
}
