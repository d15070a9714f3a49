import { createHash } from 'node:crypto';
import { entryKey } from '@audit-ledger/chaincode/dist/entry-format';
import { common, ledger, msp, peer } from '@hyperledger/fabric-protos';
import { channelHeaderOf, headerFieldsOf, validationCodeName } from './fabric/block-contents';
import { blockHeaderBytes, blockHeaderHash } from './fabric/block-header';
import { blockInAnswer, type PeerBlockAnswer } from './fabric/signed-block';
import type { FabricProofBundle, FabricTransactionBundle } from './proof-bundle';
import { parseBlockStatement } from './transparency/block-statement';
import { noteVerifier, openNote } from './transparency/signed-note';
import type { TrustFile } from './transparency/trust-file';
import { fail, pass, type CheckResult } from './check-report';
import { commonNameOf, signatureHolds, type NodeUnit, type Roots } from './certificate-trust';
import { checkBlockInCheckpoint, checkEntry } from './entry-checks';
import {
  checkEndorsementPolicy,
  checkOrdererQuorum,
  checkValidationQuorum,
  endorsementPolicyAt,
} from './policy-checks';

const { TxValidationCode } = peer;
const { kvrwset } = ledger.rwset;

interface Identity {
  mspId: string;
  pem: string;
}

/** A block as one peer signed it, once its signature and shape are checked. */
interface OpenedAnswer {
  signer: Identity;
  block: common.Block;
  headerHash: Buffer;
}

function identityOf(serialized: Uint8Array): Identity {
  const identity = msp.SerializedIdentity.deserializeBinary(serialized);
  return { mspId: identity.getMspid(), pem: Buffer.from(identity.getIdBytes_asU8()).toString() };
}

function signed(
  signer: Identity,
  data: Uint8Array,
  signature: Uint8Array,
  roots: Roots,
  unit: NodeUnit,
  badSignatureReason: string,
): { ok: true } | { ok: false; reason: string; detail: string } {
  const holds = signatureHolds(signer, data, signature, roots, unit);
  if (holds === true) {
    return { ok: true };
  }
  return {
    ok: false,
    reason: holds.reason === 'BAD_SIGNATURE' ? badSignatureReason : holds.reason,
    detail: holds.detail,
  };
}

/** Checks a peer's signature over its answer and takes the block out of it. */
function openAnswer(answer: PeerBlockAnswer, trust: TrustFile): OpenedAnswer | CheckResult {
  const label = 'peer answer';
  const payload = Buffer.from(answer.proposalResponsePayload, 'base64');
  const endorser = Buffer.from(answer.endorser, 'base64');
  let signer: Identity;
  try {
    signer = identityOf(endorser);
  } catch {
    return fail(label, 'the answer names no peer identity', 'PEER_ANSWER');
  }
  const verdict = signed(
    signer,
    Buffer.concat([payload, endorser]),
    Buffer.from(answer.signature, 'base64'),
    trust.organizations,
    'peer',
    'PEER_ANSWER',
  );
  if (!verdict.ok) {
    return fail(label, `${signer.mspId}: ${verdict.detail}`, verdict.reason);
  }
  try {
    const block = blockInAnswer(payload);
    return { signer, block, headerHash: blockHeaderHash(headerFieldsOf(block)) };
  } catch {
    return fail(label, `${signer.mspId}'s peer signed something else than a block`, 'PEER_ANSWER');
  }
}

/** The parts of the entry's transaction that the checks read, decoded from its envelope. */
interface DecodedTransaction {
  envelope: common.Envelope;
  channelHeader: common.ChannelHeader;
  signatureHeader: common.SignatureHeader;
  creator: Identity;
  endorsedAction: peer.ChaincodeEndorsedAction;
  chaincodeAction: peer.ChaincodeAction;
}

