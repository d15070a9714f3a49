import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Express } from 'express';
import type { Logger } from 'pino';
import { createApp, createMetricsApp } from './app';
import {
  ApiKeyRegistry,
  devKeyName,
  devKeyRecords,
  loadOrCreateDevKeys,
  readApiKeysFile,
} from './auth/api-keys';
import { isErased, type AuditEntry, type ChannelRecord } from '@audit-ledger/chaincode';
import { ConfigError, type Config } from './config';
import { LedgerError, type Ledger, type Principal } from './ledger/ledger';
import { Metrics } from './metrics';
import { openLedger, type OpenedLedger } from './open-ledger';
import { buildProofBundle } from './proof/bundle-builder';
import { checkBundle } from '@audit-ledger/verifier';
import { EntryService, type EntryAttestation } from './services/entry-service';
import { ErasureService } from './services/erasure-service';
import { readOrCreateSecret } from './files';
import { OutboxStore } from './outbox/outbox-store';
import { OutboxWorker } from './outbox/outbox-worker';
import { Pseudonymizer } from './services/pseudonymizer';
import { readPseudonymKeyFile, settlePseudonymKey } from './consortium-pseudonym-key';
import { QueryCursors } from './services/query-cursor';
import { standardRules } from './compliance/standard-rules';
import { EventFeed } from './events/event-feed';
import { WebhookDispatcher } from './events/webhook-dispatcher';

export const VERSION = '0.1.0';

export interface Gateway {
  app: Express;
  /** Prometheus metrics, for a listener of their own. */
  metricsApp: Express;
  ledger: Ledger;
  /** The file of development keys, when this start created it (to be pointed at once). */
  newDevKeysFile: string | undefined;
  /** Stops the outbox worker and event deliveries, then closes the ledger and the outbox. */
  close(): Promise<void>;
}

/**
 * The pseudonym key this gateway was given: configured, or the file its ledger names (the
 * embedded ledger makes its own on first start; a Fabric network's setup distributes one).
 */
async function pseudonymKeyOf(
  config: Config,
  opened: Pick<OpenedLedger, 'pseudonymKeyFile'>,
): Promise<Buffer | undefined> {
  const configured = config.pseudonymKey;
  if (configured !== undefined) {
    return 'key' in configured ? configured.key : readPseudonymKeyFile(configured.file);
  }
  if (config.ledger.kind === 'embedded' && opened.pseudonymKeyFile !== undefined) {
    await readOrCreateSecret(opened.pseudonymKeyFile, () => randomBytes(32).toString('hex'));
  }
  return opened.pseudonymKeyFile === undefined
    ? undefined
    : readPseudonymKeyFile(opened.pseudonymKeyFile);
}

/** Verification checks an entry's whole proof bundle where the gateway holds the trust file. */
function attestationOf(transparency: OpenedLedger['transparency']): EntryAttestation | undefined {
  const trust = transparency?.trust;
  if (transparency === undefined || trust === undefined) {
    return undefined;
  }
  return async (principal, id) =>
    checkBundle(
      await buildProofBundle(transparency.proofs, transparency.checkpoints, principal, id),
      trust,
    );
}

/** The key that seals page cursors: this gateway's own, made on first start. */
async function cursorKey(config: Config): Promise<Buffer> {
  const { text } = await readOrCreateSecret(join(config.dataDir, 'cursor.key'), () =>
    randomBytes(32).toString('hex'),
  );
  return Buffer.from(text, 'hex');
}

/**
 * The principal the gateway acts as for credit details (see Config.creditDetailsKey): a credit
 * writer or a regulator; undefined, and said so, when none is configured or made.
 */
function creditDetailsPrincipal(
  config: Config,
  apiKeys: ApiKeyRegistry,
  logger: Logger,
): Principal | undefined {
  const name =
    config.creditDetailsKey ??
    (config.apiKeysFile === undefined ? devKeyName('regulator') : undefined);
  const principal = name === undefined ? undefined : apiKeys.principalNamed(name);
  if (principal === undefined) {
    logger.warn(
      { key: name },
      name === undefined
        ? 'no CREDIT_DETAILS_KEY: no retention sweep, and compliance rules see no credit change'
        : 'CREDIT_DETAILS_KEY names no API key: no retention sweep, and compliance rules see no credit change',
    );
    return undefined;
  }
  if (principal.role !== 'credit-writer' && principal.role !== 'regulator') {
    throw new ConfigError([
      `CREDIT_DETAILS_KEY must name a credit writer's or a regulator's key, not a ${principal.role}'s`,
    ]);
  }
  return principal;
}

