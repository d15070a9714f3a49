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

/**
 * UTF-8 size of a parsed JSON `value` as JSON, for size limits. Unlike canonicalJson it never throws: a number
 * JSON cannot carry (1e400 parses to Infinity) counts as null and is refused later by the schema.
 */
export function jsonByteLength(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value ?? null));
}

/** Deepest nesting any entry needs is a handful of levels; this bounds recursion over input. */
export const MAX_JSON_DEPTH = 32;

/** Whether `value` nests objects or arrays deeper than `maxDepth`, found without recursion. */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (typeof next.value !== 'object' || next.value === null) {
      continue;
    }
    if (next.depth >= maxDepth) {
      return true;
    }
    for (const child of Object.values(next.value)) {
      pending.push({ value: child, depth: next.depth + 1 });
    }
  }
  return false;
}