function decodeTransaction(bytes: Uint8Array): DecodedTransaction {
  const envelope = common.Envelope.deserializeBinary(bytes);
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const header = payload.getHeader() ?? new common.Header();
  const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
  const signatureHeader = common.SignatureHeader.deserializeBinary(
    header.getSignatureHeader_asU8(),
  );
  const transaction = peer.Transaction.deserializeBinary(payload.getData_asU8());
  const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(
    transaction.getActionsList()[0]?.getPayload_asU8() ?? new Uint8Array(),
  );
  const endorsedAction = actionPayload.getAction() ?? new peer.ChaincodeEndorsedAction();
  const chaincodeAction = peer.ChaincodeAction.deserializeBinary(
    peer.ProposalResponsePayload.deserializeBinary(
      endorsedAction.getProposalResponsePayload_asU8(),
    ).getExtension_asU8(),
  );
  return {
    envelope,
    channelHeader,
    signatureHeader,
    creator: identityOf(signatureHeader.getCreator_asU8()),
    endorsedAction,
    chaincodeAction,
  };
}

/** The value the transaction wrote under `key` in the chaincode's namespace, if it did. */
function writtenValue(action: peer.ChaincodeAction, namespace: string, key: string) {
  const readWriteSet = ledger.rwset.TxReadWriteSet.deserializeBinary(action.getResults_asU8());
  const own = readWriteSet.getNsRwsetList().find((set) => set.getNamespace() === namespace);
  if (own === undefined) {
    return undefined;
  }
  const write = kvrwset.KVRWSet.deserializeBinary(own.getRwset_asU8())
    .getWritesList()
    .find((candidate) => candidate.getKey() === key && !candidate.getIsDelete());
  return write === undefined ? undefined : Buffer.from(write.getValue_asU8());
}

/** The certificates of the orderers whose signatures over the block's header hold. */
function validOrdererSigners(block: common.Block, trust: TrustFile): string[] {
  const headerBytes = blockHeaderBytes(headerFieldsOf(block));
  const signatures = common.Metadata.deserializeBinary(
    block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.SIGNATURES] ??
      new Uint8Array(),
  );
  const value = signatures.getValue_asU8();
  return signatures.getSignaturesList().flatMap((signature) => {
    const signatureHeader = signature.getSignatureHeader_asU8();
    const identifierHeader = signature.getIdentifierHeader_asU8();
    let signer: Identity | undefined;
    let signedHeader: Uint8Array;
    if (signatureHeader.length > 0) {
      signer = identityOf(
        common.SignatureHeader.deserializeBinary(signatureHeader).getCreator_asU8(),
      );
      signedHeader = signatureHeader;
    } else {
      // A BFT consenter names itself by its id in the channel configuration.
      const id = common.IdentifierHeader.deserializeBinary(identifierHeader).getIdentifier();
      const consenter = trust.consenters?.find((candidate) => candidate.id === id);
      signer = consenter && { mspId: consenter.mspId, pem: consenter.certificate };
      signedHeader = identifierHeader;
    }
    if (signer === undefined) {
      return [];
    }
    const holds = signatureHolds(
      signer,
      Buffer.concat([value, signedHeader, headerBytes]),
      signature.getSignature_asU8(),
      trust.orderers,
      'orderer',
    );
    return holds === true ? [createHash('sha256').update(signer.pem).digest('hex')] : [];
  });
}

/** Whether the decoded transaction is the entry's endorser transaction in block `number`. */
function isEntryTransaction(
  transaction: DecodedTransaction | undefined,
  entry: FabricProofBundle['entry'],
  number: number,
): transaction is DecodedTransaction {
  return (
    transaction !== undefined &&
    number === entry.blockNumber &&
    transaction.channelHeader.getTxId() === entry.txId &&
    transaction.channelHeader.getType() === common.HeaderType.ENDORSER_TRANSACTION
  );
}

function notInBlock(bundle: { entry: FabricProofBundle['entry']; transactionIndex: number }) {
  const { entry, transactionIndex } = bundle;
  return fail(
    'transaction in block',
    `no transaction ${entry.txId} at position ${transactionIndex} of block ${entry.blockNumber}`,
    'TX_NOT_IN_BLOCK',
  );
}

/**
 * The entry's transaction, whichever form carries it: the creator's signature and the
 * transaction id derived from it, the submitter the entry names, the write set, every
 * endorsement and the endorsement policy.
 */
