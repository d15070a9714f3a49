import {
  NoteError,
  noteVerifier,
  type NoteVerifier,
  parseBlockStatement,
  parseNote,
} from '@audit-ledger/verifier';
import { WitnessRefusal, WitnessUnavailable, type CheckpointWitness } from './witness';

const REQUEST_TIMEOUT_MS = 10_000;

/** The request body of C2SP tlog-witness `add-checkpoint`. */
export function addCheckpointBody(oldSize: number, proof: readonly Buffer[], note: string): string {
  return `old ${oldSize}\n${proof.map((hash) => `${hash.toString('base64')}\n`).join('')}\n${note}`;
}

/**
 * Another organisation's witness, asked over HTTP with the C2SP tlog-witness protocol. Its
 * cosignature is checked against its verifier key before it is added to the note; so is its
 * signature on a statement of what a block holds.
 */
export class RemoteWitness implements CheckpointWitness {
  private readonly verifier: NoteVerifier;
  /** The tree size the witness last cosigned, as far as this log knows. */
  private lastSize = 0;

  constructor(
    private readonly url: string,
    verifierKey: string,
  ) {
    this.verifier = noteVerifier(verifierKey);
  }

  get name(): string {
    return this.verifier.name;
  }

  async cosign(note: string, proofFrom: (oldSize: number) => readonly Buffer[]): Promise<string> {
    let response = await this.post(note, proofFrom);
    if (response.status === 409) {
      // The witness says which tree it last cosigned: prove consistency from that one.
      this.lastSize = Number((await response.text()).trim());
      if (!Number.isSafeInteger(this.lastSize)) {
        throw new WitnessRefusal(this.name, 'it answered a conflict without its tree size');
      }
      const size = Number(parseNote(note).body.split('\n')[1]);
      if (this.lastSize > size) {
        // Another gateway of the channel had it cosign a larger tree: this log catches up.
        throw new WitnessUnavailable(
          this.name,
          `it has cosigned a tree of ${this.lastSize}, larger than ${size}`,
        );
      }
      response = await this.post(note, proofFrom);
    }
    const text = await response.text();
    if (response.status === 503) {
      throw new WitnessUnavailable(this.name, text.trim());
    }
    if (response.status !== 200) {
      throw new WitnessRefusal(this.name, `${response.status}: ${text.trim()}`);
    }
    const { body } = parseNote(note);
    const lines = parseNote(`${body}\n${text}`).signatures.filter(
      (signature) =>
        signature.name === this.verifier.name &&
        signature.keyId.equals(this.verifier.keyId) &&
        this.verifier.verify(body, signature.signature),
    );
    if (lines.length === 0) {
      throw new WitnessRefusal(this.name, 'its answer holds no valid cosignature');
    }
    this.lastSize = Number(body.split('\n')[1]);
    return `${note}${lines.map((line) => line.line).join('')}`;
  }

  /**
   * The witness's signed statement of block `block` as its own peer served it (see
   * block-statement.ts): a note carrying only this witness's signature, checked to verify by
   * its key and to state that block.
   */
  async blockStatement(block: number): Promise<string> {
    const act = `state block ${block}`;
    let status: number;
    let text: string;
    try {
      const response = await fetch(new URL(`block-transactions/${block}`, this.url), {
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      throw new WitnessUnavailable(this.name, (error as Error).message);
    }
    if (status === 503) {
      throw new WitnessUnavailable(this.name, text.trim());
    }
    if (status !== 200) {
      throw new WitnessRefusal(this.name, `${status}: ${text.trim()}`, act);
    }
    let note: ReturnType<typeof parseNote>;
    let stated: number;
    try {
      note = parseNote(text);
      stated = parseBlockStatement(note.body).block;
    } catch (error) {
      if (!(error instanceof NoteError)) {
        throw error;
      }
      throw new WitnessRefusal(this.name, error.message, act);
    }
    if (stated !== block) {
      throw new WitnessRefusal(this.name, `it stated block ${stated}`, act);
    }
    const { body } = note;
    // Only this witness's own line: another line naming a trusted key would fail a verifier.
    const line = note.signatures.find(
      (signature) =>
        signature.name === this.verifier.name &&
        signature.keyId.equals(this.verifier.keyId) &&
        this.verifier.verify(body, signature.signature),
    );
    if (line === undefined) {
      throw new WitnessRefusal(this.name, 'its answer holds no valid signature', act);
    }
    return `${body}\n${line.line}`;
  }

  private async post(
    note: string,
    proofFrom: (oldSize: number) => readonly Buffer[],
  ): Promise<Response> {
    try {
      return await fetch(new URL('add-checkpoint', this.url), {
        method: 'POST',
        body: addCheckpointBody(this.lastSize, proofFrom(this.lastSize), note),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new WitnessUnavailable(this.name, (error as Error).message);
    }
  }
}
