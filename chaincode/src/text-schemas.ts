import { z } from 'zod';

/**
 * String rules shared by every schema. Values that become part of ledger keys (ids, streams,
 * references) may not contain control characters (U+0000 separates key parts) or U+10FFFF (ends
 * key ranges); no string may hold a lone surrogate, which has no UTF-8 form.
 */

const CONTROL_CHARACTER = /[\p{Cc}\u{10FFFF}]/u;
const LINE_BREAKS_AND_TABS = /[\t\n\r]/g;

const MAX_IDENTIFIER_LENGTH = 256;

export function identifier(max = MAX_IDENTIFIER_LENGTH) {
  return z
    .string()
    .min(1)
    .max(max)
    .refine((value) => value.isWellFormed(), 'must be well-formed Unicode')
    .refine((value) => value.trim() === value, 'must not start or end with whitespace')
    .refine((value) => !CONTROL_CHARACTER.test(value), 'must not contain control characters');
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

/** Entry ids appear in URLs and keys: a conservative ASCII alphabet, UUIDs fit. */
export const entryId = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:@+=-]{0,127}$/,
    'must be 1-128 characters of A-Z a-z 0-9 . _ : @ + = - starting with a letter or digit',
  );

/** RFC 3339 date-time with an explicit offset (`Z` or `±hh:mm`). */
export const timestamp = z.iso.datetime({
  offset: true,
  error:
    'must be an RFC 3339 date-time with an offset (Z or ±hh:mm), e.g. 2026-03-01T09:00:00+08:00',
});

export const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');

export const prefixedSha256 = z
  .string()
  .regex(/^sha256:[0-9a-f]{64}$/, 'must be sha256: followed by 64 lowercase hex digits');

export const pseudonym = z
  .string()
  .regex(/^hmac-sha256:[0-9a-f]{64}$/, 'must be hmac-sha256: followed by 64 lowercase hex digits');