function checkEndorsedTransaction(
  transaction: DecodedTransaction,
  { entry, canonicalEntry }: { entry: FabricProofBundle['entry']; canonicalEntry: string },
  trust: TrustFile,
): CheckResult[] {
  const { creator, signatureHeader, envelope, chaincodeAction, endorsedAction } = transaction;
  const checks: CheckResult[] = [];
  const creatorSigned = signed(
    creator,
    envelope.getPayload_asU8(),
    envelope.getSignature_asU8(),
    trust.organizations,
    'client',
    'CREATOR_SIGNATURE',
  );
  checks.push(
    creatorSigned.ok
      ? pass('creator signature', `${creator.mspId} signed the transaction`)
      : fail('creator signature', creatorSigned.detail, creatorSigned.reason),
  );
  const derivedTxId = createHash('sha256')
    .update(signatureHeader.getNonce_asU8())
    .update(signatureHeader.getCreator_asU8())
    .digest('hex');
  checks.push(
    derivedTxId === entry.txId
      ? pass('transaction id', 'derived from the creator and its nonce')
      : fail('transaction id', 'the id is not derived from its creator and nonce', 'TX_ID'),
  );
  const creatorName = commonNameOf(creator.pem);
  checks.push(
    entry.submitter.mspId === creator.mspId && entry.submitter.name === creatorName
      ? pass('submitter', `${creator.mspId}/${entry.submitter.name} is the transaction's creator`)
      : fail(
          'submitter',
          `the entry names ${entry.submitter.mspId}/${entry.submitter.name}, the creator is ${creator.mspId}/${creatorName ?? '?'}`,
          'SUBMITTER_MISMATCH',
        ),
  );

  const chaincode = trust.chaincode ?? '';
  let written: Buffer | undefined;
  try {
    written =
      chaincodeAction.getChaincodeId()?.getName() === chaincode
        ? writtenValue(chaincodeAction, chaincode, entryKey(entry.id, entry.submitter.mspId))
        : undefined;
  } catch {
    written = undefined;
  }
  checks.push(
    written?.equals(Buffer.from(canonicalEntry)) === true
      ? pass('write set', `${chaincode} wrote exactly this entry under its key`)
      : fail('write set', "the transaction's write set does not hold this entry", 'WRITE_SET'),
  );

  const endorsedBytes = endorsedAction.getProposalResponsePayload_asU8();
  const endorsers: string[] = [];
  for (const endorsement of endorsedAction.getEndorsementsList()) {
    let endorser: Identity;
    try {
      endorser = identityOf(endorsement.getEndorser_asU8());
    } catch {
      checks.push(
        fail('endorsement signature', 'an endorser is not an identity', 'ENDORSEMENT_SIGNATURE'),
      );
      continue;
    }
    const verdict = signed(
      endorser,
      Buffer.concat([endorsedBytes, endorsement.getEndorser_asU8()]),
      endorsement.getSignature_asU8(),
      trust.organizations,
      'peer',
      'ENDORSEMENT_SIGNATURE',
    );
    if (verdict.ok) {
      endorsers.push(endorser.mspId);
    } else {
      checks.push(
        fail('endorsement signature', `${endorser.mspId}: ${verdict.detail}`, verdict.reason),
      );
    }
  }
  checks.push(checkEndorsementPolicy(endorsers, endorsementPolicyAt(trust, entry.blockNumber)));
  return checks;
}

/**
 * A Fabric bundle, from Fabric's own bytes: the peers' signed answers, the block's channel,
 * data hash and header, the creator's signature and transaction id, the write set, every
 * endorsement and the policy, the orderers' signatures, the validation flags as peers of
 * several organisations hold them, and the block's inclusion in a witnessed checkpoint.
 */
