import { parseNote, noteVerifier, type NoteVerifier } from './signed-note';
import { WitnessRefusal, WitnessUnavailable, type CheckpointWitness } from './witness';

const REQUEST_TIMEOUT_MS = 10_000;

/** The request body of C2SP tlog-witness `add-checkpoint`. */
export function addCheckpointBody(oldSize: number, proof: readonly Buffer[], note: string): string {
  return `old ${oldSize}\n${proof.map((hash) => `${hash.toString('base64')}\n`).join('')}\n${note}`;
}

/**
 * Another organisation's witness, asked over HTTP with the C2SP tlog-witness protocol. Its
 * cosignature is checked against its verifier key before it is added to the note.
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
