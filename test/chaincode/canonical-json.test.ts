import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { describe, expect, test } from 'vitest';
import {
  canonicalJson,
  canonicallyOrdered,
  entryDigest,
  sha256Digest,
} from '../../chaincode/src/canonical-json.js';

function nodeSha256(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The IEEE 754 double with the given bit pattern, as RFC 8785 Appendix B lists them. */
function doubleFromBits(bits: bigint): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, bits);
  return view.getFloat64(0);
}

describe('canonicalJson: property order', () => {
  test('sorts keys at every level and keeps array order', () => {
    const value = {
      zeta: 1,
      alpha: { delta: [3, 1, 2], beta: { y: true, x: null } },
      mid: [{ b: 2, a: 1 }, 'z', 'a'],
    };
    expect(canonicalJson(value)).toBe(
      '{"alpha":{"beta":{"x":null,"y":true},"delta":[3,1,2]},"mid":[{"a":1,"b":2},"z","a"],"zeta":1}',
    );
  });

  test('sorts by UTF-16 code units, as RFC 8785 section 3.2.3 shows', () => {
    const value = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    const text = canonicalJson(value);
    // JSON.parse would put the integer-like key '1' first again, so read the order off the text.
    const expectedOrder = ['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33'];
    const positions = expectedOrder.map((key) => text.indexOf(`${JSON.stringify(key)}:`));
    expect(positions.every((position) => position > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(text).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control",' +
        '"\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign",' +
        '"\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  test('puts integer-like keys in string order, not numeric order', () => {
    expect(canonicalJson({ '10': 'a', '9': 'b', '1': 'c', a: 'd' })).toBe(
      '{"1":"c","10":"a","9":"b","a":"d"}',
    );
  });

  test('does not depend on the insertion order of the input', () => {
    const first = { b: { d: 4, c: 3 }, a: [1, { f: 6, e: 5 }] };
    const second = { a: [1, { e: 5, f: 6 }], b: { c: 3, d: 4 } };
    expect(canonicalJson(first)).toBe(canonicalJson(second));
  });
});

describe('canonicalJson: strings', () => {
  test('keeps Chinese text as UTF-8 characters rather than \\u escapes', () => {
    const text = canonicalJson({ org: '深圳某科技有限公司', name: '交通流量预测' });
    expect(text).toBe('{"name":"交通流量预测","org":"深圳某科技有限公司"}');
    expect(text).not.toContain('\\u');
    expect(Buffer.from(text, 'utf8').toString('utf8')).toBe(text);
  });

  test('escapes only what RFC 8785 requires, with the short forms and lower-case hex', () => {
    expect(canonicalJson('"\\/\b\f\n\r\t\u0000\u000f\u001f\u007f\u2028€')).toBe(
      '"\\"\\\\/\\b\\f\\n\\r\\t\\u0000\\u000f\\u001f\u007f\u2028€"',
    );
  });

  test('emits no whitespace between tokens', () => {
    expect(canonicalJson({ a: [1, 2, { b: 'c d' }], e: null })).toBe(
      '{"a":[1,2,{"b":"c d"}],"e":null}',
    );
  });
});

describe('canonicalJson: numbers', () => {
  test.each([
    [1e21, '1e+21'],
    [1e-7, '1e-7'],
    [0.000001, '0.000001'],
    [-0, '0'],
    [0, '0'],
    [100.0, '100'],
    [123456789012345680000, '123456789012345680000'],
    [1e20, '100000000000000000000'],
    [0.1 + 0.2, '0.30000000000000004'],
    [-1.5, '-1.5'],
    [48_213_004, '48213004'],
  ])('formats %s as %s', (value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
    expect(canonicalJson({ n: value })).toBe(`{"n":${expected}}`);
  });

  // RFC 8785 Appendix B: IEEE 754 bit patterns and their canonical form.
  test.each([
    [0x0000000000000000n, '0'],
    [0x8000000000000000n, '0'],
    [0x0000000000000001n, '5e-324'],
    [0x8000000000000001n, '-5e-324'],
    [0x7fefffffffffffffn, '1.7976931348623157e+308'],
    [0xffefffffffffffffn, '-1.7976931348623157e+308'],
    [0x4340000000000000n, '9007199254740992'],
    [0xc340000000000000n, '-9007199254740992'],
    [0x4430000000000000n, '295147905179352830000'],
    [0x44b52d02c7e14af5n, '9.999999999999997e+22'],
    [0x44b52d02c7e14af6n, '1e+23'],
    [0x44b52d02c7e14af7n, '1.0000000000000001e+23'],
    [0x444b1ae4d6e2ef4en, '999999999999999700000'],
    [0x444b1ae4d6e2ef4fn, '999999999999999900000'],
    [0x444b1ae4d6e2ef50n, '1e+21'],
    [0x3eb0c6f7a0b5ed8cn, '9.999999999999997e-7'],
    [0x3eb0c6f7a0b5ed8dn, '0.000001'],
    [0x41b3de4355555553n, '333333333.3333332'],
    [0x41b3de4355555554n, '333333333.33333325'],
    [0x41b3de4355555555n, '333333333.3333333'],
    [0x41b3de4355555556n, '333333333.3333334'],
    [0x41b3de4355555557n, '333333333.33333343'],
    [0xbecbf647612f3696n, '-0.0000033333333333333333'],
    [0x43143ff3c1cb0959n, '1424953923781206.2'],
  ])('formats the double with bits %s as %s', (bits, expected) => {
    expect(canonicalJson(doubleFromBits(bits))).toBe(expected);
  });

  test.each([
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
  ])('rejects %s at the top level and nested', (_, value) => {
    expect(() => canonicalJson(value)).toThrow();
    expect(() => canonicalJson({ a: { b: [1, value] } })).toThrow();
  });
});

describe('canonicalJson: agreement with the reference implementation', () => {
  /** A deterministic pseudo-random generator, so a failure can be replayed. */
  function generator(seed: number): () => number {
    let state = seed;
    return () => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return state / 2_147_483_648;
    };
  }

  const KEYS = [
    'a',
    'b',
    'Z',
    '_',
    'id',
    '1',
    '10',
    '9',
    '01',
    '-1',
    '__proto__',
    'toJSON',
    '\u20ac',
    '\ud83d\ude00',
    '\ufb33',
    '',
    ' ',
    'é',
    'kind',
    'payload',
  ];
  const STRINGS = ['', 'x', '深圳', '"\\', '\u0000\u001f', '\ud800', '\u2028', 'APR-2026-0042'];
  const NUMBERS = [0, -0, 1, -1, 0.1, 1e21, 1e-7, 123456789012345680000, 5e-324, 2 ** 53, -1.5e300];

  function randomValue(random: () => number, depth: number): unknown {
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const choice = depth > 3 ? Math.floor(random() * 4) : Math.floor(random() * 6);
    switch (choice) {
      case 0:
        return pick(STRINGS);
      case 1:
        return pick(NUMBERS);
      case 2:
        return pick([true, false, null]);
      case 3:
        return random() * 1e6 - 5e5;
      case 4:
        return Array.from({ length: Math.floor(random() * 4) }, () =>
          randomValue(random, depth + 1),
        );
      default: {
        const object: Record<string, unknown> = {};
        for (let count = Math.floor(random() * 6); count > 0; count -= 1) {
          Object.defineProperty(object, pick(KEYS), {
            value: randomValue(random, depth + 1),
            enumerable: true,
            writable: true,
            configurable: true,
          });
        }
        return object;
      }
    }
  }

  test('writes the same text as canonicalize for 5,000 random values', () => {
    const random = generator(20261126);
    for (let round = 0; round < 5000; round += 1) {
      const value = randomValue(random, 0);
      expect(canonicalJson(value)).toBe(canonicalize(value));
    }
  });

  test('keeps __proto__ an ordinary key and leaves its input untouched', () => {
    const value = JSON.parse('{"z":1,"__proto__":{"b":2,"a":1}}') as unknown;
    const before = JSON.stringify(value);
    expect(canonicalJson(value)).toBe('{"__proto__":{"a":1,"b":2},"z":1}');
    expect(JSON.stringify(value)).toBe(before);
    expect(canonicalJson(Object.freeze({ b: Object.freeze({ d: 1, c: 2 }), a: 1 }))).toBe(
      '{"a":1,"b":{"c":2,"d":1}}',
    );
  });
});

describe('canonicallyOrdered', () => {
  test('puts keys in canonical order at every level, keeping what the value means', () => {
    const value = { b: [{ d: 1, c: 2 }], a: { f: null, e: 'x' } };
    const ordered = canonicallyOrdered(value);
    expect(JSON.stringify(ordered)).toBe('{"a":{"e":"x","f":null},"b":[{"c":2,"d":1}]}');
    expect(JSON.stringify(value)).toBe('{"b":[{"d":1,"c":2}],"a":{"f":null,"e":"x"}}');
  });

  test('returns a value already in order, or one the engine cannot order, as it is', () => {
    const inOrder = { a: 1, b: { c: 2 } };
    expect(canonicallyOrdered(inOrder)).toBe(inOrder);
    const integerKeys = { '10': 'a', '9': 'b' };
    expect(canonicallyOrdered(integerKeys)).toBe(integerKeys);
    expect(canonicalJson(canonicallyOrdered(integerKeys))).toBe('{"10":"a","9":"b"}');
  });
});

describe('canonicalJson: values without a JSON form', () => {
  test('rejects undefined with a TypeError', () => {
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
  });

  test('rejects a bare function or symbol with a TypeError', () => {
    expect(() => canonicalJson(() => 1)).toThrow(TypeError);
    expect(() => canonicalJson(Symbol('s'))).toThrow(TypeError);
  });

  test('drops undefined properties and writes undefined array items as null, like JSON', () => {
    expect(canonicalJson({ b: undefined, a: 1 })).toBe('{"a":1}');
    expect(canonicalJson([1, undefined, 2])).toBe('[1,null,2]');
  });

  test('serialises values through toJSON', () => {
    expect(canonicalJson({ at: new Date(Date.UTC(2026, 10, 26, 9, 30, 0, 125)) })).toBe(
      '{"at":"2026-11-26T09:30:00.125Z"}',
    );
  });
});

describe('sha256Digest', () => {
  test('is "sha256:" followed by 64 lower-case hex characters', () => {
    expect(sha256Digest('anything')).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(sha256Digest('')).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  test('matches the FIPS 180-2 test vector for "abc"', () => {
    expect(sha256Digest('abc')).toBe(
      'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  test('matches node:crypto over the UTF-8 bytes, for strings and byte arrays alike', () => {
    const text = '{"org":"深圳某科技有限公司"}';
    const bytes = new Uint8Array(Buffer.from(text, 'utf8'));
    expect(sha256Digest(text)).toBe(`sha256:${nodeSha256(Buffer.from(text, 'utf8'))}`);
    expect(sha256Digest(bytes)).toBe(sha256Digest(text));
    expect(sha256Digest('')).toBe(`sha256:${nodeSha256('')}`);
  });
});

describe('entryDigest', () => {
  const entry = {
    kind: 'data-access',
    id: 'e-0001',
    payload: {
      actor: { org: '深圳某科技有限公司', user: 'analyst-07' },
      action: 'train',
      scope: { fields: ['road_id', 'hour'], rowCount: 125000 },
    },
  };

  test('pins the canonical form of a fixed small entry', () => {
    const expectedCanonical =
      '{"id":"e-1","kind":"data-access","payload":{"a":"中文","b":[1,0.5]}}';
    const digest = entryDigest({
      payload: { b: [1, 0.5], a: '中文' },
      id: 'e-1',
      kind: 'data-access',
    });
    expect(digest).toBe(`sha256:${nodeSha256(Buffer.from(expectedCanonical, 'utf8'))}`);
  });

  test('does not depend on the key order of the input', () => {
    const reordered = {
      payload: {
        scope: { rowCount: 125000, fields: ['road_id', 'hour'] },
        action: 'train',
        actor: { user: 'analyst-07', org: '深圳某科技有限公司' },
      },
      id: 'e-0001',
      kind: 'data-access',
    };
    expect(entryDigest(reordered)).toBe(entryDigest(entry));
  });

  test('equals the digest of the canonical {kind, id, payload}', () => {
    expect(entryDigest(entry)).toBe(sha256Digest(canonicalJson(entry)));
  });

  test('covers only kind, id and payload, not where the entry landed', () => {
    const committed = { ...entry, committedAt: '2026-11-26T09:30:00.000000000Z', txId: 'tx-1' };
    expect(entryDigest(committed)).toBe(entryDigest(entry));
  });

  test('changes when one character of the payload changes', () => {
    const changed = {
      ...entry,
      payload: { ...entry.payload, actor: { org: '深圳某科技有限公司', user: 'analyst-08' } },
    };
    expect(entryDigest(changed)).not.toBe(entryDigest(entry));
    const changedChinese = {
      ...entry,
      payload: { ...entry.payload, actor: { org: '深圳某科枝有限公司', user: 'analyst-07' } },
    };
    expect(entryDigest(changedChinese)).not.toBe(entryDigest(entry));
  });

  test('changes when the kind or the id changes', () => {
    expect(entryDigest({ ...entry, kind: 'algorithm-upload' })).not.toBe(entryDigest(entry));
    expect(entryDigest({ ...entry, id: 'e-0002' })).not.toBe(entryDigest(entry));
  });

  test('tells an array order change and a number type change apart', () => {
    const swapped = {
      ...entry,
      payload: { ...entry.payload, scope: { fields: ['hour', 'road_id'], rowCount: 125000 } },
    };
    const asString = {
      ...entry,
      payload: { ...entry.payload, scope: { fields: ['road_id', 'hour'], rowCount: '125000' } },
    };
    expect(entryDigest(swapped)).not.toBe(entryDigest(entry));
    expect(entryDigest(asString)).not.toBe(entryDigest(entry));
  });
});
