/**
 * Recognises the two national identifiers that must never reach the ledger in clear: the
 * 18-character resident identity number (GB 11643) and the 18-character unified social credit code
 * (GB 32100), in any spelling that keeps them readable: full-width or other scripts' digits,
 * groups split by spaces, punctuation, symbols or invisible characters, glued to letters. Both
 * carry check characters, so a candidate is only reported when its check characters, date and
 * structure hold: ordinary ids that merely look similar are left alone.
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

const IDENTIFIER_LENGTH = 18;
/** Separator characters allowed between two characters of one identifier ("   " is three). */
const MAX_SEPARATORS = 3;
// What people and systems put between the groups of a number: spaces, punctuation (. / _ : @ -
// and every dash), symbols (= +), and invisible format characters (zero-width space and joiner,
// soft hyphen).
const SEPARATOR = /^[\p{White_Space}\p{P}\p{S}\p{Cf}]+$/u;
const DECIMAL_DIGIT = /^\p{Nd}$/u;
// Typed digests are hex by their schema: scanning them would only find false positives.
const TYPED_DIGEST = /^(?:hmac-)?sha256:[0-9a-f]{64}$/;
/**
 * Machine-made tokens: UUIDs (RFC 9562 form, either case) and runs of 32 or more lower-case hex
 * digits (hashes, commit ids, keys). About one random UUIDv7 in 400, and one hex hash in 2,000,
 * holds 18 characters that pass an identifier's checks by chance; a person's number is never
 * written inside one, so they are not scanned. An identifier beside one is still found.
 */
const MACHINE_TOKEN =
  /(?<![0-9A-Za-z])(?:[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}|[0-9A-F]{8}(?:-[0-9A-F]{4}){3}-[0-9A-F]{12}|[0-9a-f]{32,})(?![0-9A-Za-z])/g;
// Stands in for a machine token's characters: a boundary to the scanner, so indices stay put.
const MASK = '\u0000';

/** One letter or digit of the text, as ASCII, and where it stands in the original. */
interface Glyph {
  char: string;
  start: number;
  end: number;
  /** Separator characters between it and the glyph before it. */
  separatedBefore: number;
}

const decimalValues = new Map<string, string>();

/** The ASCII digit of any Unicode decimal digit (Arabic-Indic ٣, Devanagari ३, …). */
function asciiDigitOf(char: string): string {
  let value = decimalValues.get(char);
  if (value === undefined) {
    // Unicode lays decimal digits out in runs of ten, from zero: count back to the run's start.
    let position = 0;
    let codePoint = char.codePointAt(0) ?? 0;
    while (DECIMAL_DIGIT.test(String.fromCodePoint(codePoint - 1))) {
      codePoint -= 1;
      position += 1;
    }
    value = String(position % 10);
    decimalValues.set(char, value);
  }
  return value;
}

function isAsciiLetterOrDigit(code: number): boolean {
  const lower = code | 0x20;
  return (code >= 0x30 && code <= 0x39) || (lower >= 0x61 && lower <= 0x7a);
}

function isAsciiDigit(char: string): boolean {
  return char >= '0' && char <= '9';
}

/** A character as the scanner sees it: an ASCII letter or digit, a separator, or a boundary. */
function classify(char: string): { glyph: string } | 'separator' | 'boundary' {
  const code = char.charCodeAt(0);
  if (code < 0x80) {
    if (isAsciiLetterOrDigit(code)) {
      return { glyph: char.toUpperCase() };
    }
    return SEPARATOR.test(char) ? 'separator' : 'boundary';
  }
  if (code >= 0x4e00 && code <= 0x9fff) {
    // A Chinese character, the commonest non-ASCII text in an entry: never part of a number.
    return 'boundary';
  }
  // Full-width and other compatibility forms become ASCII; other scripts' digits their value.
  const normalized = char.normalize('NFKC');
  if (normalized.length === 1 && isAsciiLetterOrDigit(normalized.charCodeAt(0))) {
    return { glyph: normalized.toUpperCase() };
  }
  if (DECIMAL_DIGIT.test(normalized)) {
    return { glyph: asciiDigitOf(normalized) };
  }
  return normalized === '' || SEPARATOR.test(normalized) ? 'separator' : 'boundary';
}

