import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  canonicalIdentifier,
  containsNationalIdentifier,
  findNationalIdentifiers,
  isNationalIdentifier,
  isResidentIdNumber,
  isUnifiedSocialCreditCode,
  redactNationalIdentifiers,
} from '../../chaincode/src/personal-data.js';
import { spellings } from '../support/identifier-spellings.js';

/**
 * ISO 7064 MOD 11-2 check character of a resident identity number (GB 11643), written here
 * independently of the implementation under test.
 */
const ISO7064_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ISO7064_CHECK_CHARS = '10X98765432';

function residentIdCheckChar(body: string): string {
  if (!/^\d{17}$/.test(body)) {
    throw new Error(`not a 17-digit body: ${body}`);
  }
  let sum = 0;
  ISO7064_WEIGHTS.forEach((weight, index) => {
    sum += weight * Number(body.charAt(index));
  });
  return ISO7064_CHECK_CHARS.charAt(sum % 11);
}

/** A resident identity number with a correct check character, whatever its body says. */
function withCheckChar(body: string): string {
  return `${body}${residentIdCheckChar(body)}`;
}

const RESIDENT_ID = '11010519491231002X';
/** A valid resident identity number whose check character is a digit, so it can hide in hex. */
const NUMERIC_RESIDENT_ID = withCheckChar('11010519800101123');
const CREDIT_CODE = '91350100M000100Y43';
const OTHER_CREDIT_CODE = '91110000600037341L';
const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** A valid credit code spelled only with hex digits, as a hash may hold one by chance. */
const HEX_CREDIT_CODE = '91468577a41064361b';

function replaceAt(text: string, index: number, char: string): string {
  return `${text.slice(0, index)}${char}${text.slice(index + 1)}`;
}

describe('the independent ISO 7064 MOD 11-2 helper', () => {
  test('reproduces the check character of the GB 11643 example', () => {
    expect(residentIdCheckChar('11010519491231002')).toBe('X');
    expect(NUMERIC_RESIDENT_ID).toBe('110105198001011238');
  });
});

describe('isResidentIdNumber', () => {
  test('accepts the GB 11643 example with an upper-case X check character', () => {
    expect(isResidentIdNumber(RESIDENT_ID)).toBe(true);
  });

  test('accepts the lower-case x form of the check character', () => {
    expect(isResidentIdNumber('11010519491231002x')).toBe(true);
  });

  test('accepts numbers whose check character is a digit', () => {
    expect(isResidentIdNumber(NUMERIC_RESIDENT_ID)).toBe(true);
    expect(isResidentIdNumber(withCheckChar('44030419900101234'))).toBe(true);
  });

  test('refuses a wrong check character', () => {
    for (const check of '0123456789X') {
      if (check !== 'X') {
        expect(isResidentIdNumber(`11010519491231002${check}`)).toBe(false);
      }
    }
  });

  test('refuses every single-digit change to the body', () => {
    for (let index = 0; index < 17; index += 1) {
      for (const digit of '0123456789') {
        if (digit !== RESIDENT_ID.charAt(index)) {
          expect(isResidentIdNumber(replaceAt(RESIDENT_ID, index, digit))).toBe(false);
        }
      }
    }
  });

  test('accepts 29 February of a leap year', () => {
    const leapDay = withCheckChar('11010520000229123');
    expect(isResidentIdNumber(leapDay)).toBe(true);
    expect(isResidentIdNumber(withCheckChar('11010519960229123'))).toBe(true);
  });

  test.each([
    ['30 February', '11010520260230123'],
    ['29 February of 1900, not a leap year', '11010519000229123'],
    ['29 February of 2026, not a leap year', '11010520260229123'],
    ['month 13', '11010520261301123'],
    ['month 00', '11010520260001123'],
    ['day 00', '11010520260100123'],
    ['31 April', '11010520260431123'],
    ['day 32', '11010520260132123'],
  ])('refuses an impossible birth date (%s) even with a correct check character', (_, body) => {
    const candidate = withCheckChar(body);
    expect(candidate).toHaveLength(18);
    expect(isResidentIdNumber(candidate)).toBe(false);
  });

  test.each([
    ['0', '01010519491231002'],
    ['9', '91010519491231002'],
  ])('refuses a first digit of %s even with a correct check character', (_, body) => {
    expect(isResidentIdNumber(withCheckChar(body))).toBe(false);
  });

  test('refuses wrong lengths and non-digit bodies', () => {
    expect(isResidentIdNumber('')).toBe(false);
    expect(isResidentIdNumber(RESIDENT_ID.slice(0, 17))).toBe(false);
    expect(isResidentIdNumber(`${RESIDENT_ID}0`)).toBe(false);
    expect(isResidentIdNumber(` ${RESIDENT_ID}`)).toBe(false);
    expect(isResidentIdNumber('1101051949123100AX')).toBe(false);
  });
});

