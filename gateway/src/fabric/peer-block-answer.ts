import { createHash, createPrivateKey, randomBytes } from 'node:crypto';
import type * as grpc from '@grpc/grpc-js';
import { signers } from '@hyperledger/fabric-gateway';
import { common, msp, peer } from '@hyperledger/fabric-protos';
import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';
import type { EnrolledIdentity } from './fabric-identities';
import { PeerAnswerError, QUERY_CHAINCODE, type PeerBlockAnswer } from '@audit-ledger/verifier';

const ANSWER_TIMEOUT_MS = 10_000;

/** A `qscc GetBlockByNumber` proposal, signed by `identity` as Fabric's MSP requires. */
async function signedBlockQuery(
  identity: EnrolledIdentity,
  channel: string,
  blockNumber: number,
): Promise<peer.SignedProposal> {
  const creator = new msp.SerializedIdentity();
  creator.setMspid(identity.mspId);
  creator.setIdBytes(Buffer.from(identity.certificatePem));
  const creatorBytes = creator.serializeBinary();
  const nonce = randomBytes(24);

  const chaincodeId = new peer.ChaincodeID();
  chaincodeId.setName(QUERY_CHAINCODE);
  const extension = new peer.ChaincodeHeaderExtension();
  extension.setChaincodeId(chaincodeId);
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.ENDORSER_TRANSACTION);
  channelHeader.setChannelId(channel);
  // Peers refuse proposals whose time is outside their authentication window.
  channelHeader.setTimestamp(Timestamp.fromDate(new Date()));
  // Fabric derives a proposal's id from its nonce and creator, and checks that it does.
  channelHeader.setTxId(
    createHash('sha256').update(nonce).update(creatorBytes).digest().toString('hex'),
  );
  channelHeader.setExtension$(extension.serializeBinary());
  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setCreator(creatorBytes);
  signatureHeader.setNonce(nonce);
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());

  const input = new peer.ChaincodeInput();
  input.setArgsList(['GetBlockByNumber', channel, String(blockNumber)].map((a) => Buffer.from(a)));
  const spec = new peer.ChaincodeSpec();
  spec.setChaincodeId(chaincodeId);
  spec.setInput(input);
  const invocation = new peer.ChaincodeInvocationSpec();
  invocation.setChaincodeSpec(spec);
  const payload = new peer.ChaincodeProposalPayload();
  payload.setInput(invocation.serializeBinary());

  const proposal = new peer.Proposal();
  proposal.setHeader(header.serializeBinary());
  proposal.setPayload(payload.serializeBinary());
  const proposalBytes = proposal.serializeBinary();
  // Fabric's signer yields the low-S signatures that Fabric's MSP insists on.
  const sign = signers.newPrivateKeySigner(createPrivateKey(identity.privateKeyPem));
  const signed = new peer.SignedProposal();
  signed.setProposalBytes(proposalBytes);
  signed.setSignature(await sign(createHash('sha256').update(proposalBytes).digest()));
  return signed;
}

/** Asks one peer, over its gRPC connection, for a block, signed as `identity`. */
export async function peerBlockAnswer(
  client: grpc.Client,
  identity: EnrolledIdentity,
  channel: string,
  blockNumber: number,
): Promise<PeerBlockAnswer> {
  const request = await signedBlockQuery(identity, channel, blockNumber);
  const response = await new Promise<peer.ProposalResponse>((resolve, reject) => {
    client.makeUnaryRequest(
      '/protos.Endorser/ProcessProposal',
      (message: peer.SignedProposal) => Buffer.from(message.serializeBinary()),
      (bytes: Buffer) => peer.ProposalResponse.deserializeBinary(bytes),
      request,
      { deadline: Date.now() + ANSWER_TIMEOUT_MS },
      (error, answer) => {
        if (error !== null || answer === undefined) {
          reject(
            new PeerAnswerError(`the peer did not answer: ${error?.message ?? 'no response'}`),
          );
        } else {
          resolve(answer);
        }
      },
    );
  });
  const status = response.getResponse()?.getStatus() ?? 0;
  const endorsement = response.getEndorsement();
  if (status !== 200 || endorsement === undefined) {
    throw new PeerAnswerError(
      `the peer refused block ${blockNumber}: ${response.getResponse()?.getMessage() ?? 'unsigned answer'}`,
    );
  }
  return {
    proposalResponsePayload: Buffer.from(response.getPayload_asU8()).toString('base64'),
    endorser: Buffer.from(endorsement.getEndorser_asU8()).toString('base64'),
    signature: Buffer.from(endorsement.getSignature_asU8()).toString('base64'),
  };
}