function checkBlockBundle(bundle: FabricProofBundle, trust: TrustFile): CheckResult[] {
  const { entry } = bundle;
  const checks = checkEntry(entry, bundle.canonicalEntry);

  const answers: OpenedAnswer[] = [];
  for (const answer of bundle.peerBlocks) {
    const opened = openAnswer(answer, trust);
    if ('check' in opened) {
      checks.push(opened);
    } else {
      answers.push(opened);
    }
  }
  const first = answers[0];
  if (first === undefined || bundle.peerBlocks.length === 0) {
    checks.push(fail('peer answer', 'no peer signed the block', 'PEER_ANSWER'));
    return checks;
  }
  checks.push(
    pass(
      'peer answers',
      `the block as ${answers.map((answer) => answer.signer.mspId).join(', ')} peers signed it`,
    ),
  );
  const { block, headerHash } = first;
  const number = block.getHeader()?.getNumber() ?? -1;
  const data = block.getData()?.getDataList_asU8() ?? [];

  const foreign = data
    .map((bytes) => channelHeaderOf(bytes).getChannelId())
    .filter((channel) => channel !== trust.channel);
  checks.push(
    foreign.length === 0
      ? pass('channel', `every transaction of the block is on ${trust.channel}`)
      : fail('channel', `the block holds transactions of ${foreign[0] ?? ''}`, 'CHANNEL_MISMATCH'),
  );

  const transactionBytes = data[bundle.transactionIndex];
  let transaction: DecodedTransaction | undefined;
  try {
    transaction = transactionBytes === undefined ? undefined : decodeTransaction(transactionBytes);
  } catch {
    transaction = undefined;
  }
  if (!isEntryTransaction(transaction, entry, number)) {
    checks.push(notInBlock(bundle));
    return checks;
  }
  checks.push(
    pass(
      'transaction in block',
      `${entry.txId} at position ${bundle.transactionIndex} of block ${number}`,
    ),
  );

  const dataHash = createHash('sha256').update(Buffer.concat(data)).digest();
  checks.push(
    dataHash.equals(block.getHeader()?.getDataHash_asU8() ?? new Uint8Array())
      ? pass('data hash', `the header of block ${number} covers its transactions`)
      : fail('data hash', "the transactions do not hash to the header's data hash", 'DATA_HASH'),
  );

  checks.push(...checkEndorsedTransaction(transaction, bundle, trust));
  checks.push(checkOrdererQuorum(validOrdererSigners(block, trust), trust));

  const validating: string[] = [];
  for (const answer of answers) {
    const flags = answer.block.getMetadata()?.getMetadataList_asU8()[
      common.BlockMetadataIndex.TRANSACTIONS_FILTER
    ];
    const code = flags?.[bundle.transactionIndex];
    if (!answer.headerHash.equals(headerHash)) {
      checks.push(
        fail(
          'validation code',
          `${answer.signer.mspId}'s peer holds another block ${number}`,
          'VALIDATION_CODE',
        ),
      );
    } else if (code === TxValidationCode.VALID) {
      validating.push(answer.signer.mspId);
    } else {
      checks.push(
        fail(
          'validation code',
          `${answer.signer.mspId}'s peer marks the transaction ${validationCodeName(code)}`,
          'VALIDATION_CODE',
        ),
      );
    }
  }
  checks.push(checkValidationQuorum(validating, trust));

  checks.push(...checkBlockInCheckpoint(bundle.checkpoint, number, headerHash, trust));
  return checks;
}

/** The witnesses whose signed statements of the block agree with the bundle, or why none do. */
function witnessesAttesting(
  bundle: FabricTransactionBundle,
  headerHash: Buffer,
  trust: TrustFile,
): { witnesses: string[]; problems: CheckResult[]; codes: number[] } {
  const verifiers = trust.checkpoints.witnessKeys.map((key) => noteVerifier(key));
  const hashes = bundle.block.envelopeHashes;
  const witnesses: string[] = [];
  const problems: CheckResult[] = [];
  const codes: number[] = [];
  for (const note of bundle.statements) {
    let verifiedBy: string[];
    let statement: ReturnType<typeof parseBlockStatement>;
    try {
      const opened = openNote(note, verifiers);
      verifiedBy = opened.verifiedBy;
      statement = parseBlockStatement(opened.body);
    } catch (error) {
      problems.push(fail('block statement', (error as Error).message, 'BLOCK_STATEMENT'));
      continue;
    }
    const agrees =
      statement.origin === trust.checkpoints.origin &&
      statement.block === bundle.block.number &&
      statement.headerHash.equals(headerHash) &&
      statement.envelopeHashes.length === hashes.length &&
      statement.envelopeHashes.every((hash, index) => hash.toString('base64') === hashes[index]);
    if (!agrees) {
      problems.push(
        fail(
          'block statement',
          `${verifiedBy.join(', ') || 'an unknown key'} states another content of block ${statement.block}`,
          'BLOCK_STATEMENT',
        ),
      );
      continue;
    }
    for (const witness of verifiedBy) {
      if (!witnesses.includes(witness)) {
        witnesses.push(witness);
        codes.push(statement.validationCodes[bundle.transactionIndex] ?? -1);
      }
    }
  }
  return { witnesses, problems, codes };
}

