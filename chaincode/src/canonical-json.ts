import { hash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** The engine lists integer-like keys first, so such an object cannot hold its keys in order. */
class UnorderableKeys extends Error {}

function isSorted(keys: readonly string[]): boolean {
  for (let index = 1; index < keys.length; index += 1) {
    if ((keys[index - 1] ?? '') > (keys[index] ?? '')) {
      return false;
    }
  }
  return true;
}

/**
 * `value` with every object's keys in RFC 8785 order (UTF-16 code units), resolved through
 * toJSON. Returns `value` itself when nothing had to move, so ledger records that are built in
 * key order (most of them) cost a walk and no copies. Copies have no prototype, so a key such as
 * `__proto__` stays an ordinary key.
 */
function inCanonicalOrder(value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new RangeError(`${String(value)} has no JSON representation`);
  }
  if (typeof value !== 'object' || value === null) {
    return value;
  }
  const { toJSON } = value as { toJSON?: unknown };
  if (typeof toJSON === 'function') {
    return inCanonicalOrder((toJSON as () => unknown).call(value));
  }
  if (Array.isArray(value)) {
    const items = value as unknown[];
    let ordered = items;
    items.forEach((item, index) => {
      const orderedItem = inCanonicalOrder(item);
      if (orderedItem !== item) {
        ordered = ordered === items ? [...items] : ordered;
        ordered[index] = orderedItem;
      }
    });
    return ordered;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  const inOrder = isSorted(keys);
  const sortedKeys = inOrder ? keys : [...keys].sort();
  let copy = inOrder ? undefined : (Object.create(null) as Record<string, unknown>);
  for (let position = 0; position < sortedKeys.length; position += 1) {
    const key = sortedKeys[position] ?? '';
    const item = record[key];
    const orderedItem = inCanonicalOrder(item);
    if (copy === undefined && orderedItem !== item) {
      copy = Object.create(null) as Record<string, unknown>;
      for (const earlier of sortedKeys.slice(0, position)) {
        copy[earlier] = record[earlier];
      }
    }
    if (copy !== undefined) {
      copy[key] = orderedItem;
    }
  }
  if (copy === undefined) {
    return record;
  }
  if (!isSorted(Object.keys(copy))) {
    throw new UnorderableKeys();
  }
  return copy;
}

/**
 * `value` with its objects' keys in canonical order where the engine can hold them so. Values
 * built from such parts serialise with no copying; the JSON they stand for is unchanged.
 */
export function canonicallyOrdered<T>(value: T): T {
  try {
    return inCanonicalOrder(value) as T;
  } catch (error) {
    if (error instanceof UnorderableKeys) {
      return value;
    }
    throw error;
  }
}

/**
 * RFC 8785 (JSON Canonicalization Scheme) serialisation: sorted keys, ES number formatting.
 * RFC 8785 takes its string and number forms from ECMAScript's JSON.stringify, so with keys in
 * canonical order the engine's serialiser writes the canonical text, several times faster than
 * building it piece by piece. Objects with integer-like keys out of order go to the reference
 * implementation.
 */
export function canonicalJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(inCanonicalOrder(value));
  } catch (error) {
    if (!(error instanceof UnorderableKeys)) {
      throw error;
    }
    text = canonicalize(value);
  }
  if (text === undefined) {
    throw new TypeError('value has no JSON representation');
  }
  return text;
}

/** `sha256:` followed by the lowercase hex SHA-256 of the UTF-8 bytes of `text`. */
export function sha256Digest(text: string | Uint8Array): string {
  return `sha256:${hash('sha256', text, 'hex')}`;
}

/**
 * The digest an entry is committed with: covers what the writer said, not where it landed. The
 * kind's version is named from version 2 on, so a version-1 entry hashes as it always has,
 * whether it was recorded before kinds had versions or after.
 */
export function entryDigest(entry: {
  kind: string;
  kindVersion?: number | undefined;
  id: string;
  payload: unknown;
}): string {
  const { id, kind, kindVersion = 1, payload } = entry;
  return sha256Digest(
    canonicalJson(kindVersion === 1 ? { id, kind, payload } : { id, kind, kindVersion, payload }),
  );
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
