import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { peerOrganizations, standardConsortium } from '@audit-ledger/chaincode';
import { readOrCreateSecret } from '../files';
import type { BlockHeaderSource } from '../ledger/block-header-source';
import { CheckpointLog } from './checkpoint-log';
import { generateNoteKey, noteSigner, type NoteSigner } from '@audit-ledger/verifier';
import { Witness } from './witness';

/** A secret file's text, created on first use. */
async function readText(file: string, create: () => string): Promise<string> {
  return (await readOrCreateSecret(file, create)).text;
}

/** One witness per peer organisation; a majority of them must cosign a checkpoint. */
const PEER_ORGANIZATIONS = peerOrganizations(standardConsortium);
export const WITNESS_QUORUM = Math.floor(PEER_ORGANIZATIONS.length / 2) + 1;

/**
 * The embedded ledger's checkpoint log and its witnesses, with keys and witness memory kept in
 * `folder` (created on first use). In a multi-organisation deployment each witness runs at its
 * own organisation; here they are development stand-ins in one process.
 */
export async function openCheckpointLog(
  folder: string,
  source: BlockHeaderSource,
  logger: Logger,
): Promise<{ log: CheckpointLog; logSigner: NoteSigner; witnesses: Witness[] }> {
  await mkdir(folder, { recursive: true, mode: 0o700 });
  const origin = await readText(
    join(folder, 'origin'),
    () => `audit-ledger.local/embedded/${randomBytes(8).toString('hex')}`,
  );
  const signerFor = async (name: string, file: string) =>
    noteSigner(await readText(join(folder, file), () => generateNoteKey(name).signerKey));
  const logSigner = await signerFor(origin, 'log.key');
  const witnesses = await Promise.all(
    PEER_ORGANIZATIONS.map(async (mspId) =>
      Witness.open(
        await signerFor(`witness.${mspId.toLowerCase()}`, `witness-${mspId}.key`),
        logSigner.verifierKey,
        join(folder, `witness-${mspId}.seen.json`),
      ),
    ),
  );
  return {
    log: new CheckpointLog(origin, source, logSigner, witnesses, logger),
    logSigner,
    witnesses,
  };
}
