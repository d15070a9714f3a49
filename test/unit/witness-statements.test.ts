/**
 * A witness signs, for a block its own peer served, the hashes of the block's envelopes and
 * their validation codes (GET /block-transactions/<n>); the gateway's client checks the answer
 * before a proof bundle carries it. Over real HTTP, on port 0.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { common, peer } from '@hyperledger/fabric-protos';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BlockIndex, indexedBlockOf } from '../../gateway/src/fabric/block-index.js';
import { ownBlocks } from '../../gateway/src/fabric/own-peer-view.js';
import { parseBlockStatement } from '../../verifier/src/transparency/block-statement.js';
import { RemoteWitness } from '../../gateway/src/transparency/remote-witness.js';
import {
  generateNoteKey,
  noteSigner,
  noteVerifier,
  openNote,
  parseNote,
} from '../../verifier/src/transparency/signed-note.js';
import {
  Witness,
  WitnessRefusal,
  WitnessUnavailable,
} from '../../gateway/src/transparency/witness.js';
import { createWitnessServer } from '../../gateway/src/transparency/witness-server.js';
import { envelope, fabricBlock, headerHashOf, sha256 } from '../support/fabric-blocks.js';

const ORIGIN = 'audit-ledger.test/fabric/audit';
/** How long the witness waits for its peer here: long enough for a block a moment away. */
const CATCH_UP_MS = 1_000;

const { VALID, MVCC_READ_CONFLICT } = peer.TxValidationCode;
const config = envelope(common.HeaderType.CONFIG, '');
const first = envelope(common.HeaderType.ENDORSER_TRANSACTION, 'tx-first');
const second = envelope(common.HeaderType.ENDORSER_TRANSACTION, 'tx-second');
const genesis = fabricBlock(0, new Uint8Array(), [config], [VALID]);
const next = fabricBlock(1, headerHashOf(genesis), [first, second], [VALID, MVCC_READ_CONFLICT]);
/** Indexed by an earlier version, without its envelopes, and not read again yet. */
const unread = fabricBlock(
  2,
  headerHashOf(next),
  [envelope(common.HeaderType.ENDORSER_TRANSACTION, 'tx-third')],
  [VALID],
);
const later = fabricBlock(
  3,
  headerHashOf(unread),
  [envelope(common.HeaderType.ENDORSER_TRANSACTION, 'tx-fourth')],
  [VALID],
);

const witnessKey = generateNoteKey('witness.testorg');
let folder: string;
let index: BlockIndex;
let server: Server;
let url: string;

function listen(on: Server): Promise<string> {
  return new Promise((resolve) => {
    on.listen(0, '127.0.0.1', () => {
      resolve(`http://127.0.0.1:${(on.address() as AddressInfo).port}/`);
    });
  });
}

function close(on: Server): Promise<void> {
  return new Promise((resolve) => {
    on.close(() => {
      resolve();
    });
  });
}

async function get(path: string) {
  const response = await fetch(new URL(path, url));
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    text: await response.text(),
  };
}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'witness-statements-'));
  index = new BlockIndex(join(folder, 'blocks.sqlite'));
  index.add(indexedBlockOf(genesis));
  index.add(indexedBlockOf(next));
  const { envelopes: _left, ...withoutEnvelopes } = indexedBlockOf(unread);
  index.add(withoutEnvelopes);
  const witness = await Witness.open(
    noteSigner(witnessKey.signerKey),
    generateNoteKey(ORIGIN).verifierKey,
    join(folder, 'cosigned.json'),
  );
  server = createWitnessServer(
    witness,
    ORIGIN,
    ownBlocks(index, 'peer0.testorg', CATCH_UP_MS),
    pino({ level: 'silent' }),
  );
  url = await listen(server);
});

afterAll(async () => {
  await close(server);
  index.close();
  await rm(folder, { recursive: true, force: true });
});