/**
 * A Fabric bundle holding the entry's transaction alone: the block's header and the orderers'
 * signatures over it, the SHA-256 of every envelope, and witnesses' signed statements that
 * these are the block's envelopes and that the transaction is VALID. The data hash itself is
 * recomputed by each witness from its own peer's block; here, their quorum stands for it.
 */
function checkTransactionBundle(bundle: FabricTransactionBundle, trust: TrustFile): CheckResult[] {
  const { entry, block } = bundle;
  const checks = checkEntry(entry, bundle.canonicalEntry);
  const fields = {
    number: BigInt(block.number),
    previousHash: Buffer.from(block.previousHash, 'base64'),
    dataHash: Buffer.from(block.dataHash, 'base64'),
  };
  const headerHash = blockHeaderHash(fields);

  const { witnesses, problems, codes } = witnessesAttesting(bundle, headerHash, trust);
  checks.push(...problems);
  const required = trust.checkpoints.witnessQuorum;
  checks.push(
    witnesses.length >= required
      ? pass(
          'block statements',
          `${witnesses.join(', ')} state the block's ${block.envelopeHashes.length} envelope hashes (${required} required)`,
        )
      : fail(
          'block statements',
          `${witnesses.length} witnesses state this block's content, ${required} required`,
          'WITNESS_QUORUM',
        ),
  );

  const envelope = Buffer.from(block.transaction, 'base64');
  const ownHash = createHash('sha256').update(envelope).digest('base64');
  let transaction: DecodedTransaction | undefined;
  try {
    transaction = decodeTransaction(envelope);
  } catch {
    transaction = undefined;
  }
  if (
    block.envelopeHashes[bundle.transactionIndex] !== ownHash ||
    !isEntryTransaction(transaction, entry, block.number)
  ) {
    checks.push(notInBlock(bundle));
    return checks;
  }
  checks.push(
    pass(
      'transaction in block',
      `${entry.txId} at position ${bundle.transactionIndex} of block ${block.number}, other transactions by their hashes only`,
    ),
    transaction.channelHeader.getChannelId() === trust.channel
      ? pass('channel', `the transaction is on ${trust.channel}`)
      : fail(
          'channel',
          `the transaction is on ${transaction.channelHeader.getChannelId()}`,
          'CHANNEL_MISMATCH',
        ),
  );
  checks.push(...checkEndorsedTransaction(transaction, bundle, trust));

  const signed = new common.Block();
  const header = new common.BlockHeader();
  header.setNumber(block.number);
  header.setPreviousHash(fields.previousHash);
  header.setDataHash(fields.dataHash);
  signed.setHeader(header);
  const metadata = new common.BlockMetadata();
  const { SIGNATURES } = common.BlockMetadataIndex;
  metadata.setMetadataList(
    Array.from({ length: SIGNATURES + 1 }, (_unused, index) =>
      index === SIGNATURES ? Buffer.from(block.signatures, 'base64') : new Uint8Array(),
    ),
  );
  signed.setMetadata(metadata);
  checks.push(checkOrdererQuorum(validOrdererSigners(signed, trust), trust));

  const invalid = codes.filter((code) => code !== TxValidationCode.VALID);
  checks.push(
    invalid.length === 0 && codes.length > 0
      ? pass('validation code', `the witnesses' peers mark the transaction VALID`)
      : fail(
          'validation code',
          `a witness's peer marks the transaction ${validationCodeName(invalid[0])}`,
          'VALIDATION_CODE',
        ),
  );
  checks.push(...checkBlockInCheckpoint(bundle.checkpoint, block.number, headerHash, trust));
  return checks;
}

/**
 * A Fabric bundle, from Fabric's own bytes: with the whole block as peers signed it, or with
 * the entry's own transaction alone and the witnesses' statements of the block.
 */
export function checkFabricBundle(
  bundle: FabricProofBundle | FabricTransactionBundle,
  trust: TrustFile,
): CheckResult[] {
  return 'disclosure' in bundle
    ? checkTransactionBundle(bundle, trust)
    : checkBlockBundle(bundle, trust);
}
