/**
 * An organisation's witness on the real network: it cosigns only the tree of the blocks its own
 * peer holds, so a log that shows it another block at some height is refused, with the reason.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkpointBody } from '../../verifier/src/transparency/checkpoint.js';
import {
  consistencyProof,
  leafHash,
  rootHash,
} from '../../verifier/src/transparency/merkle-tree.js';
import { PackedHashes } from '../../verifier/src/transparency/packed-hashes.js';
import { addCheckpointBody } from '../../gateway/src/transparency/remote-witness.js';
import {
  generateNoteKey,
  noteSigner,
  noteVerifier,
  openNote,
  signNote,
  type NoteSigner,
} from '../../verifier/src/transparency/signed-note.js';
import { dataAccess, unique } from '../support/sample-entries.js';
import { recordEntry } from './ledger-calls.js';
import { CLIENTS, connectAs, readConnection, type Session } from './network.js';

const WITNESS_STATE = resolve(__dirname, '../../network/.state/orgs/sandboxorg/witness/state');

let session: Session;
let logSigner: NoteSigner;
let witness: { url: string; verifierKey: string };
let origin: string;

async function witnessSize(): Promise<number> {
  const health = (await (await fetch(new URL('healthz', witness.url))).json()) as { size: number };
  return health.size;
}

/** The header hashes of the blocks the witness followed from its own peer. */
function witnessHeaders(): Buffer[] {
  const db = new Database(join(WITNESS_STATE, 'blocks.sqlite'), { readonly: true });
  try {
    return db
      .prepare<[], { header_hash: Buffer }>('SELECT header_hash FROM headers ORDER BY number')
      .all()
      .map((row) => row.header_hash);
  } finally {
    db.close();
  }
}

function tree(headers: Buffer[]): PackedHashes {
  const leaves = new PackedHashes();
  for (const header of headers) {
    leaves.push(leafHash(header));
  }
  return leaves;
}

function signedCheckpoint(leaves: PackedHashes): string {
  return signNote(checkpointBody({ origin, size: leaves.length, rootHash: rootHash(leaves) }), [
    logSigner,
  ]);
}

async function addCheckpoint(oldSize: number, proof: Buffer[], note: string) {
  const response = await fetch(new URL('add-checkpoint', witness.url), {
    method: 'POST',
    body: addCheckpointBody(oldSize, proof, note),
  });
  return { status: response.status, text: await response.text() };
}

beforeAll(async () => {
  const { checkpoints } = readConnection();
  if (checkpoints === undefined) {
    throw new Error('the connection file names no checkpoint witnesses');
  }
  origin = checkpoints.origin;
  logSigner = noteSigner((await readFile(checkpoints.logKeyPath, 'utf8')).trim());
  const found = checkpoints.witnesses.find((candidate) => candidate.mspId === 'SandboxOrg');
  if (found === undefined) {
    throw new Error('SandboxOrg runs no witness');
  }
  witness = found;
  session = connectAs(CLIENTS.sandbox.mspId, CLIENTS.sandbox.name);
});

afterAll(() => {
  session.close();
});

describe("an organisation's witness", () => {
  test('refuses a tree in which a block differs from its own peer’s, and says so', async () => {
    // A block beyond what the witness cosigned, so that it has something new to look at.
    await recordEntry(session.contract, dataAccess({ id: unique('witness-block') }));
    const cosigned = await witnessSize();
    let headers = witnessHeaders();
    for (let waited = 0; headers.length <= cosigned && waited < 50; waited += 1) {
      await new Promise((done) => setTimeout(done, 100));
      headers = witnessHeaders();
    }
    const height = cosigned + 1;
    expect(headers.length).toBeGreaterThanOrEqual(height);

    const forgedHeaders = headers.slice(0, height);
    forgedHeaders[height - 1] = createHash('sha256').update(randomBytes(32)).digest();
    const forged = tree(forgedHeaders);
    const refused = await addCheckpoint(
      cosigned,
      consistencyProof(forged, cosigned, height),
      signedCheckpoint(forged),
    );
    expect(refused.status).toBe(422);
    expect(refused.text).toMatch(
      new RegExp(`the tree of ${height} is not the tree of the blocks peer0.sandboxorg holds`),
    );
    expect(await witnessSize()).toBe(cosigned);

    // The genuine tree of the same height is cosigned.
    const genuine = tree(headers.slice(0, height));
    const note = signedCheckpoint(genuine);
    const accepted = await addCheckpoint(
      cosigned,
      consistencyProof(genuine, cosigned, height),
      note,
    );
    expect(accepted.status, accepted.text).toBe(200);
    const verifier = noteVerifier(witness.verifierKey);
    expect(openNote(`${note}${accepted.text}`, [verifier]).verifiedBy).toEqual([verifier.name]);
  });

  test('answers a log that assumed another tree with the size it last cosigned', async () => {
    const cosigned = await witnessSize();
    const leaves = tree(witnessHeaders().slice(0, cosigned));
    const conflict = await addCheckpoint(cosigned + 7, [], signedCheckpoint(leaves));
    expect(conflict.status).toBe(409);
    expect(conflict.text.trim()).toBe(String(cosigned));
  });

  test('refuses a checkpoint the log did not sign', async () => {
    const cosigned = await witnessSize();
    const leaves = tree(witnessHeaders().slice(0, cosigned));
    const stranger = noteSigner(generateNoteKey(origin).signerKey);
    const note = signNote(
      checkpointBody({ origin, size: leaves.length, rootHash: rootHash(leaves) }),
      [stranger],
    );
    const refused = await addCheckpoint(cosigned, [], note);
    expect(refused.status).toBe(422);
    expect(refused.text).toMatch(/not signed by the log/);
  });
});