describe("a witness's statement of a block", () => {
  test("is signed by the witness's key and states the block's envelope hashes and codes", async () => {
    const note = await new RemoteWitness(url, witnessKey.verifierKey).blockStatement(1);
    const verifier = noteVerifier(witnessKey.verifierKey);
    const { body, verifiedBy } = openNote(note, [verifier]);
    expect(verifiedBy).toEqual(['witness.testorg']);
    expect(parseBlockStatement(body)).toEqual({
      origin: ORIGIN,
      block: 1,
      headerHash: headerHashOf(next),
      envelopeHashes: [sha256(first), sha256(second)],
      validationCodes: [VALID, MVCC_READ_CONFLICT],
    });
    // The config block is stated too.
    const stated = await get('block-transactions/0');
    expect(stated.status).toBe(200);
    expect(stated.type).toMatch(/^text\/plain/);
    expect(parseBlockStatement(openNote(stated.text, [verifier]).body).envelopeHashes).toEqual([
      sha256(config),
    ]);
  });

  test('waits for a block its peer serves a moment later', async () => {
    const asked = get('block-transactions/3');
    setTimeout(() => {
      index.add(indexedBlockOf(later));
    }, 100);
    const answer = await asked;
    expect(answer.status, answer.text).toBe(200);
    expect(parseBlockStatement(parseNote(answer.text).body).headerHash).toEqual(
      headerHashOf(later),
    );
  });

  test('is 503 while its peer has not reached the block, or the block is not read again yet', async () => {
    const [beyond, withoutHashes] = await Promise.all([
      get('block-transactions/9'),
      get('block-transactions/2'),
    ]);
    expect(beyond).toMatchObject({ status: 503 });
    expect(beyond.text).toMatch(/peer0\.testorg holds \d blocks, not yet block 9/);
    expect(withoutHashes).toMatchObject({ status: 503 });
    expect(withoutHashes.text).toMatch(/block 2 is indexed without its envelope hashes/);
    await expect(
      new RemoteWitness(url, witnessKey.verifierKey).blockStatement(9),
    ).rejects.toBeInstanceOf(WitnessUnavailable);
  });

  test.each(['x', '01', '-1', '1.5', '12345678901234567', '1/2', ''])(
    'is 404 for block number %j',
    async (number) => {
      expect((await get(`block-transactions/${number}`)).status).toBe(404);
    },
  );

  test('leaves the witness health answer as it was', async () => {
    const health = await get('healthz');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.text)).toEqual({ witness: 'witness.testorg', size: 0 });
  });
});

describe("the gateway's client of a witness's statements", () => {
  test('refuses a statement not signed by the key it trusts for that witness', async () => {
    const stranger = generateNoteKey('witness.testorg').verifierKey;
    await expect(new RemoteWitness(url, stranger).blockStatement(1)).rejects.toThrow(
      new WitnessRefusal('witness.testorg', 'its answer holds no valid signature', 'state block 1'),
    );
  });

  test('refuses a statement of another block than the one asked', async () => {
    const genuine = await new RemoteWitness(url, witnessKey.verifierKey).blockStatement(1);
    const liar = createServer((_request, response) => {
      response.end(genuine);
    });
    try {
      const wrong = new RemoteWitness(await listen(liar), witnessKey.verifierKey);
      await expect(wrong.blockStatement(0)).rejects.toThrow(
        /refused to state block 0: it stated block 1/,
      );
    } finally {
      await close(liar);
    }
  });

  test('keeps only its witness’s own signature line', async () => {
    const genuine = await new RemoteWitness(url, witnessKey.verifierKey).blockStatement(1);
    const other = noteSigner(generateNoteKey('witness.otherorg').signerKey);
    const padded = createServer((_request, response) => {
      response.end(`${genuine}${other.signatureLine('not the body\n')}`);
    });
    try {
      const note = await new RemoteWitness(
        await listen(padded),
        witnessKey.verifierKey,
      ).blockStatement(1);
      expect(note).toBe(genuine);
    } finally {
      await close(padded);
    }
  });

  test('reports a witness it cannot reach as unavailable', async () => {
    const gone = createServer();
    const address = await listen(gone);
    await close(gone);
    await expect(
      new RemoteWitness(address, witnessKey.verifierKey).blockStatement(1),
    ).rejects.toBeInstanceOf(WitnessUnavailable);
  });
});
