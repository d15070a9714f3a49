import { NoteError } from './signed-note';

/** A C2SP tlog-checkpoint body: origin, tree size, base64 root hash, each on its own line. */
export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: Buffer;
}

export function checkpointBody(checkpoint: Checkpoint): string {
  return `${checkpoint.origin}\n${checkpoint.size}\n${checkpoint.rootHash.toString('base64')}\n`;
}

export function parseCheckpoint(body: string): Checkpoint {
  const [origin, size, root] = body.split('\n');
  const rootHash = Buffer.from(root ?? '', 'base64');
  if (
    origin === undefined ||
    origin === '' ||
    size === undefined ||
    !/^(0|[1-9]\d*)$/.test(size) ||
    !Number.isSafeInteger(Number(size)) ||
    rootHash.length !== 32 ||
    rootHash.toString('base64') !== root
  ) {
    throw new NoteError('not a checkpoint: origin, tree size and root hash lines expected');
  }
  return { origin, size: Number(size), rootHash };
}
