import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** RFC 8785 (JSON Canonicalization Scheme) serialisation: sorted keys, ES number formatting. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) {
    throw new TypeError('value has no JSON representation');
  }
  return text;
}

/** `sha256:` followed by the lowercase hex SHA-256 of the UTF-8 bytes of `text`. */
export function sha256Digest(text: string | Uint8Array): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

/** The digest an entry is committed with: covers what the writer said, not where it landed. */
export function entryDigest(entry: { kind: string; id: string; payload: unknown }): string {
  return sha256Digest(canonicalJson({ kind: entry.kind, id: entry.id, payload: entry.payload }));
}
