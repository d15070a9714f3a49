/**
 * Proof bundles from the real network's blocks, checked offline against the trust file
 * `network/` exports: a genuine bundle verifies (also with the network stopped), and each way
 * of tampering with Fabric's own bytes fails with its own reason.
 */
import { createPrivateKey, sign } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { common, msp, peer } from '@hyperledger/fabric-protos';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { wholeEntry } from '../../gateway/src/ledger/ledger.js';
import type { FabricProofBundle } from '../../verifier/src/proof-bundle.js';
import { trustFile, type TrustFile } from '../../verifier/src/transparency/trust-file.js';
import { checkBundle } from '../../verifier/src/bundle-checks.js';
import { startTestGateway, type TestGateway } from '../support/gateway-server.js';
import { runGatewayProgram } from '../support/processes.js';
import { dataAccess, unique } from '../support/sample-entries.js';
import { networkCommand, readConnection } from './network.js';

const STATE = resolve(__dirname, '../../network/.state');
const TRUST_FILE = join(STATE, 'trust.json');

let gateway: TestGateway;
let trust: TrustFile;
let bundle: FabricProofBundle;
let folder: string;

function reasons(candidate: FabricProofBundle, trusted = trust): string[] {
  return checkBundle(candidate, trusted).flatMap((check) =>
    check.ok ? [] : [check.reason ?? '?'],
  );
}

const decodeBase64 = (text: string) => Buffer.from(text, 'base64');
const encodeBase64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/** The block inside one peer's answer, to change and put back (the peer's signature then breaks). */
function answerParts(candidate: FabricProofBundle, index: number) {
  const answer = candidate.peerBlocks[index];
  if (answer === undefined) {
    throw new Error(`no peer answer ${index}`);
  }
  const payload = peer.ProposalResponsePayload.deserializeBinary(
    decodeBase64(answer.proposalResponsePayload),
  );
  const action = peer.ChaincodeAction.deserializeBinary(payload.getExtension_asU8());
  const response = action.getResponse() ?? new peer.Response();
  const block = common.Block.deserializeBinary(response.getPayload_asU8());
  return {
    block,
    /** Re-encodes the (changed) block into the answer. */
    store() {
      response.setPayload(block.serializeBinary());
      action.setResponse(response);
      payload.setExtension$(action.serializeBinary());
      answer.proposalResponsePayload = encodeBase64(payload.serializeBinary());
    },
  };
}

/** The entry's transaction in a block, to change and put back. */
function transactionParts(block: common.Block, index: number) {
  const data = block.getData() ?? new common.BlockData();
  const list = data.getDataList_asU8();
  const envelope = common.Envelope.deserializeBinary(list[index] ?? new Uint8Array());
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const header = payload.getHeader() ?? new common.Header();
  const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
  const transaction = peer.Transaction.deserializeBinary(payload.getData_asU8());
  const action = transaction.getActionsList()[0] ?? new peer.TransactionAction();
  const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
  const endorsed = actionPayload.getAction() ?? new peer.ChaincodeEndorsedAction();
  return {
    channelHeader,
    endorsed,
    store() {
      header.setChannelHeader(channelHeader.serializeBinary());
      payload.setHeader(header);
      actionPayload.setAction(endorsed);
      action.setPayload(actionPayload.serializeBinary());
      payload.setData(transaction.serializeBinary());
      envelope.setPayload(payload.serializeBinary());
      data.setDataList(
        list.map((bytes, at) => (at === index ? envelope.serializeBinary() : bytes)),
      );
      block.setData(data);
    },
  };
}

/** Signs a peer's answer again with that peer's own key, as a peer that lies would. */
async function resignAsPeer(candidate: FabricProofBundle, index: number): Promise<void> {
  const answer = candidate.peerBlocks[index];
  if (answer === undefined) {
    throw new Error(`no peer answer ${index}`);
  }
  const mspId = msp.SerializedIdentity.deserializeBinary(decodeBase64(answer.endorser)).getMspid();
  const keystore = join(STATE, 'orgs', mspId.toLowerCase(), 'identities/peer0/msp/keystore');
  const [keyFile = ''] = await readdir(keystore);
  const key = createPrivateKey(await readFile(join(keystore, keyFile), 'utf8'));
  answer.signature = encodeBase64(
    sign(
      'sha256',
      Buffer.concat([decodeBase64(answer.proposalResponsePayload), decodeBase64(answer.endorser)]),
      key,
    ),
  );
}

