import { rename, writeFile } from 'node:fs/promises';
import { readIfPresent } from '../files';
import {
  type BlockStatement,
  blockStatementBody,
  type Checkpoint,
  type NoteSigner,
  noteVerifier,
  openNote,
  parseCheckpoint,
  signNote,
  verifyConsistency,
} from '@audit-ledger/verifier';

export class WitnessRefusal extends Error {
  constructor(
    witness: string,
    readonly reason: string,
    /** What was refused, as in "refused to cosign". */
    act = 'cosign',
  ) {
    super(`${witness} refused to ${act}: ${reason}`);
    this.name = WitnessRefusal.name;
  }
}

/** A witness that gave no verdict now (down, or ahead of this log): ask again later. */
export class WitnessUnavailable extends Error {
  constructor(witness: string, reason: string) {
    super(`${witness} gave no verdict: ${reason}`);
    this.name = WitnessUnavailable.name;
  }
}

/** The witness's own peer has not reached the checkpoint's tree size yet: ask again later. */
export class WitnessBehind extends Error {
  constructor(message: string) {
    super(message);
    this.name = WitnessBehind.name;
  }
}

/** The witness last cosigned another tree size than the one the log proved consistency from. */
export class WitnessConflict extends Error {
  constructor(readonly lastSize: number) {
    super(`the witness last cosigned a tree of ${lastSize}`);
    this.name = WitnessConflict.name;
  }
}

/** A witness as the checkpoint log sees it, in this process or at another organisation. */
export interface CheckpointWitness {
  readonly name: string;
  /** The note with this witness's cosignature added; `proofFrom(size)` proves consistency. */
  cosign(note: string, proofFrom: (oldSize: number) => readonly Buffer[]): Promise<string>;
}

/**
 * The tree as the witness itself sees it: the root over the first `size` blocks its own
 * organisation's peer holds. Absent, the witness checks consistency only.
 */
export interface OwnView {
  readonly source: string;
  rootAt(size: number): Promise<Buffer>;
}

interface SeenState {
  size: number;
  rootHash: string;
}

/**
 * Another organisation's witness: it cosigns a log's checkpoint only if the log signed it and
 * the new tree provably extends the last tree this witness cosigned. Its memory of that tree
 * lives in its own file, so the log cannot quietly rewind or rewrite what was witnessed.
 */
export class Witness implements CheckpointWitness {
  /** Cosignings run one at a time: each starts from the tree the previous one remembered. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly signer: NoteSigner,
    private readonly logVerifierKey: string,
    private readonly stateFile: string,
    private seen: SeenState | undefined,
    private readonly ownView: OwnView | undefined,
  ) {}

  static async open(
    signer: NoteSigner,
    logVerifierKey: string,
    stateFile: string,
    ownView?: OwnView,
  ): Promise<Witness> {
    const remembered = await readIfPresent(stateFile);
    const seen = remembered === undefined ? undefined : (JSON.parse(remembered) as SeenState);
    return new Witness(signer, logVerifierKey, stateFile, seen, ownView);
  }

  get name(): string {
    return this.signer.name;
  }

  get verifierKey(): string {
    return this.signer.verifierKey;
  }

  /** The size of the last tree this witness cosigned (0 before the first). */
  get lastSize(): number {
    return this.seen?.size ?? 0;
  }

  /**
   * A signed note of what a block holds, by this witness's key. It takes the statement, not a
   * body: the one key that cosigns checkpoints must never sign text someone else composed.
   */
  signStatement(statement: BlockStatement): string {
    return signNote(blockStatementBody(statement), [this.signer]);
  }

  cosign(note: string, proofFrom: (oldSize: number) => readonly Buffer[]): Promise<string> {
    return this.addCheckpoint(this.lastSize, proofFrom(this.lastSize), note).then(
      (signature) => `${note}${signature}`,
    );
  }

  /**
   * C2SP tlog-witness `add-checkpoint`: the log claims the witness last cosigned `oldSize` and
   * proves the note's tree extends it. Answers this witness's signature line.
   */
  addCheckpoint(oldSize: number, proof: readonly Buffer[], note: string): Promise<string> {
    const next = this.queue.then(() => this.check(oldSize, proof, note));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async check(
    oldSize: number,
    consistencyProofFromLast: readonly Buffer[],
    note: string,
  ): Promise<string> {
    if (oldSize !== this.lastSize) {
      throw new WitnessConflict(this.lastSize);
    }
    const { body, verifiedBy } = openNote(note, [noteVerifier(this.logVerifierKey)]);
    if (verifiedBy.length === 0) {
      throw new WitnessRefusal(this.name, 'the checkpoint is not signed by the log');
    }
    const checkpoint: Checkpoint = parseCheckpoint(body);
    if (this.seen !== undefined) {
      if (checkpoint.size < this.seen.size) {
        throw new WitnessRefusal(
          this.name,
          `the tree shrank from ${this.seen.size} to ${checkpoint.size}`,
        );
      }
      const consistent = verifyConsistency(
        this.seen.size,
        checkpoint.size,
        Buffer.from(this.seen.rootHash, 'base64'),
        checkpoint.rootHash,
        consistencyProofFromLast,
      );
      if (!consistent) {
        throw new WitnessRefusal(
          this.name,
          `the tree of ${checkpoint.size} does not extend the tree of ${this.seen.size} it cosigned`,
        );
      }
    }
    if (this.ownView !== undefined) {
      const own = await this.ownView.rootAt(checkpoint.size);
      if (!own.equals(checkpoint.rootHash)) {
        throw new WitnessRefusal(
          this.name,
          `the tree of ${checkpoint.size} is not the tree of the blocks ${this.ownView.source} holds: a block differs`,
        );
      }
    }
    const seen = { size: checkpoint.size, rootHash: checkpoint.rootHash.toString('base64') };
    const temporary = `${this.stateFile}.tmp`;
    await writeFile(temporary, `${JSON.stringify(seen)}\n`);
    await rename(temporary, this.stateFile);
    this.seen = seen;
    return this.signer.signatureLine(body);
  }
}