/**
 * The text's runs of letters and digits, each a candidate for identifiers: a run goes on across
 * up to MAX_SEPARATORS separators and ends at any other character (a Chinese character, say).
 */
function glyphRuns(text: string, minimumLength = IDENTIFIER_LENGTH): Glyph[][] {
  const runs: Glyph[][] = [];
  let run: Glyph[] = [];
  let separators = 0;
  let index = 0;
  for (const char of text) {
    const kind = classify(char);
    if (kind === 'separator') {
      separators += 1;
    } else if (kind === 'boundary') {
      separators = MAX_SEPARATORS + 1;
    } else {
      if (separators > MAX_SEPARATORS && run.length > 0) {
        runs.push(run);
        run = [];
      }
      run.push({
        char: kind.glyph,
        start: index,
        end: index + char.length,
        separatedBefore: separators,
      });
      separators = 0;
    }
    index += char.length;
  }
  if (run.length > 0) {
    runs.push(run);
  }
  return runs.filter((candidate) => candidate.length >= minimumLength);
}

/**
 * The national identifier `text` spells and nothing else, in its canonical form (18 ASCII
 * characters, upper case), however it was typed: the same number always gives the same form.
 */
export function canonicalIdentifier(text: string): string | undefined {
  const runs = glyphRuns(text, 1);
  const [only] = runs;
  if (runs.length !== 1 || only?.length !== IDENTIFIER_LENGTH) {
    return undefined;
  }
  const candidate = only.map((glyph) => glyph.char).join('');
  return isNationalIdentifier(candidate) ? candidate : undefined;
}

/**
 * Whether `text` may hold 18 letters or digits at all: one cheap pass that rules out nearly
 * every string in an entry (names, timestamps, codes) before the costlier scan.
 */
function mayHoldIdentifier(text: string): boolean {
  if (text.length < IDENTIFIER_LENGTH || TYPED_DIGEST.test(text)) {
    return false;
  }
  let count = 0;
  for (let index = 0; index < text.length && count < IDENTIFIER_LENGTH; index += 1) {
    const code = text.charCodeAt(index);
    if (code >= 0x80 || isAsciiLetterOrDigit(code)) {
      count += 1;
    }
  }
  return count >= IDENTIFIER_LENGTH;
}

/**
 * Where national identifiers stand in `text`, as [start, end) spans of the original. A window of
 * 18 letters and digits is a candidate unless a digit is glued to its first or last digit: a
 * letter next to the number, or a separator, is a boundary, so `ID11010519491231002X` is found
 * and a longer number that merely contains 18 valid digits is not.
 */
function identifierSpans(text: string): [number, number][] {
  const spans: [number, number][] = [];
  if (!mayHoldIdentifier(text)) {
    return spans;
  }
  const scanned = text.replace(MACHINE_TOKEN, (token) => MASK.repeat(token.length));
  for (const run of glyphRuns(scanned)) {
    for (let first = 0; first + IDENTIFIER_LENGTH <= run.length; first += 1) {
      const window = run.slice(first, first + IDENTIFIER_LENGTH);
      const before = run[first - 1];
      const after = run[first + IDENTIFIER_LENGTH];
      const head = window[0];
      const tail = window[IDENTIFIER_LENGTH - 1];
      if (head === undefined || tail === undefined) {
        break;
      }
      const gluedBefore =
        before !== undefined &&
        head.separatedBefore === 0 &&
        isAsciiDigit(before.char) &&
        isAsciiDigit(head.char);
      const gluedAfter =
        after?.separatedBefore === 0 && isAsciiDigit(after.char) && isAsciiDigit(tail.char);
      if (
        !gluedBefore &&
        !gluedAfter &&
        isNationalIdentifier(window.map((glyph) => glyph.char).join(''))
      ) {
        spans.push([head.start, tail.end]);
      }
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
