import { createHash } from 'node:crypto';
import { common } from '@hyperledger/fabric-protos';
import { LedgerError } from '../ledger/ledger';
import {
  blockInAnswer,
  type FabricProofBundle,
  type FabricTransactionBundle,
} from '@audit-ledger/verifier';

/** Where a bundle's block statements come from: the organisations' witnesses. */
export interface StatementWitness {
  readonly name: string;
  /** The witness's signed statement of the block's envelope hashes and validation codes. */
  blockStatement(block: number): Promise<string>;
}

/**
 * Reduces a bundle to the entry's own transaction: every other envelope of the block becomes its
 * SHA-256, and the witnesses' signed statements bind those hashes to the block's header. A
 * writer receives this when its entry shares a block with transactions it may not read.
 */
export class TransactionDisclosure {
  constructor(
    private readonly witnesses: readonly StatementWitness[],
    /** Statements needed, as the trust file's witness quorum. */
    private readonly quorum: number,
  ) {}

  async disclose(bundle: FabricProofBundle): Promise<FabricTransactionBundle> {
    const [answer] = bundle.peerBlocks;
    if (answer === undefined) {
      throw new LedgerError('LEDGER_UNAVAILABLE', 'no peer served the block');
    }
    const block = blockInAnswer(Buffer.from(answer.proposalResponsePayload, 'base64'));
    const header = block.getHeader() ?? new common.BlockHeader();
    const envelopes = block.getData()?.getDataList_asU8() ?? [];
    const transaction = envelopes[bundle.transactionIndex];
    if (transaction === undefined) {
      throw new LedgerError('INTERNAL', `block ${header.getNumber()} has no transaction there`);
    }
    const number = header.getNumber();
    const settled = await Promise.allSettled(
      this.witnesses.map((witness) => witness.blockStatement(number)),
    );
    const statements = settled.flatMap((result) =>
      result.status === 'fulfilled' ? [result.value] : [],
    );
    if (statements.length < this.quorum) {
      const reasons = settled.flatMap((result, index) =>
        result.status === 'rejected'
          ? [`${this.witnesses[index]?.name ?? '?'}: ${(result.reason as Error).message}`]
          : [],
      );
      throw new LedgerError(
        'LEDGER_UNAVAILABLE',
        `${statements.length} of ${this.witnesses.length} witnesses stated block ${number}, ${this.quorum} needed (${reasons.join('; ')})`,
      );
    }
    const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
    const { peerBlocks: _wholeBlock, ...entryParts } = bundle;
    return {
      ...entryParts,
      disclosure: 'transaction',
      block: {
        number,
        previousHash: base64(header.getPreviousHash_asU8()),
        dataHash: base64(header.getDataHash_asU8()),
        signatures: base64(
          block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.SIGNATURES] ??
            new Uint8Array(),
        ),
        transaction: base64(transaction),
        envelopeHashes: envelopes.map((bytes) =>
          createHash('sha256').update(bytes).digest('base64'),
        ),
      },
      statements,
    };
  }
}
