import { describe, expect, test } from 'vitest';
import { checkpointBody, parseCheckpoint } from '../../verifier/src/transparency/checkpoint.js';
import {
  NoteError,
  cosignNote,
  generateNoteKey,
  noteSigner,
  noteVerifier,
  openNote,
  signNote,
} from '../../verifier/src/transparency/signed-note.js';

const body = checkpointBody({
  origin: 'audit.example/log',
  size: 42,
  rootHash: Buffer.alloc(32, 7),
});

describe('C2SP signed notes', () => {
  test('key strings follow the C2SP encoding and round-trip', () => {
    const { signerKey, verifierKey } = generateNoteKey('audit.example/log');
    expect(signerKey).toMatch(
      /^PRIVATE\+KEY\+audit\.example\/log\+[0-9a-f]{8}\+[A-Za-z0-9+/]{43}[A-Za-z0-9+/=]$/,
    );
    expect(verifierKey).toMatch(
      /^audit\.example\/log\+[0-9a-f]{8}\+[A-Za-z0-9+/]{43}[A-Za-z0-9+/=]$/,
    );
    expect(noteSigner(signerKey).verifierKey).toBe(verifierKey);
    expect(noteVerifier(verifierKey).keyId.toString('hex')).toBe(verifierKey.split('+')[1]);
  });

  test('a signed note is the body, a blank line and one em-dash line per signer', () => {
    const log = noteSigner(generateNoteKey('log').signerKey);
    const note = signNote(body, [log]);

    expect(note.startsWith(`${body}\n\u2014 log `)).toBe(true);
    expect(openNote(note, [noteVerifier(log.verifierKey)])).toEqual({ body, verifiedBy: ['log'] });
  });

  test('cosignatures add lines; unknown keys are ignored; each known key is counted once', () => {
    const log = noteSigner(generateNoteKey('log').signerKey);
    const witness = noteSigner(generateNoteKey('witness.a').signerKey);
    const stranger = noteSigner(generateNoteKey('stranger').signerKey);
    const note = cosignNote(cosignNote(signNote(body, [log]), [witness, stranger]), [witness]);

    const verifiers = [log, witness].map((signer) => noteVerifier(signer.verifierKey));
    expect(openNote(note, verifiers).verifiedBy).toEqual(['log', 'witness.a']);
  });

  test('one changed byte of the body breaks every signature by a known key', () => {
    const log = noteSigner(generateNoteKey('log').signerKey);
    const note = signNote(body, [log]).replace('\n42\n', '\n43\n');

    expect(() => openNote(note, [noteVerifier(log.verifierKey)])).toThrow(NoteError);
  });

  test('a signature by another key of the same name does not count', () => {
    const impostor = noteSigner(generateNoteKey('log').signerKey);
    const genuine = noteVerifier(generateNoteKey('log').verifierKey);

    expect(openNote(signNote(body, [impostor]), [genuine]).verifiedBy).toEqual([]);
  });

  test.each([
    ['no blank line', `${body}\u2014 log AAAA\n`],
    ['no signature', `${body}\n`],
    ['a garbled signature line', `${body}\n- log AAAAAAAA\n`],
  ])('a note with %s is refused', (_case, note) => {
    expect(() => openNote(note, [])).toThrow(NoteError);
  });

  test.each([
    [
      'a verifier key with a wrong id',
      (key: string) => key.replace(/\+[0-9a-f]{8}\+/, '+00000000+'),
    ],
    ['a truncated key', (key: string) => key.slice(0, -8)],
    ['a name with a space', (key: string) => `a b${key}`],
  ])('%s is refused', (_case, mangle) => {
    expect(() => noteVerifier(mangle(generateNoteKey('log').verifierKey))).toThrow(NoteError);
  });
});

describe('checkpoint bodies', () => {
  test('origin, size and root round-trip', () => {
    expect(parseCheckpoint(body)).toEqual({
      origin: 'audit.example/log',
      size: 42,
      rootHash: Buffer.alloc(32, 7),
    });
  });

  test.each([
    ['a size with a sign', body.replace('\n42\n', '\n+42\n')],
    ['a size with leading zeros', body.replace('\n42\n', '\n042\n')],
    ['a short root', 'o\n1\nAAAA\n'],
    ['no origin', body.replace('audit.example/log', '')],
  ])('%s is refused', (_case, text) => {
    expect(() => parseCheckpoint(text)).toThrow(NoteError);
  });
});