describe('isUnifiedSocialCreditCode', () => {
  test.each([CREDIT_CODE, OTHER_CREDIT_CODE])('accepts the valid code %s', (code) => {
    expect(isUnifiedSocialCreditCode(code)).toBe(true);
    expect(isNationalIdentifier(code)).toBe(true);
  });

  test('accepts the lower-case form of a valid code', () => {
    expect(isUnifiedSocialCreditCode(CREDIT_CODE.toLowerCase())).toBe(true);
  });

  test.each([CREDIT_CODE, OTHER_CREDIT_CODE])(
    'refuses every single-character change to %s',
    (code) => {
      for (let index = 0; index < code.length; index += 1) {
        for (const char of CREDIT_CODE_ALPHABET) {
          if (char !== code.charAt(index)) {
            expect(isUnifiedSocialCreditCode(replaceAt(code, index, char))).toBe(false);
          }
        }
      }
    },
  );

  test.each(['I', 'O', 'S', 'V', 'Z'])('refuses the letter %s anywhere in the code', (letter) => {
    for (let index = 0; index < CREDIT_CODE.length; index += 1) {
      expect(isUnifiedSocialCreditCode(replaceAt(CREDIT_CODE, index, letter))).toBe(false);
      expect(isUnifiedSocialCreditCode(replaceAt(CREDIT_CODE, index, letter.toLowerCase()))).toBe(
        false,
      );
    }
  });

  test('does not take a resident identity number for a credit code, nor the reverse', () => {
    expect(isUnifiedSocialCreditCode(RESIDENT_ID)).toBe(false);
    expect(isResidentIdNumber(CREDIT_CODE)).toBe(false);
    expect(isNationalIdentifier(RESIDENT_ID)).toBe(true);
  });
});

describe('containsNationalIdentifier', () => {
  test.each([
    ['a resident identity number in Chinese text', `身份证号${RESIDENT_ID}已核验`],
    ['the lower-case x form in Chinese text', '身份证号11010519491231002x已核验'],
    ['a credit code in Chinese text', `统一社会信用代码：${CREDIT_CODE}。`],
    ['an identifier alone', OTHER_CREDIT_CODE],
    ['an identifier between spaces', `holder ${NUMERIC_RESIDENT_ID} verified`],
    ['an identifier after punctuation', `id=${RESIDENT_ID};`],
    ['the second of two tokens', `APR-2026-0042/${CREDIT_CODE}`],
    ['after an ASCII letter', `A${RESIDENT_ID}`],
    ['before an ASCII letter', `${RESIDENT_ID}B`],
    ['glued to lower-case letters', `id${CREDIT_CODE.toLowerCase()}`],
  ])('finds %s', (_, text) => {
    expect(containsNationalIdentifier(text)).toBe(true);
  });

  test.each([
    ['at the start of a 64-hex digest', `sha256:${NUMERIC_RESIDENT_ID}${'0f'.repeat(23)}`],
    ['at the end of a 64-hex digest', `sha256:${'f0'.repeat(23)}${NUMERIC_RESIDENT_ID}`],
    ['at the start of a hex token', `${NUMERIC_RESIDENT_ID}${'0f'.repeat(7)}`],
    ['after an ASCII digit', `1${RESIDENT_ID}`],
    ['before an ASCII digit', `${CREDIT_CODE}7`],
    ['after an ASCII digit and a combining mark', `1\u0301${NUMERIC_RESIDENT_ID}`.normalize('NFC')],
  ])('ignores 18 valid characters inside a longer number (%s)', (_, text) => {
    expect(text.replace(/\p{M}/gu, '')).toMatch(/[0-9A-Z]{19}/i);
    expect(containsNationalIdentifier(text)).toBe(false);
  });

  test.each([
    'APR-2026-0042',
    'f47ac10b-58cc-4372-a567-0e02b2c3d479',
    'F47AC10B-58CC-4372-A567-0E02B2C3D479',
    '202611260000012345',
    '订单号202611260000012345已支付',
    'city-mgmt/traffic-flow-2025',
    'sess-9f1c',
    `hmac-sha256:${'ab'.repeat(32)}`,
    '深圳某科技有限公司',
    '',
  ])('does not flag the ordinary value %j', (text) => {
    expect(containsNationalIdentifier(text)).toBe(false);
  });

  test('does not flag an 18-character token with a wrong check character', () => {
    expect(containsNationalIdentifier('身份证号110105194912310021已核验')).toBe(false);
    expect(containsNationalIdentifier('代码91350100M000100Y44')).toBe(false);
  });
});

