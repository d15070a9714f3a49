import { rename, writeFile } from 'node:fs/promises';
import { readIfPresent } from '../files';
import { parseCheckpoint, type Checkpoint } from './checkpoint';
import { verifyConsistency } from './merkle-tree';
import { cosignNote, noteVerifier, openNote, type NoteSigner } from './signed-note';

export class WitnessRefusal extends Error {
  constructor(witness: string, reason: string) {
    super(`${witness} refused to cosign: ${reason}`);
    this.name = WitnessRefusal.name;
  }
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
export class Witness {
  private constructor(
    private readonly signer: NoteSigner,
    private readonly logVerifierKey: string,
    private readonly stateFile: string,
    private seen: SeenState | undefined,
  ) {}

  static async open(
    signer: NoteSigner,
    logVerifierKey: string,
    stateFile: string,
  ): Promise<Witness> {
    const remembered = await readIfPresent(stateFile);
    const seen = remembered === undefined ? undefined : (JSON.parse(remembered) as SeenState);
    return new Witness(signer, logVerifierKey, stateFile, seen);
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

  async cosign(note: string, consistencyProofFromLast: readonly Buffer[]): Promise<string> {
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
    const seen = { size: checkpoint.size, rootHash: checkpoint.rootHash.toString('base64') };
    const temporary = `${this.stateFile}.tmp`;
    await writeFile(temporary, `${JSON.stringify(seen)}\n`);
    await rename(temporary, this.stateFile);
    this.seen = seen;
    return cosignNote(note, [this.signer]);
  }
}
