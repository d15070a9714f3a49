import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';

/**
 * C2SP signed notes with Ed25519 keys: a UTF-8 body ending in a newline, a blank line, then one
 * line per signature, `— <key name> <base64(key id ‖ signature)>`. The key id is the first four
 * bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key), so a verifier can pick the right key.
 */

const ED25519 = 0x01;
const SIGNATURE_PREFIX = '\u2014 ';
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export class NoteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = NoteError.name;
  }
}

export interface NoteSigner {
  name: string;
  verifierKey: string;
  signatureLine(body: string): string;
}

export interface NoteVerifier {
  name: string;
  keyId: Buffer;
  verify(body: string, signature: Buffer): boolean;
}

function assertKeyName(name: string): void {
  if (name === '' || /[\s+]/u.test(name)) {
    throw new NoteError(
      `key name ${JSON.stringify(name)} must be non-empty, without spaces or '+'`,
    );
  }
}

function keyIdOf(name: string, publicKey: Buffer): Buffer {
  return createHash('sha256')
    .update(Buffer.concat([Buffer.from(`${name}\n`), Buffer.from([ED25519]), publicKey]))
    .digest()
    .subarray(0, 4);
}

/** Splits at the first `count - 1` '+' signs: the base64 key data may itself contain '+'. */
function splitKey(key: string, count: number): string[] {
  const parts = key.split('+');
  return parts.length < count
    ? parts
    : [...parts.slice(0, count - 1), parts.slice(count - 1).join('+')];
}

function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  return Buffer.from(jwk.x ?? '', 'base64url');
}

function verifierKeyString(name: string, publicKey: Buffer): string {
  const encoded = Buffer.concat([Buffer.from([ED25519]), publicKey]).toString('base64');
  return `${name}+${keyIdOf(name, publicKey).toString('hex')}+${encoded}`;
}

/** A new Ed25519 key pair as C2SP key strings: the signer (secret) and the verifier (public). */
export function generateNoteKey(name: string): { signerKey: string; verifierKey: string } {
  assertKeyName(name);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d ?? '', 'base64url');
  const raw = rawPublicKey(publicKey);
  const signerKey = `PRIVATE+KEY+${name}+${keyIdOf(name, raw).toString('hex')}+${Buffer.concat([
    Buffer.from([ED25519]),
    seed,
  ]).toString('base64')}`;
  return { signerKey, verifierKey: verifierKeyString(name, raw) };
}

export function noteSigner(signerKey: string): NoteSigner {
  const parts = splitKey(signerKey, 5);
  const [private_, key, name, , encoded] = parts;
  const material = Buffer.from(encoded ?? '', 'base64');
  if (parts.length !== 5 || private_ !== 'PRIVATE' || key !== 'KEY' || name === undefined) {
    throw new NoteError('not a signer key (PRIVATE+KEY+<name>+<id>+<key>)');
  }
  if (material.length !== 33 || material[0] !== ED25519) {
    throw new NoteError('only Ed25519 signer keys are supported');
  }
  const privateKey = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, material.subarray(1)]),
    format: 'der',
    type: 'pkcs8',
  });
  const publicKey = rawPublicKey(createPublicKey(privateKey));
  const keyId = keyIdOf(name, publicKey);
  return {
    name,
    verifierKey: verifierKeyString(name, publicKey),
    signatureLine(body) {
      const signature = sign(null, Buffer.from(body, 'utf8'), privateKey);
      return `${SIGNATURE_PREFIX}${name} ${Buffer.concat([keyId, signature]).toString('base64')}\n`;
    },
  };
}

export function noteVerifier(verifierKey: string): NoteVerifier {
  const parts = splitKey(verifierKey, 3);
  const [name, id, encoded] = parts;
  const material = Buffer.from(encoded ?? '', 'base64');
  if (parts.length !== 3 || name === undefined || id === undefined) {
    throw new NoteError('not a verifier key (<name>+<id>+<key>)');
  }
  assertKeyName(name);
  if (material.length !== 33 || material[0] !== ED25519) {
    throw new NoteError(`verifier key ${name} is not an Ed25519 key`);
  }
  const raw = material.subarray(1);
  const keyId = keyIdOf(name, raw);
  if (keyId.toString('hex') !== id.toLowerCase()) {
    throw new NoteError(`verifier key ${name} has the wrong key id`);
  }
  const publicKey = createPublicKey({
    key: Buffer.concat([ED25519_SPKI_PREFIX, raw]),
    format: 'der',
    type: 'spki',
  });
  return {
    name,
    keyId,
    verify: (body, signature) => verify(null, Buffer.from(body, 'utf8'), publicKey, signature),
  };
}

export function signNote(body: string, signers: readonly NoteSigner[]): string {
  if (!body.endsWith('\n')) {
    throw new NoteError('a note body ends with a newline');
  }
  return `${body}\n${signers.map((signer) => signer.signatureLine(body)).join('')}`;
}

interface ParsedNote {
  body: string;
  signatures: { name: string; keyId: Buffer; signature: Buffer; line: string }[];
}

export function parseNote(note: string): ParsedNote {
  const separator = note.lastIndexOf('\n\n');
  if (separator < 0 || !note.endsWith('\n')) {
    throw new NoteError('a note is a body, a blank line and signature lines');
  }
  const body = note.slice(0, separator + 1);
  const lines = note.slice(separator + 2, -1).split('\n');
  const signatures = lines.map((line) => {
    const match = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/u.exec(line);
    const bytes = Buffer.from(match?.[2] ?? '', 'base64');
    if (match?.[1] === undefined || bytes.length < 5) {
      throw new NoteError(`malformed signature line: ${JSON.stringify(line)}`);
    }
    return {
      name: match[1],
      keyId: bytes.subarray(0, 4),
      signature: bytes.subarray(4),
      line: `${line}\n`,
    };
  });
  if (signatures.length === 0) {
    throw new NoteError('the note has no signature');
  }
  return { body, signatures };
}

/** Adds the signers' lines to an already signed note (cosigning). */
export function cosignNote(note: string, signers: readonly NoteSigner[]): string {
  const { body } = parseNote(note);
  return `${note}${signers.map((signer) => signer.signatureLine(body)).join('')}`;
}

/**
 * The body and the names of the known keys whose signatures verify. A signature by a known key
 * that does not verify is an error, not something to skip; unknown keys are ignored.
 */
export function openNote(
  note: string,
  verifiers: readonly NoteVerifier[],
): { body: string; verifiedBy: string[] } {
  const { body, signatures } = parseNote(note);
  const verifiedBy: string[] = [];
  for (const signature of signatures) {
    const verifier = verifiers.find(
      (candidate) => candidate.name === signature.name && candidate.keyId.equals(signature.keyId),
    );
    if (verifier === undefined) {
      continue;
    }
    if (!verifier.verify(body, signature.signature)) {
      throw new NoteError(`the signature of ${signature.name} does not verify`);
    }
    if (!verifiedBy.includes(verifier.name)) {
      verifiedBy.push(verifier.name);
    }
  }
  return { body, verifiedBy };
}