async function fetchBundle(id: string): Promise<FabricProofBundle> {
  const response = await gateway.request<FabricProofBundle>('GET', `/v1/entries/${id}/proof`, {
    key: gateway.keys.regulator,
  });
  expect(response.status, response.text).toBe(200);
  return response.body;
}

const ids = { first: unique('fabric-proof-first'), second: unique('fabric-proof-second') };

beforeAll(async () => {
  gateway = await startTestGateway();
  folder = await mkdtemp(join(tmpdir(), 'audit-fabric-bundles-'));
  for (const id of [ids.first, ids.second]) {
    const written = await gateway.request('POST', '/v1/entries', {
      key: gateway.keys['sandbox-writer'],
      body: dataAccess({ id }),
    });
    expect(written.status, written.text).toBe(201);
  }
  trust = trustFile.parse(JSON.parse(await readFile(TRUST_FILE, 'utf8')));
  bundle = await fetchBundle(ids.first);
});

afterAll(async () => {
  await gateway.close();
  await rm(folder, { recursive: true, force: true });
});

describe('a proof bundle from Fabric blocks', () => {
  test('carries the block as peers of two organisations signed it, and passes every check', () => {
    expect(bundle.ledger).toBe('fabric');
    expect(bundle.peerBlocks).toHaveLength(2);
    const checks = checkBundle(bundle, trust);
    expect(checks.filter((check) => !check.ok)).toEqual([]);
    // Raft: the leader's signature; SmartBFT: a quorum of the four consenters.
    expect(trust.ordererSignaturesRequired).toBe(readConnection().consensus === 'bft' ? 3 : 1);
    expect(checks.map((check) => check.check)).toEqual([
      'entry digest',
      'canonical entry',
      'peer answers',
      'channel',
      'transaction in block',
      'data hash',
      'creator signature',
      'transaction id',
      'submitter',
      'write set',
      'endorsement policy',
      'orderer signature',
      'validation code',
      'checkpoint signed by the log',
      'checkpoint origin',
      'checkpoint witnessed',
      'block in checkpoint',
    ]);
    // The reading organisation's own peer comes first.
    const first = bundle.peerBlocks[0]?.endorser ?? '';
    expect(msp.SerializedIdentity.deserializeBinary(decodeBase64(first)).getMspid()).toBe(
      'RegulatorOrg',
    );
  });

  test('a one-entry transaction’s bundle is at most 64 KB', () => {
    expect(Buffer.byteLength(JSON.stringify(bundle))).toBeLessThanOrEqual(64 * 1024);
  });

  test('a changed payload fails its digest; a changed byte in the block fails the data hash', async () => {
    const changedEntry = structuredClone(bundle);
    (wholeEntry(changedEntry.entry).payload as { outcome: string }).outcome = 'denied';
    expect(reasons(changedEntry)).toEqual(['ENTRY_DIGEST', 'ENTRY_MISMATCH']);

    const changedBlock = structuredClone(bundle);
    const parts = answerParts(changedBlock, 0);
    const transaction = transactionParts(parts.block, changedBlock.transactionIndex);
    transaction.channelHeader.setEpoch(1);
    transaction.store();
    parts.store();
    // Unsigned, the changed answer is not the peer's word; the other peer's block is used.
    expect(reasons(changedBlock)).toEqual(['PEER_ANSWER', 'VALIDATION_CODE']);
    // Signed by the reading organisation's own peer, the changed block fails on its bytes.
    await resignAsPeer(changedBlock, 0);
    expect(reasons(changedBlock)).toEqual(['DATA_HASH', 'CREATOR_SIGNATURE']);
  });

  test('a swapped endorsement signature fails that endorsement', async () => {
    const swapped = structuredClone(bundle);
    const parts = answerParts(swapped, 0);
    const transaction = transactionParts(parts.block, swapped.transactionIndex);
    const [one, two] = transaction.endorsed.getEndorsementsList();
    const signature = one?.getSignature_asU8() ?? new Uint8Array();
    one?.setSignature(two?.getSignature_asU8() ?? new Uint8Array());
    two?.setSignature(signature);
    transaction.store();
    parts.store();
    await resignAsPeer(swapped, 0);
    expect(reasons(swapped)).toEqual(
      expect.arrayContaining(['ENDORSEMENT_SIGNATURE', 'ENDORSEMENT_POLICY', 'DATA_HASH']),
    );
    expect(reasons(swapped)).not.toContain('PEER_ANSWER');
  });

  test('an endorsement claimed for another organisation is not trusted', async () => {
    const claimed = structuredClone(bundle);
    const parts = answerParts(claimed, 0);
    const transaction = transactionParts(parts.block, claimed.transactionIndex);
    const [endorsement] = transaction.endorsed.getEndorsementsList();
    const endorser = msp.SerializedIdentity.deserializeBinary(
      endorsement?.getEndorser_asU8() ?? new Uint8Array(),
    );
    endorser.setMspid(endorser.getMspid() === 'CreditOrg' ? 'RegulatorOrg' : 'CreditOrg');
    endorsement?.setEndorser(endorser.serializeBinary());
    transaction.store();
    parts.store();
    await resignAsPeer(claimed, 0);
    expect(reasons(claimed)).toEqual(expect.arrayContaining(['UNTRUSTED_CERTIFICATE']));
  });

  test('a transaction endorsed by one organisation only does not meet the policy', async () => {
    const alone = structuredClone(bundle);
    const parts = answerParts(alone, 0);
    const transaction = transactionParts(parts.block, alone.transactionIndex);
    transaction.endorsed.setEndorsementsList(
      transaction.endorsed.getEndorsementsList().slice(0, 1),
    );
    transaction.store();
    parts.store();
    await resignAsPeer(alone, 0);
    expect(reasons(alone)).toEqual(expect.arrayContaining(['ENDORSEMENT_POLICY']));
    expect(reasons(alone)).not.toContain('ENDORSEMENT_SIGNATURE');
  });

  test('a forged orderer signature fails the orderer check', async () => {
    const forged = structuredClone(bundle);
    const parts = answerParts(forged, 0);
    const metadata = parts.block.getMetadata() ?? new common.BlockMetadata();
    const list = metadata.getMetadataList_asU8();
    const signatures = common.Metadata.deserializeBinary(
      list[common.BlockMetadataIndex.SIGNATURES] ?? new Uint8Array(),
    );
    for (const signature of signatures.getSignaturesList()) {
      const bytes = Buffer.from(signature.getSignature_asU8());
      bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
      signature.setSignature(bytes);
    }
    metadata.setMetadataList(
      list.map((bytes, index) =>
        index === common.BlockMetadataIndex.SIGNATURES ? signatures.serializeBinary() : bytes,
      ),
    );
    parts.store();
    await resignAsPeer(forged, 0);
    expect(reasons(forged)).toEqual(['ORDERER_SIGNATURE']);
  });

  test('a peer that flips the validation flag in its copy is caught, even signing it itself', async () => {
    const flipped = structuredClone(bundle);
    const parts = answerParts(flipped, 1);
    const metadata = parts.block.getMetadata() ?? new common.BlockMetadata();
    const list = metadata.getMetadataList_asU8();
    const flags = Buffer.from(list[common.BlockMetadataIndex.TRANSACTIONS_FILTER] ?? []);
    flags[flipped.transactionIndex] = peer.TxValidationCode.MVCC_READ_CONFLICT;
    metadata.setMetadataList(
      list.map((bytes, index) =>
        index === common.BlockMetadataIndex.TRANSACTIONS_FILTER ? flags : bytes,
      ),
    );
    parts.store();
    await resignAsPeer(flipped, 1);
    expect(reasons(flipped)).toEqual(['VALIDATION_CODE', 'VALIDATION_CODE']);
    const detail = checkBundle(flipped, trust).find((check) => !check.ok)?.detail ?? '';
    expect(detail).toMatch(/marks the transaction MVCC_READ_CONFLICT/);
  });

  test('a block of another channel is refused', async () => {
    const foreign = structuredClone(bundle);
    const parts = answerParts(foreign, 0);
    const transaction = transactionParts(parts.block, foreign.transactionIndex);
    transaction.channelHeader.setChannelId('elsewhere');
    transaction.store();
    parts.store();
    await resignAsPeer(foreign, 0);
    expect(reasons(foreign)).toEqual(expect.arrayContaining(['CHANNEL_MISMATCH']));
    expect(reasons({ ...bundle, channel: 'elsewhere' })).toEqual(['LEDGER_MISMATCH']);
  });

  test('a truncated inclusion path and a checkpoint without cosignatures fail', () => {
    const truncated = structuredClone(bundle);
    expect(truncated.checkpoint.inclusion.length).toBeGreaterThan(0);
    truncated.checkpoint.inclusion.pop();
    expect(reasons(truncated)).toEqual(['INCLUSION_PROOF']);

    const uncosigned = structuredClone(bundle);
    const lines = uncosigned.checkpoint.note.split('\n');
    uncosigned.checkpoint.note = lines.filter((line) => !line.startsWith('— witness.')).join('\n');
    expect(reasons(uncosigned)).toEqual(['WITNESS_QUORUM']);
  });

  test('the checkpoint is cosigned by every organisation’s witness', async () => {
    const latest = await gateway.request<{ note: string; cosignedBy: string[] }>(
      'GET',
      '/v1/checkpoints/latest',
      { key: gateway.keys.regulator },
    );
    expect(latest.status).toBe(200);
    expect(latest.body.cosignedBy.sort()).toEqual([
      'witness.creditorg',
      'witness.regulatororg',
      'witness.sandboxorg',
    ]);
  });

  test('a second bundle and a consistency proof between their checkpoints verify offline', async () => {
    const older = bundle.checkpoint;
    const second = await fetchBundle(ids.second);
    const proof = await gateway.request<{ hashes: string[] }>(
      'GET',
      `/v1/proofs/consistency?from=${older.size}&to=${second.checkpoint.size}`,
      { key: gateway.keys.regulator },
    );
    expect(proof.status).toBe(200);
    await writeFile(join(folder, 'old.txt'), older.note);
    await writeFile(join(folder, 'new.txt'), second.checkpoint.note);
    await writeFile(join(folder, 'proof.json'), JSON.stringify(proof.body));
    const result = await runGatewayProgram('cli/audit-ledger.js', [
      'verify-consistency',
      join(folder, 'old.txt'),
      join(folder, 'new.txt'),
      join(folder, 'proof.json'),
      '--trust',
      TRUST_FILE,
    ]);
    expect(result.stdout).toMatch(/VERIFIED\n$/);
    expect(result.code).toBe(0);
  });

  test('npx audit-ledger verify passes the bundle with the whole network stopped', async () => {
    const file = join(folder, 'bundle.json');
    await writeFile(file, JSON.stringify(bundle));
    await gateway.close();
    const consensus = readConnection().consensus;
    await networkCommand('down');
    try {
      const result = await runGatewayProgram('cli/audit-ledger.js', [
        'verify',
        file,
        '--trust',
        TRUST_FILE,
      ]);
      expect(result.stdout).toMatch(
        new RegExp(
          `✓ orderer signature: \\d valid \\(${trust.ordererSignaturesRequired} required\\)`,
        ),
      );
      expect(result.stdout).toMatch(/VERIFIED\n$/);
      expect(result.code).toBe(0);
    } finally {
      await networkCommand('up', ...(consensus === 'bft' ? ['--bft'] : []));
      gateway = await startTestGateway();
    }
  });
});
