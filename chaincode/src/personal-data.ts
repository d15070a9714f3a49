/**
 * Recognises the two national identifiers that must never reach the ledger in clear: the
 * 18-character resident identity number (GB 11643) and the 18-character unified social credit code
 * (GB 32100), in any spelling that keeps them readable: full-width or other scripts' digits,
 * Cyrillic or Greek letters drawn like Latin ones, groups split by spaces, punctuation, symbols,
 * CJK characters or invisible characters, glued to letters, inside hex tokens and UUIDs. Both
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
/**
 * Visible separators allowed between two characters of one identifier: `110105 - / 19491231` is
 * one number, `110105 ---- 19491231` two. White space and invisible characters do not count.
 */
const MAX_VISIBLE_SEPARATORS = 3;

/**
 * How the scanner reads one character: as a letter or digit of a candidate (its ASCII form, a
 * string), or as what stands between them.
 * - SPACE: white space. Any amount may sit between groups; it keeps digits apart.
 * - INVISIBLE: format characters, combining marks and other default-ignorable code points
 *   (zero-width space, soft hyphen, variation selectors, Hangul fillers, bidi controls): as if
 *   absent, since nobody reading the text sees them.
 * - VISIBLE: punctuation, symbols, CJK characters and other scripts' letters: what people put
 *   between the groups of a number (`110105号19491231`), up to MAX_VISIBLE_SEPARATORS in a row.
 * - BOUNDARY: anything else (control characters, unassigned or private-use code points, Latin
 *   letters with no ASCII form such as ß): no number runs across it.
 */
const SPACE = 1;
const INVISIBLE = 2;
const VISIBLE = 3;
const BOUNDARY = 4;
type Reading = string | typeof SPACE | typeof INVISIBLE | typeof VISIBLE | typeof BOUNDARY;

const WHITE_SPACE = /^\p{White_Space}$/u;
const INVISIBLE_CHARACTER = /^[\p{Cf}\p{M}\p{Default_Ignorable_Code_Point}]$/u;
const MARKS = /\p{M}/gu;
const PUNCTUATION_OR_SYMBOL = /^[\p{P}\p{S}]$/u;
const LETTER_OR_NUMBER = /^[\p{L}\p{N}]$/u;
const LATIN_SCRIPT = /^\p{Script=Latin}$/u;
const DECIMAL_DIGIT = /^\p{Nd}$/u;

/**
 * Cyrillic and Greek letters drawn like a Latin letter, in upper and lower case (from Unicode's
 * confusables for these scripts, TR39), read as that letter: `11010519491231002Х` with a Cyrillic
 * Ha is the number it looks like. Letters that only resemble a digit (З, б) are not mapped, as
 * Latin O and l are not read as 0 and 1.
 */
const LATIN_LOOKALIKES = lookalikes([
  ['ABCEHIJKMOPSTXY', 'АВСЕНІЈКМОРЅТХУ'], // Cyrillic capitals
  ['ABCEHIJKMOPSTXY', 'авсеніјкморѕтху'], // Cyrillic small letters
  ['DHILQWY', 'ԁһӀӏԛԝү'], // letters of other Cyrillic alphabets (Ӏ and ӏ are palochka)
  ['HQWY', 'ҺԚԜҮ'],
  ['ABEHIKMNOPTXYZ', 'ΑΒΕΗΙΚΜΝΟΡΤΧΥΖ'], // Greek capitals
  ['AIKOPUVXY', 'αικορυνχγ'], // Greek small letters
]);

function lookalikes(tables: [latin: string, others: string][]): Map<string, string> {
  const map = new Map<string, string>();
  for (const [latin, others] of tables) {
    Array.from(others).forEach((other, index) => map.set(other, latin.charAt(index)));
  }
  return map;
}

/**
 * A value that is one SHA-256 digest and nothing else (bare, `sha256:` or an `hmac-sha256:`
 * pseudonym) is not scanned: it is the output of a hash, fixed by what was hashed, and about 4
 * in a million of them hold 18 digits that pass a resident number's checks by chance. Scanning
 * them would make those artifacts, and those people's pseudonyms, impossible ever to record.
 * Inside other text the same characters are scanned as any machine token.
 */