describe('findNationalIdentifiers', () => {
  const payload = {
    actor: { org: '深圳某科技有限公司', user: 'analyst-07' },
    notes: ['ok', `联系人身份证${RESIDENT_ID}`, 'fine'],
    org: { name: '某公司', code: `统一社会信用代码：${CREDIT_CODE}` },
    scope: { rowCount: 125000, exported: false, comment: null },
    approvals: [{ ref: 'APR-2026-0042' }, { ref: 'APR-2026-0043', holder: NUMERIC_RESIDENT_ID }],
  };

  test('returns the paths of offending strings, with object keys and array indices', () => {
    expect(findNationalIdentifiers(payload)).toEqual([
      'notes[1]',
      'org.code',
      'approvals[1].holder',
    ]);
  });

  test('prefixes every path with the given one', () => {
    expect(findNationalIdentifiers(payload, 'entries[2]')).toEqual([
      'entries[2].notes[1]',
      'entries[2].org.code',
      'entries[2].approvals[1].holder',
    ]);
  });

  test('handles top-level strings and arrays', () => {
    expect(findNationalIdentifiers(RESIDENT_ID, 'entries[0].id')).toEqual(['entries[0].id']);
    expect(findNationalIdentifiers(RESIDENT_ID)).toEqual(['']);
    expect(findNationalIdentifiers(['x', CREDIT_CODE])).toEqual(['[1]']);
    expect(findNationalIdentifiers([['x', [CREDIT_CODE]]], 'entries')).toEqual([
      'entries[0][1][0]',
    ]);
  });

  test('returns nothing for clean values and for non-string scalars', () => {
    expect(findNationalIdentifiers({ ...payload, notes: [], org: {}, approvals: [] })).toEqual([]);
    expect(findNationalIdentifiers(110105194912310)).toEqual([]);
    expect(findNationalIdentifiers(null)).toEqual([]);
    expect(findNationalIdentifiers(undefined)).toEqual([]);
    expect(findNationalIdentifiers(true)).toEqual([]);
  });

  test('never returns the identifier values themselves', () => {
    const found = findNationalIdentifiers(payload, 'entries[2]');
    expect(found).toHaveLength(3);
    const text = JSON.stringify(found);
    for (const identifier of [RESIDENT_ID, CREDIT_CODE, NUMERIC_RESIDENT_ID]) {
      expect(text).not.toContain(identifier);
    }
  });

  test('flags an identifier used as an object key without returning it', () => {
    const keyed = { holders: { [`备注${RESIDENT_ID}`]: 'verified', plain: 'ok' } };
    const found = findNationalIdentifiers(keyed, 'entries[0]');
    expect(found).toHaveLength(1);
    for (const path of found) {
      expect(path.startsWith('entries[0].holders.')).toBe(true);
      expect(path).not.toContain(RESIDENT_ID);
    }
  });

  test('does not leak a key identifier through the paths of the values below it', () => {
    const keyed = { [CREDIT_CODE]: { note: `持有人${RESIDENT_ID}`, plain: 'ok' } };
    const found = findNationalIdentifiers(keyed);
    expect(found).toHaveLength(2);
    const text = JSON.stringify(found);
    expect(text).not.toContain(CREDIT_CODE);
    expect(text).not.toContain(CREDIT_CODE.toLowerCase());
    expect(text).not.toContain(RESIDENT_ID);
  });

  test('keeps keys that merely look like identifiers in the paths', () => {
    expect(findNationalIdentifiers({ '202611260000012345': { holder: RESIDENT_ID } })).toEqual([
      '202611260000012345.holder',
    ]);
  });
});

