/** Every spelling of an identifier that kept its digits readable and got past the first scanner. */
export function spellings(identifier: string): [string, string][] {
  const fullWidth = (text: string) =>
    text.replace(/[0-9A-Za-z]/g, (char) => String.fromCharCode(char.charCodeAt(0) + 0xfee0));
  const arabicIndic = (text: string) =>
    text.replace(/\d/g, (digit) => String.fromCharCode(0x0660 + Number(digit)));
  const grouped = (separator: string) =>
    `${identifier.slice(0, 6)}${separator}${identifier.slice(6, 14)}${separator}${identifier.slice(14)}`;
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
  ];
}
