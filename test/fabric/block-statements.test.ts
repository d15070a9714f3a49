/**
 * Each organisation's witness signs what a block holds (its envelopes' hashes and validation
 * codes) as its own peer served it. On the real network the three witnesses' statements of the
 * block of a freshly written entry agree with each other and with the block a peer serves, each
 * verifies by its witness's key, and the entry's transaction is among the hashes, VALID.
 */
import { common, peer } from '@hyperledger/fabric-protos';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { channelHeaderOf, headerFieldsOf } from '../../verifier/src/fabric/block-contents.js';
import { blockHeaderHash } from '../../verifier/src/fabric/block-header.js';
import {
  parseBlockStatement,
  type BlockStatement,
} from '../../verifier/src/transparency/block-statement.js';
import { RemoteWitness } from '../../gateway/src/transparency/remote-witness.js';
import { noteVerifier, openNote } from '../../verifier/src/transparency/signed-note.js';
import { WitnessUnavailable } from '../../gateway/src/transparency/witness.js';
import { sha256 } from '../support/fabric-blocks.js';
import { dataAccess, unique } from '../support/sample-entries.js';
import { recordEntries } from './ledger-calls.js';
import { CLIENTS, connectAs, readConnection, type Session } from './network.js';

let session: Session;
let origin: string;
let witnesses: { mspId: string; remote: RemoteWitness; verifierKey: string }[];

/** The block as the writer's own peer serves it (qscc), to compare the statements with. */
async function peerBlock(number: bigint): Promise<common.Block> {
  const bytes = await session.network
    .getContract('qscc')
    .evaluateTransaction('GetBlockByNumber', session.network.getName(), String(number));
  return common.Block.deserializeBinary(bytes);
}

/** Each witness's statement of `number`, checked to verify by that witness's key alone. */
async function statementsOf(number: number): Promise<BlockStatement[]> {
  return Promise.all(
    witnesses.map(async ({ remote, verifierKey }) => {
      const note = await remote.blockStatement(number);
      const verifier = noteVerifier(verifierKey);
      const { body, verifiedBy } = openNote(note, [verifier]);
      expect(verifiedBy).toEqual([verifier.name]);
      return parseBlockStatement(body);
    }),
  );
}

beforeAll(() => {
  const { checkpoints } = readConnection();
  if (checkpoints === undefined) {
    throw new Error('the connection file names no checkpoint witnesses');
  }
  origin = checkpoints.origin;
  witnesses = checkpoints.witnesses.map(({ mspId, url, verifierKey }) => ({
    mspId,
    verifierKey,
    remote: new RemoteWitness(url, verifierKey),
  }));
  session = connectAs(CLIENTS.sandbox.mspId, CLIENTS.sandbox.name);
});

afterAll(() => {
  session.close();
});

describe("the organisations' witnesses", () => {
  test('state the block of a fresh entry alike, as the peer serves it, the entry in it', async () => {
    expect(witnesses.map(({ mspId }) => mspId).sort()).toEqual([
      'CreditOrg',
      'RegulatorOrg',
      'SandboxOrg',
    ]);
    const { status, transactionId } = await recordEntries(session.contract, [
      dataAccess({ id: unique('block-statement') }),
    ]);
    const number = Number(status.blockNumber);
    const block = await peerBlock(status.blockNumber);
    const envelopes = block.getData()?.getDataList_asU8() ?? [];
    const position = envelopes.findIndex(
      (bytes) => channelHeaderOf(bytes).getTxId() === transactionId,
    );
    expect(position).toBeGreaterThanOrEqual(0);

    const statements = await statementsOf(number);
    const [own, ...others] = statements;
    expect(own).toEqual({
      origin,
      block: number,
      headerHash: blockHeaderHash(headerFieldsOf(block)),
      envelopeHashes: envelopes.map(sha256),
      validationCodes: [
        ...(block.getMetadata()?.getMetadataList_asU8()[
          common.BlockMetadataIndex.TRANSACTIONS_FILTER
        ] ?? []),
      ],
    });
    for (const other of others) {
      expect(other).toEqual(own);
    }
    expect(own?.envelopeHashes[position]).toEqual(sha256(envelopes[position] ?? new Uint8Array()));
    expect(own?.validationCodes[position]).toBe(peer.TxValidationCode.VALID);
  });

  test("state the channel's first block, its configuration, alike", async () => {
    const block = await peerBlock(0n);
    const statements = await statementsOf(0);
    for (const statement of statements) {
      expect(statement.headerHash).toEqual(blockHeaderHash(headerFieldsOf(block)));
      expect(statement.envelopeHashes).toEqual(
        (block.getData()?.getDataList_asU8() ?? []).map(sha256),
      );
    }
  });

  test('answer that they do not hold a block beyond the chain yet', async () => {
    const [first] = witnesses;
    await expect(first?.remote.blockStatement(1_000_000_000)).rejects.toBeInstanceOf(
      WitnessUnavailable,
    );
  }, 20_000);
});