describe('identifiers typed with spaces or hyphens', () => {
  test.each([
    '110105 19491231 002X',
    '110105-19491231-002x',
    '申请人身份证 110105 1949 1231 002X 已核验',
    '9135 0100 M000 100Y 43',
    '110105\t19491231\n002X',
    '110105\u300019491231\u3000002X',
    '110105 -19491231- 002X',
    'holder:110105 19491231 002X',
    '110105 - 19491231 002X',
    '110105/19491231/002X',
    // White space does not count toward the three separators; CJK characters do.
    '110105 -- 19491231 002X',
    '110105  一 19491231 002X',
    '110105 - - - 19491231 - - - 002X',
    '110105\u00a0\u00a0\u00a0\u00a019491231\u00a0\u00a0\u00a0\u00a0002X',
    '110105一二三19491231 002X',
  ])('%j is recognised', (text) => {
    expect(containsNationalIdentifier(text)).toBe(true);
    expect(findNationalIdentifiers({ note: text })).toEqual(['note']);
  });

  test.each([
    'APR-2026-0042',
    'order 2026 1126 0000 0123 45',
    'a-b-c-d-e-f-g-h-i-j-k-l-m-n-o-p-q-r',
    // More than three visible separators (punctuation, symbols, CJK characters) end a number.
    '110105 ---- 19491231 002X',
    '110105 - - - - 19491231 002X',
    '110105一二三四19491231 002X',
    '110105 —— 一二 19491231 002X',
    '110105\u0000 19491231 002X',
  ])('%j is not', (text) => {
    expect(containsNationalIdentifier(text)).toBe(false);
  });
});

describe.each([
  ['a resident identity number', RESIDENT_ID],
  ['a resident identity number with a digit check character', NUMERIC_RESIDENT_ID],
  ['a unified social credit code', CREDIT_CODE],
])('%s in every spelling the hardening review found', (_, identifier) => {
  test.each(spellings(identifier))('%s is found', (_spelling, text) => {
    expect(containsNationalIdentifier(text)).toBe(true);
  });
});