const DIGEST_VALUE = /^(?:(?:hmac-)?sha256:)?[0-9a-f]{64}$/;
/**
 * Machine-made tokens: UUIDs (RFC 9562 form, either case) and runs of 32 or more lower-case hex
 * digits (hashes, commit ids, keys). Scanned for every identifier, about one random UUIDv7 in
 * 400, and one hex hash in 2,000, would hold 18 characters that pass a credit code's checks by
 * chance: so in them only a number made of 18 decimal digits alone is looked for (see
 * digitIdentifierSpans), which is what a person's number written into such a token is.
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
  /** Whether white space or a visible separator stands between it and the glyph before. */
  spaced: boolean;
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

/** How each ASCII character reads: letters and digits, white space, punctuation, controls. */
const ASCII_READINGS: Reading[] = Array.from({ length: 0x80 }, (_unused, code) => {
  if (isAsciiLetterOrDigit(code)) {
    return String.fromCharCode(code).toUpperCase();
  }
  if (code === 0x20 || (code >= 0x09 && code <= 0x0d)) {
    return SPACE;
  }
  return code > 0x20 && code < 0x7f ? VISIBLE : BOUNDARY;
});

/** Readings of the non-ASCII characters met so far, bounded so odd input cannot grow it forever. */
const readings = new Map<number, Reading>();
const MAX_CACHED_READINGS = 8192;

function readingOf(char: string): Reading {
  const code = char.codePointAt(0) ?? 0;
  if (code < 0x80) {
    return ASCII_READINGS[code] ?? BOUNDARY;
  }
  if (code >= 0x4e00 && code <= 0x9fff) {
    // A Chinese character, the commonest non-ASCII text in an entry.
    return VISIBLE;
  }
  let reading = readings.get(code);
  if (reading === undefined) {
    reading = readNonAscii(char);
    if (readings.size < MAX_CACHED_READINGS) {
      readings.set(code, reading);
    }
  }
  return reading;
}

function readNonAscii(char: string): Reading {
  if (WHITE_SPACE.test(char)) {
    return SPACE;
  }
  // Before letters: the Hangul fillers are letters that are drawn as nothing.
  if (INVISIBLE_CHARACTER.test(char)) {
    return INVISIBLE;
  }
  // Compatibility forms (full-width, circled, mathematical) and accented letters, bare: Ｘ and
  // Ẋ are X, １ and ① are 1.
  const bare = char.normalize('NFKD').replace(MARKS, '');
  const bareCode = bare.codePointAt(0) ?? 0;
  if (bare.length === (bareCode > 0xffff ? 2 : 1)) {
    if (bareCode < 0x80 && isAsciiLetterOrDigit(bareCode)) {
      return bare.toUpperCase();
    }
    if (DECIMAL_DIGIT.test(bare)) {
      return asciiDigitOf(bare);
    }
    const latin = LATIN_LOOKALIKES.get(bare);
    if (latin !== undefined) {
      return latin;
    }
  }
  if (PUNCTUATION_OR_SYMBOL.test(char)) {
    return VISIBLE;
  }
  if (LETTER_OR_NUMBER.test(char)) {
    return LATIN_SCRIPT.test(char) ? BOUNDARY : VISIBLE;
  }
  return BOUNDARY;
}

/**
 * The text's runs of letters and digits, each a candidate for identifiers: a run goes on across
 * white space, invisible characters and up to MAX_VISIBLE_SEPARATORS visible separators, and
 * ends at more of those or at a boundary.
 */