/** An entry whose details are held privately, whole, as `principal` reads it (EventFeedOptions). */
function detailsReader(ledger: Ledger, principal: Principal) {
  return async (record: ChannelRecord): Promise<AuditEntry | undefined> => {
    try {
      const read = await ledger.getEntry(principal, `${record.submitter.mspId}/${record.id}`);
      return isErased(read) ? undefined : read;
    } catch (error) {
      if (
        error instanceof LedgerError &&
        (error.code === 'NOT_FOUND' || error.code === 'FORBIDDEN')
      ) {
        return undefined;
      }
      throw error;
    }
  };
}

/** Erases what is due every `retention.sweepIntervalMs`, one sweep at a time, as `principal`. */
function startRetentionSweep(
  config: Config,
  principal: Principal | undefined,
  erasures: ErasureService,
  logger: Logger,
): { stop(): Promise<void> } {
  const { sweepIntervalMs, legalBasis } = config.retention;
  if (sweepIntervalMs === 0 || principal === undefined) {
    return { stop: () => Promise.resolve() };
  }
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    running ??= erasures
      .sweep(principal, { reason: 'retention period ended', legalBasis })
      .catch((error: unknown) => {
        logger.warn({ err: error }, 'the retention sweep failed; it runs again');
      })
      .finally(() => {
        running = undefined;
      });
  }, sweepIntervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

/** Everything the gateway needs, from configuration; the caller decides where it listens. */
export async function openGateway(config: Config, logger: Logger): Promise<Gateway> {
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });

  let newDevKeysFile: string | undefined;
  let apiKeys: ApiKeyRegistry;
  if (config.apiKeysFile === undefined) {
    const file = join(config.dataDir, 'dev-keys.json');
    const { keys, created } = await loadOrCreateDevKeys(file);
    newDevKeysFile = created ? file : undefined;
    apiKeys = new ApiKeyRegistry(devKeyRecords(keys));
  } else {
    apiKeys = new ApiKeyRegistry(await readApiKeysFile(config.apiKeysFile));
  }

  const opened = await openLedger(config, logger);
  const { ledger, kinds, transparency, peerCopies, committedBlocks } = opened;

  let key: Buffer | undefined;
  try {
    key = await settlePseudonymKey({
      ledger,
      kinds,
      organizations: opened.organizations,
      key: await pseudonymKeyOf(config, opened),
      logger,
    });
  } catch (error) {
    await ledger.close();
    throw error;
  }
  const pseudonymizer = key === undefined ? undefined : new Pseudonymizer(key);
  const entries = new EntryService(
    ledger,
    kinds,
    pseudonymizer,
    new QueryCursors(await cursorKey(config)),
    config.batchTransactionSize,
    attestationOf(transparency),
  );
  const store = new OutboxStore(join(config.dataDir, 'outbox.sqlite'));
  const metrics = new Metrics();
  const worker = new OutboxWorker(store, entries, logger, (committed) => {
    metrics.countCommitted(ledger.kind, committed);
  });
  worker.start();
  const detailsPrincipal = creditDetailsPrincipal(config, apiKeys, logger);
  const feed = new EventFeed({
    file: join(config.dataDir, 'events.sqlite'),
    blocks: committedBlocks,
    rules: standardRules,
    ruleSettings: { sequenceGapGraceMs: config.compliance.sequenceGapGraceMs },
    sweepIntervalMs: config.compliance.sweepIntervalMs,
    keepDays: config.events.keepDays,
    ...(detailsPrincipal === undefined
      ? {}
      : { readDetails: detailsReader(ledger, detailsPrincipal) }),
    logger,
  });
  feed.start();
  const dispatcher = new WebhookDispatcher(
    feed,
    config.events.webhookRetry,
    logger,
    ({ committedAt }) => {
      if (committedAt !== undefined) {
        metrics.observeDelivery('webhook', committedAt);
      }
    },
  );
  dispatcher.start();
  const erasures = new ErasureService(ledger, kinds, logger, () => {
    store.forgetDropped();
  });
  const retentionSweep = startRetentionSweep(config, detailsPrincipal, erasures, logger);
  const app = createApp({
    ledger,
    kinds,
    entries,
    erasures,
    outbox: { store, worker },
    apiKeys,
    pseudonymizer,
    transparency,
    peerCopies,
    logger,
    metrics,
    version: VERSION,
    events: { feed, dispatcher, heartbeatMs: config.events.heartbeatMs },
  });
  return {
    app,
    metricsApp: createMetricsApp(metrics),
    ledger,
    newDevKeysFile,
    async close() {
      await retentionSweep.stop();
      await worker.stop();
      await dispatcher.stop();
      await feed.close();
      await ledger.close();
      store.close();
    },
  };
}
