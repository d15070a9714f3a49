import type { Logger } from 'pino';
import type { BlockHeaderSource } from '../ledger/block-header-source';
import {
  checkpointBody,
  consistencyProof,
  inclusionProof,
  leafHash,
  type NoteSigner,
  PackedHashes,
  rootHash,
  signNote,
} from '@audit-ledger/verifier';
import { WitnessRefusal, WitnessUnavailable, type CheckpointWitness } from './witness';

export interface SignedCheckpoint {
  origin: string;
  size: number;
  rootHash: string;
  /** The C2SP signed note: the log's signature and its witnesses' cosignatures. */
  note: string;
  cosignedBy: string[];
}

export class ProofRangeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = ProofRangeError.name;
  }
}

/**
 * The ledger's blocks as an RFC 9162 Merkle tree, published as signed checkpoints that other
 * organisations' witnesses cosign, with inclusion and consistency proofs on request.
 */
export class CheckpointLog {
  private latestCheckpoint: SignedCheckpoint | undefined;
  private pending: Promise<SignedCheckpoint> | undefined;
  /** A witness gave no verdict on the latest checkpoint: ask again, even at the same size. */
  private askAgain = false;

  constructor(
    readonly origin: string,
    private readonly source: BlockHeaderSource,
    private readonly signer: NoteSigner,
    private readonly witnesses: readonly CheckpointWitness[],
    private readonly logger: Logger,
  ) {}

  /** The checkpoint of the current tree, made (and cosigned) when the tree has grown. */
  latest(): Promise<SignedCheckpoint> {
    this.pending ??= this.refresh().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  async inclusion(block: number, size: number): Promise<{ leafHash: string; hashes: string[] }> {
    const leaves = await this.leaves(size);
    if (!(Number.isSafeInteger(block) && block >= 0 && block < size)) {
      throw new ProofRangeError(`block ${block} is not in a tree of ${size}`);
    }
    return {
      leafHash: (leaves.at(block) ?? Buffer.alloc(0)).toString('base64'),
      hashes: inclusionProof(leaves, block, size).map((hash) => hash.toString('base64')),
    };
  }

  async consistency(from: number, to: number): Promise<string[]> {
    const leaves = await this.leaves(to);
    if (!(Number.isSafeInteger(from) && from >= 0 && from <= to)) {
      throw new ProofRangeError(`no consistency proof from ${from} to ${to}`);
    }
    return consistencyProof(leaves, from, to).map((hash) => hash.toString('base64'));
  }

  /**
   * The tree's leaves, recomputed from the ledger's blocks each time, so that a rewritten block
   * shows as a tree the witnesses refuse. `atLeast`: the size a caller asked about.
   */
  private async leaves(atLeast = 0): Promise<PackedHashes> {
    const headers = await this.source.blockHeaderHashes();
    if (!(Number.isSafeInteger(atLeast) && atLeast >= 0 && atLeast <= headers.length)) {
      throw new ProofRangeError(`the tree has ${headers.length} leaves, not ${atLeast}`);
    }
    const leaves = new PackedHashes();
    for (let index = 0; index < headers.length; index += 1) {
      leaves.push(leafHash(headers.at(index) ?? Buffer.alloc(0)));
    }
    return leaves;
  }

  private async refresh(): Promise<SignedCheckpoint> {
    const leaves = await this.leaves();
    if (this.latestCheckpoint?.size === leaves.length && !this.askAgain) {
      return this.latestCheckpoint;
    }
    const root = rootHash(leaves);
    let note = signNote(
      checkpointBody({ origin: this.origin, size: leaves.length, rootHash: root }),
      [this.signer],
    );
    const cosignedBy: string[] = [];
    this.askAgain = false;
    for (const witness of this.witnesses) {
      try {
        note = await witness.cosign(note, (oldSize) =>
          consistencyProof(leaves, oldSize, leaves.length),
        );
        cosignedBy.push(witness.name);
      } catch (error) {
        if (error instanceof WitnessUnavailable) {
          this.logger.warn({ witness: witness.name, err: error }, 'witness gave no verdict');
          this.askAgain = true;
          continue;
        }
        if (!(error instanceof WitnessRefusal) && !(error instanceof RangeError)) {
          throw error;
        }
        // A refusal is the alarm this design exists for: publish without that cosignature.
        this.logger.error({ witness: witness.name, err: error }, 'witness refused the checkpoint');
      }
    }
    this.latestCheckpoint = {
      origin: this.origin,
      size: leaves.length,
      rootHash: root.toString('base64'),
      note,
      cosignedBy,
    };
    return this.latestCheckpoint;
  }
}