function glyphRuns(text: string, minimumLength = IDENTIFIER_LENGTH): Glyph[][] {
  const runs: Glyph[][] = [];
  let run: Glyph[] = [];
  let visible = 0;
  let spaced = false;
  let index = 0;
  for (const char of text) {
    const reading = readingOf(char);
    if (typeof reading === 'string') {
      if (visible > MAX_VISIBLE_SEPARATORS && run.length > 0) {
        runs.push(run);
        run = [];
      }
      run.push({ char: reading, start: index, end: index + char.length, spaced });
      visible = 0;
      spaced = false;
    } else if (reading === VISIBLE) {
      visible += 1;
      spaced = true;
    } else if (reading === SPACE) {
      spaced = true;
    } else if (reading === BOUNDARY) {
      visible = MAX_VISIBLE_SEPARATORS + 1;
      spaced = true;
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
 * Where national identifiers stand in `text`, as [start, end) spans of the original, in order. A
 * window of 18 letters and digits is a candidate unless a digit is glued to its first or last
 * digit: a letter next to the number, or a space or separator, is a boundary, so
 * `ID11010519491231002X` is found and a longer number that merely contains 18 valid digits is
 * not. An invisible character keeps nothing apart: `1\u200b110105…` reads as a longer number.
 */
function identifierSpans(text: string): [number, number][] {
  const spans: [number, number][] = [];
  if (text.length < IDENTIFIER_LENGTH) {
    return spans;
  }
  if (DIGEST_VALUE.test(text) || !mayHoldIdentifier(text)) {
    return spans;
  }
  const scanned = text.replace(MACHINE_TOKEN, (token: string, offset: number) => {
    digitIdentifierSpans(token, offset, spans);
    return MASK.repeat(token.length);
  });
  const inTokens = spans.length;
  for (const run of glyphRuns(scanned)) {
    for (let first = 0; first + IDENTIFIER_LENGTH <= run.length; first += 1) {
      const before = run[first - 1];
      const head = run[first];
      const tail = run[first + IDENTIFIER_LENGTH - 1];
      const after = run[first + IDENTIFIER_LENGTH];
      if (head === undefined || tail === undefined) {
        break;
      }
      const gluedBefore =
        before !== undefined &&
        !head.spaced &&
        isAsciiDigit(before.char) &&
        isAsciiDigit(head.char);
      const gluedAfter =
        after !== undefined && !after.spaced && isAsciiDigit(after.char) && isAsciiDigit(tail.char);
      if (!gluedBefore && !gluedAfter && isNationalIdentifier(windowText(run, first))) {
        spans.push([head.start, tail.end]);
      }
    }
  }
  if (inTokens > 0 && spans.length > inTokens) {
    spans.sort(([start], [otherStart]) => start - otherStart);
  }
  return spans;
}

function windowText(run: Glyph[], first: number): string {
  let text = '';
  for (let index = first; index < first + IDENTIFIER_LENGTH; index += 1) {
    text += run[index]?.char ?? '';
  }
  return text;
}

/**
 * Numbers made of 18 decimal digits alone in a machine token (hex, or a UUID whose hyphens may
 * split the number), not glued to a further digit: the only identifiers looked for there.
 * Random tokens hold such a number by chance rarely: measured on 10^7 of each, 3.9 SHA-256 hex
 * digests in a million, 3.1 UUIDv7s made in 2026 and 1.6 made over 2024–2040 (the version and
 * variant digits lengthen digit runs across the last three groups). See machine-tokens.test.ts.
 */
function digitIdentifierSpans(token: string, offset: number, spans: [number, number][]): void {
  let digits = '';
  let start = 0;
  let end = 0;
  const settle = () => {
    if (digits.length === IDENTIFIER_LENGTH && isNationalIdentifier(digits)) {
      spans.push([offset + start, offset + end]);
    }
    digits = '';
  };
  for (let index = 0; index < token.length; index += 1) {
    const code = token.charCodeAt(index);
    if (code >= 0x30 && code <= 0x39) {
      if (digits === '') {
        start = index;
      }
      digits += token.charAt(index);
      end = index + 1;
    } else if (code !== 0x2d) {
      // Any other character ends the number; a hyphen (a UUID's) lets it run on.
      settle();
    }
  }
  settle();
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