describe('what the scanner leaves alone', () => {
  test('digests are not scanned alone, and hex tokens only for numbers made of digits alone', () => {
    // A valid credit code that happens to be all hex: found alone, never inside a digest.
    expect(isUnifiedSocialCreditCode(HEX_CREDIT_CODE)).toBe(true);
    expect(containsNationalIdentifier(HEX_CREDIT_CODE)).toBe(true);
    const digest = `sha256:${'c'.repeat(20)}${HEX_CREDIT_CODE}${'c'.repeat(26)}`;
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(containsNationalIdentifier(digest)).toBe(false);
    expect(containsNationalIdentifier(`hmac-${digest}`)).toBe(false);
    expect(containsNationalIdentifier(digest.slice('sha256:'.length))).toBe(false);
    expect(containsNationalIdentifier(`${HEX_CREDIT_CODE}${'c'.repeat(14)}`)).toBe(false);

    // A value that is one digest is a hash's output, recorded as it is (see DIGEST_VALUE); the
    // same characters quoted in text, or in a token of another length, are scanned.
    const holding = `sha256:${'ab'.repeat(20)}${NUMERIC_RESIDENT_ID}${'cd'.repeat(3)}`;
    expect(holding).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(containsNationalIdentifier(holding)).toBe(false);
    expect(containsNationalIdentifier(`hmac-${holding}`)).toBe(false);
    expect(containsNationalIdentifier(`model ${holding}`)).toBe(true);
    expect(containsNationalIdentifier(`${holding.slice('sha256:'.length)}ab`)).toBe(true);
  });

  test('lists of numbers and untyped hex ids almost never look like an identifier', () => {
    let seed = 42;
    const random = (below: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return Math.floor((seed / 2 ** 31) * below);
    };
    const digits = (length: number) => Array.from({ length }, () => random(10)).join('');
    let found = 0;
    for (let run = 0; run < 10_000; run += 1) {
      const numbers = Array.from({ length: 8 }, () => digits(1 + random(8)));
      const hex = Array.from({ length: 40 }, () => '0123456789abcdef'.charAt(random(16))).join('');
      found += containsNationalIdentifier(`金额 ${numbers.join(', ')}`) ? 1 : 0;
      found += containsNationalIdentifier(`commit ${hex}`) ? 1 : 0;
    }
    expect(found).toBeLessThanOrEqual(2);
  });

  test('UUIDs and hex hashes are never taken for identifiers, which once refused 1 write in 400', () => {
    // Each of these once held 18 characters that pass an identifier's checks.
    for (const token of [
      '01a23296-bba4-7845-9327-c553e95cbd91',
      '01A23296-BBC4-7668-967D-2BA87BA6C25B',
      '48b2adca363075845314cb180ef682c7eb37c0969a3ae98bf9564826c4538225',
      '4088ccb329d55900804825852ee9ca394a8dfeb666c79f4b460e7d388a195159',
    ]) {
      expect(containsNationalIdentifier(token)).toBe(false);
      expect(containsNationalIdentifier(`session ${token}, model/${token}.bin`)).toBe(false);
    }
    // A number of 18 digits alone is looked for even in these, so by a rare chance (a few in a
    // million, see machine-tokens.test.ts) one is flagged: the samples come from a fixed seed.
    fc.assert(
      fc.property(
        fc.uuid(),
        fc.uint8Array({ minLength: 16, maxLength: 64 }),
        (uuid, bytes) =>
          !containsNationalIdentifier(uuid) &&
          !containsNationalIdentifier(Buffer.from(bytes).toString('hex')),
      ),
      { seed: 42, numRuns: 20_000 },
    );
  });

  test('an identifier beside a UUID or a hash is still found', () => {
    const uuid = '01a23296-bba4-7845-9327-c553e95cbd91';
    for (const text of [
      `${uuid} ${NUMERIC_RESIDENT_ID}`,
      `${NUMERIC_RESIDENT_ID}-${uuid}`,
      `${uuid}/${CREDIT_CODE}`,
      `${'ab'.repeat(16)} 11010519491231002X`,
    ]) {
      expect(containsNationalIdentifier(text)).toBe(true);
    }
  });
});

describe('the spellings of the second hardening review', () => {
  test.each([
    ['at the start of a 32-hex token', '110105194912311006ffffffffffffff'],
    [
      'inside a 64-hex run quoted in text',
      `file ${'ab'.repeat(20)}110105194912311006${'cd'.repeat(3)}.bin`,
    ],
    ['in the digit groups of a UUID, across its hyphens', '11010519-4912-3110-06ab-cdef01234567'],
    ['in an upper-case UUID', '11010519-4912-3110-06AB-CDEF01234567'],
    ['in the last three groups of a UUID', '01a23296-bba4-7a11-0105-194912311006'],
    ['with a variation selector between digits', '110105\ufe0f194912311006'],
    ['with a combining acute accent between digits', '1101051\u030194912311006'],
    ['with Hangul fillers between groups', '110105\u316419491231\u31641006'],
    ['with a Cyrillic capital Ha as its check letter', '11010519491231002\u0425'],
    ['with a Cyrillic small ha as its check letter', '11010519491231002\u0445'],
    ['with a Greek capital chi as its check letter', '11010519491231002\u03a7'],
    ['with a Greek small chi as its check letter', '11010519491231002\u03c7'],
    ['a credit code with Cyrillic M and U', '91350100\u041c000100\u042343'],
    ['a credit code with Greek Mu and Upsilon', '91350100\u039c000100\u03a543'],
    ['with four no-break spaces between groups', `110105${'\u00a0'.repeat(4)}194912311006`],
    ['with a CJK character between groups', '110105中19491231中1006'],
    ['with 号 after the region', '110105号194912311006'],
  ])('a number %s is found', (_, text) => {
    expect(containsNationalIdentifier(text)).toBe(true);
    expect(findNationalIdentifiers({ note: text })).toEqual(['note']);
  });

  test('the same number, however it is spelled, has one canonical form', () => {
    for (const text of [
      '11010519491231002\u0425',
      '11010519491231002\u03c7',
      '110105中19491231中002x',
      '１１０１０５\u316419491231\ufe0f002X',
      `110105${'\u00a0'.repeat(6)}19491231 002X\u0301`,
      '申请人 110105 号 19491231 002X',
    ]) {
      expect(canonicalIdentifier(text)).toBe(RESIDENT_ID);
    }
    expect(canonicalIdentifier('91350100\u043c000100\u044343')).toBe(CREDIT_CODE);
    expect(canonicalIdentifier('110105一二三四19491231002X')).toBeUndefined();
  });
});

