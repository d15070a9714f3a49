import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { LedgerConfig } from '../config';
import { devKeyName } from '../auth/api-keys';
import {
  ROLES,
  organizationGranting,
  standardConsortium,
  standardKinds,
} from '@audit-ledger/chaincode';
import { BlockIndex } from './block-index';
import { readConnectionFile, type ConnectionFile } from './connection-file';
import { FabricIdentities } from './fabric-identities';
import { FabricLedger } from './fabric-ledger';
import { readIfPresent } from '../files';
import { CheckpointLog } from '../transparency/checkpoint-log';
import { WITNESS_QUORUM } from '../transparency/checkpoint-setup';
import { RemoteWitness } from '../transparency/remote-witness';
import { TransactionDisclosure } from './transaction-disclosure';
import { noteSigner } from '@audit-ledger/verifier';

export class FabricSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = FabricSetupError.name;
  }
}

async function readable(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whoever holds an organisation's client keys can write as that organisation, so outside
 * development a gateway must be given its own organisation's keys only.
 */
async function assertHoldsOnlyItsOwnKeys(
  connection: ConnectionFile,
  organization: string,
  dataDir: string,
) {
  for (const [mspId, org] of Object.entries(connection.organizations)) {
    if (mspId === organization) {
      continue;
    }
    const keys = [
      org.tlsClient?.keyPath,
      org.registrar?.home,
      join(dataDir, 'fabric-identities', mspId),
      ...Object.values(org.identities).map((identity) => identity.keyPath),
    ];
    for (const key of keys) {
      if (key !== undefined && (await readable(key))) {
        throw new FabricSetupError(
          `this ${organization} gateway would hold ${mspId}'s private keys (${key}); ` +
            `give it ${organization}'s own connection file and keys, or set FABRIC_DEVELOPMENT=true`,
        );
      }
    }
  }
}

/**
 * The channel's checkpoint log as this gateway publishes it: signed with the log key the
 * connection file names, cosigned by each organisation's own witness over HTTP.
 */
async function openCheckpoints(
  connection: ConnectionFile,
  source: FabricLedger,
  logger: Logger,
): Promise<CheckpointLog | undefined> {
  const { checkpoints } = connection;
  if (checkpoints === undefined) {
    return undefined;
  }
  const logKey = await readIfPresent(checkpoints.logKeyPath);
  if (logKey === undefined) {
    throw new FabricSetupError(`the checkpoint log key ${checkpoints.logKeyPath} is missing`);
  }
  return new CheckpointLog(
    checkpoints.origin,
    source,
    noteSigner(logKey.trim()),
    checkpoints.witnesses.map(({ url, verifierKey }) => new RemoteWitness(url, verifierKey)),
    logger,
  );
}

export async function openFabricLedger(
  config: Extract<LedgerConfig, { kind: 'fabric' }>,
  dataDir: string,
  logger: Logger,
): Promise<{
  ledger: FabricLedger;
  checkpoints: CheckpointLog | undefined;
  /** Bundles of the entry's transaction alone, stated by the witnesses, where there are some. */
  disclosure: TransactionDisclosure | undefined;
  /** The organisations this gateway acts for, its own first. */
  organizations: string[];
  /** The consortium pseudonym key file the connection file names for them, if any. */
  pseudonymKeyFile: string | undefined;
}> {
  const connection = await readConnectionFile(config.connectionFile);
  const known = Object.keys(connection.organizations);
  if (config.organization !== undefined && !known.includes(config.organization)) {
    throw new FabricSetupError(
      `FABRIC_ORGANIZATION=${config.organization} is not in ${config.connectionFile} (${known.join(', ')})`,
    );
  }
  if (!config.development && config.organization !== undefined) {
    await assertHoldsOnlyItsOwnKeys(connection, config.organization, dataDir);
  }
  const organizations =
    config.organization === undefined
      ? known
      : [
          config.organization,
          ...(config.development ? known.filter((o) => o !== config.organization) : []),
        ];
  if (connection.organizations[organizations[0] ?? '']?.tlsClient === undefined) {
    throw new FabricSetupError(
      `${config.connectionFile} holds no TLS client certificate of ${organizations[0] ?? 'this gateway'}: peers require mutual TLS`,
    );
  }
  // The index is given the private data of the collections its reader's organisation holds,
  // to post the partitions naming subjects: the reader is one of a holding organisation, if
  // the gateway acts for one.
  const holding = organizations.filter((mspId) =>
    standardConsortium.collections.some(({ members }) => members.includes(mspId)),
  );
  const readerRole = ROLES.find((role) =>
    (holding.length > 0 ? holding : organizations).includes(
      organizationGranting(standardConsortium, role),
    ),
  );
  if (readerRole === undefined) {
    throw new FabricSetupError(`no role belongs to ${organizations.join(', ')}`);
  }
  // The chaincode is built with the standard kinds.
  const kinds = standardKinds;
  const ledger = new FabricLedger({
    connection,
    kinds,
    identities: new FabricIdentities(connection, dataDir, new Set(organizations)),
    index: new BlockIndex(join(dataDir, 'fabric-blocks.sqlite'), {
      chaincode: connection.chaincode,
      kinds,
    }),
    organizations,
    // The network's own client identity of that role (as a development key would use it).
    indexReader: { name: devKeyName(readerRole), role: readerRole },
    logger,
  });
  ledger.start();
  return {
    ledger,
    checkpoints: await openCheckpoints(connection, ledger, logger),
    disclosure:
      connection.checkpoints === undefined
        ? undefined
        : new TransactionDisclosure(
            connection.checkpoints.witnesses.map(
              ({ url, verifierKey }) => new RemoteWitness(url, verifierKey),
            ),
            WITNESS_QUORUM,
          ),
    organizations,
    pseudonymKeyFile: organizations
      .map((mspId) => connection.organizations[mspId]?.pseudonymKeyPath)
      .find((path) => path !== undefined),
  };
}
