import { z } from 'zod';
import { toLedgerTime } from './commit-time';

/**
 * String rules shared by every schema. Values that become part of ledger keys (ids, streams,
 * references) may not contain control characters (U+0000 separates key parts) or U+10FFFF (ends
 * key ranges); no string may hold a lone surrogate, which has no UTF-8 form.
 */

const CONTROL_CHARACTER = /[\p{Cc}\u{10FFFF}]/u;
const LINE_BREAKS_AND_TABS = /[\t\n\r]/g;

const MAX_IDENTIFIER_LENGTH = 256;

// Bidi controls are default-ignorable too: they are named first, for a message that says why.
const BIDI_CONTROL = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
const INVISIBLE_CHARACTER = /\p{Default_Ignorable_Code_Point}/u;
const LATIN_LETTER = /\p{Script=Latin}/u;
const CYRILLIC_OR_GREEK_LETTER = /[\p{Script=Cyrillic}\p{Script=Greek}]/u;
/** A word, for the mixed-script rule: letters of these three scripts and their marks. */
const ALPHABETIC_WORD = /[\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}\p{M}]+/gu;

/**
 * Whether one word mixes Latin letters with Cyrillic or Greek ones (`trаffic` with a Cyrillic
 * `а`). Words apart may differ: a stream is `dataset:` and the dataset's id, which may well be
 * `Москва-2026`.
 */
function mixesLookAlikeScripts(value: string): boolean {
  if (!LATIN_LETTER.test(value) || !CYRILLIC_OR_GREEK_LETTER.test(value)) {
    return false;
  }
  for (const [word] of value.matchAll(ALPHABETIC_WORD)) {
    if (LATIN_LETTER.test(word) && CYRILLIC_OR_GREEK_LETTER.test(word)) {
      return true;
    }
  }
  return false;
}

/**
 * Identifiers become ledger keys (streams, datasets, teams, references), so two that look the
 * same must be the same string, or one trail splits into two nobody can tell apart: no invisible
 * characters, no bidi controls, one normalization form (NFC), and no word mixing Latin letters
 * with the Cyrillic or Greek ones drawn like them. Chinese, Latin, Cyrillic or Greek words, with
 * digits and punctuation, are all fine.
 */
function refuseLookAlikes(value: string, context: z.RefinementCtx): void {
  const refuse = (message: string) => {
    context.addIssue({ code: 'custom', message });
  };
  if (BIDI_CONTROL.test(value)) {
    refuse(
      'must not contain bidirectional controls (U+200E, U+200F, U+061C, U+202A–U+202E, U+2066–U+2069), which change the order it is displayed in: remove them',
    );
  } else if (INVISIBLE_CHARACTER.test(value)) {
    refuse(
      'must not contain invisible characters (zero-width spaces or joiners, soft hyphens, variation selectors, fillers, byte-order marks): remove them',
    );
  }
  if (value.normalize('NFC') !== value) {
    refuse(
      'must be in Unicode normalization form NFC (accents composed with their letters): normalize it before sending',
    );
  }
  if (mixesLookAlikeScripts(value)) {
    refuse(
      'mixes Latin letters with Cyrillic or Greek letters in one word, which look alike: write each word in one script',
    );
  }
}

export function identifier(max = MAX_IDENTIFIER_LENGTH) {
  return z
    .string()
    .min(1)
    .max(max)
    .refine((value) => value.isWellFormed(), 'must be well-formed Unicode')
    .refine((value) => value.trim() === value, 'must not start or end with whitespace')
    .refine((value) => !CONTROL_CHARACTER.test(value), 'must not contain control characters')
    .superRefine(refuseLookAlikes);
}

/** Reasons, legal bases and other sentences a person writes into an entry. */
export const MAX_NOTE_LENGTH = 2000;

export function freeText(max = MAX_NOTE_LENGTH) {
  return z
    .string()
    .min(1)
    .max(max)
    .refine((value) => value.isWellFormed(), 'must be well-formed Unicode')
    .refine(
      (value) => !CONTROL_CHARACTER.test(value.replace(LINE_BREAKS_AND_TABS, '')),
      'must not contain control characters other than tab and line breaks',
    );
}

/** Whether ledger time can write the instant an RFC 3339 date-time names. */
function isLedgerTime(value: string): boolean {
  try {
    toLedgerTime(value);
    return true;
  } catch {
    return false;
  }
}

/** Entry ids appear in URLs and keys: a conservative ASCII alphabet, UUIDs fit. */
export const entryId = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:@+=-]{0,127}$/,
    'must be 1-128 characters of A-Z a-z 0-9 . _ : @ + = - starting with a letter or digit',
  );

/**
 * RFC 3339 date-time with an explicit offset (`Z` or `±hh:mm`), at an instant ledger time can
 * write: `9999-12-31T23:30:00-01:00` is in year 10000 in UTC.
 */
export const timestamp = z.iso
  .datetime({
    offset: true,
    error:
      'must be an RFC 3339 date-time with an offset (Z or ±hh:mm), e.g. 2026-03-01T09:00:00+08:00',
  })
  .refine(isLedgerTime, {
    error: 'must fall in the years 0000 to 9999 in UTC',
    // Only a well-formed date-time has a year to check: one error per field.
    when: (payload) => payload.issues.length === 0,
  });

export const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');

export const prefixedSha256 = z
  .string()
  .regex(/^sha256:[0-9a-f]{64}$/, 'must be sha256: followed by 64 lowercase hex digits');

export const pseudonym = z
  .string()
  .regex(/^hmac-sha256:[0-9a-f]{64}$/, 'must be hmac-sha256: followed by 64 lowercase hex digits');