describe('ordinary text with numbers in it', () => {
  test.each([
    '2026年03月01日共138家企业',
    '截至2026年03月01日，平台共有138家企业、2,046名用户，累计调用接口1,234,567次',
    '2026年3月1日10时30分，共处理12345条记录，金额1,234,567.89元',
    '第1号至第138号企业于2026年03月01日完成备案，备案号2026030100138',
    '2026-03-01T09:00:00+08:00',
    '2026-03-01 09:00:00.123456789 +0800 CST, 2026-03-02 10:11:12.000000001 +0800 CST',
    '客服电话：400-820-8820，手机：138 0013 8000',
    '联系电话 +86 138 0013 8000 / 010-6552 9988',
    '订单号：202611260000012345，共3件，合计¥1,299.00',
    '订单110105中19491231中1007已发货',
    '流水号 91350100 M000100 Y44',
    'Москва, ул. Тверская, д. 7, кв. 138, тел. 8 495 123-45-67',
    'Ημερομηνία 2026-03-01, αρ. 138, ΑΦΜ 094019245',
    '样本 2026-03-01 09:00 至 2026-03-31 18:00，共 1,234,567 行 × 89 列',
  ])('%j is not flagged', (text) => {
    expect(containsNationalIdentifier(text)).toBe(false);
  });
});

describe('machine-made tokens', () => {
  test('the UUIDs and hashes that once looked like identifiers still do not', () => {
    // Their lookalikes are credit codes made of hex letters and digits: not a number a person
    // would write inside a hash, so tokens are only searched for numbers of digits alone.
    for (const token of [
      '01a23296-bba4-7845-9327-c553e95cbd91',
      '48b2adca363075845314cb180ef682c7eb37c0969a3ae98bf9564826c4538225',
    ]) {
      expect(containsNationalIdentifier(token)).toBe(false);
    }
  });

  test('a number of digits alone is found in a token only where no digit is glued to it', () => {
    const id = NUMERIC_RESIDENT_ID;
    expect(containsNationalIdentifier(`${'e'.repeat(14)}${id}`)).toBe(true);
    expect(containsNationalIdentifier(`${'e'.repeat(13)}7${id}`)).toBe(false);
    expect(containsNationalIdentifier(`${id}7${'e'.repeat(13)}`)).toBe(false);
    // A UUID's hyphens join digit groups: the number runs on into the next group.
    expect(
      containsNationalIdentifier(
        `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16)}ab-cdef01234567`,
      ),
    ).toBe(true);
    expect(
      containsNationalIdentifier(
        `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16)}12-cdef01234567`,
      ),
    ).toBe(false);
  });

  test('redaction removes a number found inside a token, and only it', () => {
    expect(
      redactNationalIdentifiers(`key ${'e'.repeat(14)}${NUMERIC_RESIDENT_ID} and ${RESIDENT_ID}`),
    ).toBe(`key ${'e'.repeat(14)}[redacted] and [redacted]`);
  });
});
