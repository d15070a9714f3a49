/** Latin letters, and the Cyrillic or Greek letters drawn like them, character for character. */
function lookalikes(latin: string, other: string): Map<string, string> {
  const others = Array.from(other);
  return new Map(Array.from(latin).map((char, index) => [char, others[index] ?? char]));
}
const CYRILLIC_LOOKALIKES = lookalikes('ABCEHKMOPTYXacemopyx', 'АВСЕНКМОРТУХасеморух');
const GREEK_LOOKALIKES = lookalikes('ABEHKMNPTYXakopuvyx', 'ΑΒΕΗΚΜΝΡΤΥΧακορυνγχ');

/**
 * Every spelling of an identifier that kept its digits readable and got past a scanner once: the
 * first hardening review's, then the second's (invisible characters, look-alike letters, CJK
 * characters and many spaces between groups, machine-made tokens).
 */
export function spellings(identifier: string): [string, string][] {
  const fullWidth = (text: string) =>
    text.replace(/[0-9A-Za-z]/g, (char) => String.fromCharCode(char.charCodeAt(0) + 0xfee0));
  const arabicIndic = (text: string) =>
    text.replace(/\d/g, (digit) => String.fromCharCode(0x0660 + Number(digit)));
  const grouped = (separator: string) =>
    `${identifier.slice(0, 6)}${separator}${identifier.slice(6, 14)}${separator}${identifier.slice(14)}`;
  const everyCharacter = (after: (char: string) => string) =>
    Array.from(identifier)
      .map((char) => `${char}${after(char)}`)
      .join('');
  const lookalike = (table: Map<string, string>, text: string) =>
    text.replace(/[A-Z]/gi, (char) => table.get(char) ?? char);
  const lower = identifier.toLowerCase();
  return [
    ['full-width', fullWidth(identifier)],
    ['Arabic-Indic digits', arabicIndic(identifier)],
    ['half- and full-width mixed', `${fullWidth(identifier.slice(0, 9))}${identifier.slice(9)}`],
    ...['.', '/', '_', ':', '=', '+', '@'].map((separator): [string, string] => [
      `groups split by ${separator}`,
      grouped(separator),
    ]),
    ['groups split by an en dash', grouped('\u2013')],
    ['groups split by a full-width hyphen', grouped('\uff0d')],
    ['groups split by three spaces', grouped('   ')],
    ['groups split by zero-width spaces', grouped('\u200b')],
    ['groups split by zero-width joiners', grouped('\u200d')],
    ['groups split by soft hyphens', grouped('\u00ad')],
    ['glued to letters before', `ID${identifier}`],
    ['glued to letters after', `${identifier}abc`],
    ['glued to letters on both sides', `ref${identifier}abc`],
    ['full-width inside a Chinese sentence', `申请人证件号${fullWidth(identifier)}已核验`],
    // Invisible characters: variation selectors, marks, fillers, other format characters.
    ['a variation selector after every character', everyCharacter(() => '\ufe0f')],
    ['a combining acute accent on every character', everyCharacter(() => '\u0301')],
    ['keycap digits', everyCharacter((char) => (/\d/.test(char) ? '\ufe0f\u20e3' : ''))],
    [
      'a dot above every character, composed where Unicode can',
      everyCharacter(() => '\u0307').normalize('NFC'),
    ],
    ['groups split by Hangul fillers', grouped('\u3164')],
    ['groups split by half-width Hangul fillers', grouped('\uffa0')],
    ['groups split by Hangul choseong fillers', grouped('\u115f')],
    ['groups split by Mongolian vowel separators', grouped('\u180e')],
    ['groups split by word joiners', grouped('\u2060')],
    ['groups split by byte-order marks', grouped('\ufeff')],
    ['groups split by bidi isolates', grouped('\u2066\u2069')],
    // White space does not count toward the three separators allowed between groups.
    ['groups split by four no-break spaces', grouped('\u00a0'.repeat(4))],
    ['groups split by eight spaces', grouped(' '.repeat(8))],
    ['groups split by a line break and an indent', grouped('\n        ')],
    ['groups split by spaces around three hyphens', grouped(' - - - ')],
    ['groups split by ideographic spaces and zero-width spaces', grouped('\u3000\u200b\u3000')],
    // CJK characters and other scripts' letters between groups, up to three.
    ['groups split by a CJK character', grouped('中')],
    ['groups split by 号', `${identifier.slice(0, 6)}号${identifier.slice(6)}`],
    ['groups split by three CJK characters', grouped('身份证')],
    ['groups split by an ideographic comma and a CJK character', grouped('、第')],
    ['groups split by kana', grouped('の')],
    ['groups split by Hangul', grouped('가')],
    // Letters of other scripts drawn like the Latin ones.
    ['Cyrillic look-alike letters', lookalike(CYRILLIC_LOOKALIKES, identifier)],
    ['lower-case Cyrillic look-alike letters', lookalike(CYRILLIC_LOOKALIKES, lower)],
    ['Greek look-alike letters', lookalike(GREEK_LOOKALIKES, identifier)],
    ['lower-case Greek look-alike letters', lookalike(GREEK_LOOKALIKES, lower)],
    // Inside machine-made tokens.
    ['at the start of a 32-hex token', `${lower}${'f'.repeat(14)}`],
    ['inside a 40-hex token', `${'ab'.repeat(10)}${lower}e0`],
    [
      'as the digit groups of a UUID',
      `${lower.slice(0, 8)}-${lower.slice(8, 12)}-${lower.slice(12, 16)}-${lower.slice(16)}ab-cdef01234567`,
    ],
    [
      'inside a typed digest quoted in text',
      `weights sha256:${'c'.repeat(10)}${lower}${'e0'.repeat(18)}`,
    ],
  ];
}
