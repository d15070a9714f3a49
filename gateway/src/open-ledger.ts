import { peerOrganizations, standardConsortium, type KindRegistry } from '@audit-ledger/chaincode';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './config';
import { EmbeddedLedger } from './embedded/embedded-ledger';
import { EmbeddedCommittedBlocks } from './embedded/embedded-committed-blocks';
import { LedgerStore } from './embedded/ledger-store';
import { openFabricLedger } from './fabric/open-fabric-ledger';
import { IdentityDirectory } from './identity/identity-directory';
import { CoalescingLedger } from './ledger/coalescing-ledger';
import type { CommittedBlocks } from './ledger/committed-blocks';
import type { Ledger } from './ledger/ledger';
import type { PeerCopies } from './ledger/peer-copies';
import type { ProofSource } from './proof/proof-source';
import { CHANNEL, TRUST_FORMAT, type TrustFile } from '@audit-ledger/verifier';
import type { TransactionDisclosure } from './fabric/transaction-disclosure';
import type { CheckpointLog } from './transparency/checkpoint-log';
import { WITNESS_QUORUM, openCheckpointLog } from './transparency/checkpoint-setup';

export interface OpenedLedger {
  /** The ledger the API uses, with concurrent single writes group-committed. */
  ledger: Ledger;
  /** The kinds its contract records. */
  kinds: KindRegistry;
  /** Proof bundles and checkpoints, where this ledger provides them. */
  transparency:
    | {
        proofs: ProofSource;
        checkpoints: CheckpointLog;
        /** What this ledger's bundles verify against, when the gateway holds it (embedded). */
        trust: TrustFile | undefined;
        /** How a bundle is reduced for a writer who may not read its whole block (Fabric). */
        disclosure?: TransactionDisclosure;
      }
    | undefined;
  /** Each organisation's copy of the ledger, where there are several (Fabric). */
  peerCopies: PeerCopies | undefined;
  /** The organisations this gateway acts for: every one on the embedded ledger. */
  organizations: string[];
  /** Where this gateway's pseudonym key lives when the configuration does not say. */
  pseudonymKeyFile: string | undefined;
  /** Every committed block's entries, for events and compliance rules. */
  committedBlocks: CommittedBlocks;
}

/** Opens the ledger the configuration names; the rest of the gateway sees only the port. */
export async function openLedger(config: Config, logger: Logger): Promise<OpenedLedger> {
  const coalescing = { windowMs: config.coalesceWindowMs, maxEntries: config.coalesceMaxEntries };
  if (config.ledger.kind === 'fabric') {
    const {
      ledger: fabric,
      checkpoints,
      disclosure,
      organizations,
      pseudonymKeyFile,
    } = await openFabricLedger(config.ledger, config.dataDir, logger);
    return {
      ledger: new CoalescingLedger(fabric, coalescing),
      kinds: fabric.kinds,
      // A Fabric gateway holds no trust file: regulators obtain theirs from the organisations.
      transparency:
        checkpoints === undefined
          ? undefined
          : { proofs: fabric, checkpoints, trust: undefined, disclosure },
      peerCopies: fabric,
      organizations,
      pseudonymKeyFile,
      committedBlocks: fabric.committedBlocks(),
    };
  }
  return openEmbeddedLedger({ ...config, ledger: config.ledger }, logger, coalescing);
}

async function openEmbeddedLedger(
  config: Config & { ledger: { kind: 'embedded' } },
  logger: Logger,
  coalescing: { windowMs: number; maxEntries: number },
): Promise<OpenedLedger> {
  const identities = await IdentityDirectory.open(join(config.dataDir, 'identities'));
  const { ordererOrganization } = standardConsortium;
  const endorsingOrganizations = peerOrganizations(standardConsortium);
  const store = new LedgerStore(join(config.dataDir, 'ledger.sqlite'));
  const embedded = new EmbeddedLedger(store, identities, standardConsortium, {
    kindsModule: config.ledger.kindsModule,
  });
  await embedded.start();
  const {
    log: checkpoints,
    logSigner,
    witnesses,
  } = await openCheckpointLog(join(config.dataDir, 'checkpoints'), embedded, logger);
  const roots = identities
    .roots()
    .map(({ mspId, certificatePem }) => ({ mspId, rootCertificates: [certificatePem] }));
  const trust: TrustFile = {
    format: TRUST_FORMAT,
    ledger: embedded.kind,
    channel: CHANNEL,
    organizations: roots.filter(({ mspId }) => mspId !== ordererOrganization),
    orderers: roots.filter(({ mspId }) => mspId === ordererOrganization),
    endorsementPolicy: { rule: 'MAJORITY', organizations: endorsingOrganizations },
    ordererSignaturesRequired: 1,
    validationReportsRequired: 2,
    checkpoints: {
      origin: checkpoints.origin,
      logKey: logSigner.verifierKey,
      witnessKeys: witnesses.map((witness) => witness.verifierKey),
      witnessQuorum: WITNESS_QUORUM,
    },
  };
  await writeFile(join(config.dataDir, 'trust.json'), `${JSON.stringify(trust, null, 2)}\n`);
  return {
    ledger: new CoalescingLedger(embedded, coalescing),
    kinds: embedded.kinds,
    transparency: { proofs: embedded, checkpoints, trust },
    peerCopies: undefined,
    organizations: endorsingOrganizations,
    // The embedded ledger is the whole consortium: it makes the key on its first start.
    pseudonymKeyFile: join(config.dataDir, 'pseudonym.key'),
    committedBlocks: new EmbeddedCommittedBlocks(store, (principal) =>
      embedded.readerFor(principal),
    ),
  };
}
