import { resolve } from 'node:path';
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

function wholeNumber(unit: string, min: number, max: number) {
  return z
    .string()
    .regex(/^\d+$/, `must be a whole number of ${unit}`)
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
}

const environment = z.object({
  PORT: z
    .string()
    .regex(/^\d{1,5}$/, 'must be a port number (0 picks a free one)')
    .transform(Number)
    .pipe(z.number().max(65535, 'must be at most 65535'))
    .default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  METRICS_PORT: z
    .string()
    .regex(/^\d{1,5}$/, 'must be a port number (0 picks a free one)')
    .transform(Number)
    .pipe(z.number().max(65535, 'must be at most 65535'))
    .optional(),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  MAX_CONNECTIONS: wholeNumber('connections', 1, 100_000).default(1024),
  REQUEST_TIMEOUT_MS: wholeNumber('milliseconds', 100, 600_000).default(30_000),
  DATA_DIR: z.string().min(1).default('.data'),
  LEDGER: z
    .enum(['embedded', 'fabric'], { error: 'must be embedded or fabric' })
    .default('embedded'),
  FABRIC_CONNECTION: z.string().min(1).default('network/.state/connection.json'),
  FABRIC_ORGANIZATION: z.string().min(1).optional(),
  FABRIC_BIN: z.string().min(1).optional(),
  HOME: z.string().optional(),
  FABRIC_DEVELOPMENT: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default('false')
    .transform((value) => value === 'true'),
  API_KEYS_FILE: z.string().min(1).optional(),
  KINDS_MODULE: z.string().min(1).optional(),
  PSEUDONYM_KEY: z
    .string()
    .regex(/^(?:[0-9a-fA-F]{2}){32,}$/, 'must be at least 64 hex characters (32 bytes)')
    .optional(),
  PSEUDONYM_KEY_FILE: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  LOG_FORMAT: z.enum(LOG_FORMATS, { error: 'must be json or pretty' }).optional(),
  COALESCE_WINDOW_MS: wholeNumber('milliseconds', 0, 1000).default(2),
  COALESCE_MAX_ENTRIES: wholeNumber('entries', 1, 1000).default(500),
  BATCH_TRANSACTION_SIZE: wholeNumber('entries', 1, 1000).default(500),
  EVENTS_HEARTBEAT_MS: wholeNumber('milliseconds', 100, 300_000).default(15_000),
  EVENTS_KEEP_DAYS: wholeNumber('days', 0, 36_500).default(7),
  WEBHOOK_RETRY_BASE_MS: wholeNumber('milliseconds', 10, 3_600_000).default(1_000),
  WEBHOOK_RETRY_MAX_MS: wholeNumber('milliseconds', 10, 86_400_000).default(3_600_000),
  WEBHOOK_MAX_ATTEMPTS: wholeNumber('attempts', 1, 100).default(16),
  WEBHOOK_TIMEOUT_MS: wholeNumber('milliseconds', 100, 120_000).default(10_000),
  COMPLIANCE_SWEEP_MS: wholeNumber('milliseconds', 100, 3_600_000).default(30_000),
  SEQUENCE_GAP_GRACE_MS: wholeNumber('milliseconds', 0, 604_800_000).default(900_000),
  RETENTION_SWEEP_MS: wholeNumber('milliseconds', 0, 86_400_000).default(3_600_000),
  CREDIT_DETAILS_KEY: z.string().min(1).optional(),
  RETENTION_LEGAL_BASIS: z
    .string()
    .min(1)
    .max(2000)
    .default('the retention period recorded with the entry (erasableAfter) has ended'),
});

/**
 * Which ledger the gateway runs on. On Fabric it acts for one organisation, holding only that
 * organisation's client identities; development mode lets one gateway hold all of them.
 */
export type LedgerConfig =
  | {
      kind: 'embedded';
      /** A CommonJS module exporting `kindVersions`, recorded besides the standard kinds. */
      kindsModule: string | undefined;
    }
  | {
      kind: 'fabric';
      /** The connection file `network/` writes (absolute path). */
      connectionFile: string;
      /** The MSP id this gateway acts for; undefined only in development mode. */
      organization: string | undefined;
      development: boolean;
      /** Fabric's programs (fabric-ca-client enrolls API keys' identities). */
      fabricBin: string;
    };

export type Config = Readonly<{
  port: number;
  host: string;
  /** Prometheus metrics are served on a listener of their own, never on the API's. */
  metrics: { port: number; host: string };
  /** The API listener's limits: connections at once, and how long a request may take to arrive. */
  limits: { maxConnections: number; requestTimeoutMs: number };
  /** Absolute path of the folder holding the ledger, identities and development keys. */
  dataDir: string;
  ledger: LedgerConfig;
  apiKeysFile: string | undefined;
  /**
   * The consortium pseudonym key, given as hex (`key`) or as a file holding that hex (`file`,
   * absolute); undefined: the embedded ledger makes its own, a Fabric gateway takes the file
   * its connection file names.
   */
  pseudonymKey: { key: Buffer } | { file: string } | undefined;
  logLevel: (typeof LOG_LEVELS)[number];
  /** Unset: readable on a terminal, JSON otherwise. */
  logFormat: LogFormat | undefined;
  /** Concurrent single writes of one identity wait this long to share a transaction. */
  coalesceWindowMs: number;
  /** At most this many single writes per shared transaction; 1 turns coalescing off. */
  coalesceMaxEntries: number;
  /** The batch endpoint's entries go out in transactions of this size. */
  batchTransactionSize: number;
  /** Events and webhooks: an idle stream's heartbeat, and how webhooks are retried. */
  events: {
    heartbeatMs: number;
    /** Days of entries the events database keeps whole; older events are read from blocks. */
    keepDays: number;
    webhookRetry: {
      baseDelayMs: number;
      maxDelayMs: number;
      maxAttempts: number;
      timeoutMs: number;
    };
  };
  /** How often compliance deadlines are checked, and how long a `sourceSeq` gap may last. */
  compliance: { sweepIntervalMs: number; sequenceGapGraceMs: number };
  /**
   * The API key the gateway acts as for credit details (a credit writer's or a regulator's):
   * the retention sweep erases as it, and the compliance rules read credit changes as it.
   * Undefined: the development regulator's, where the gateway made development keys; otherwise
   * no sweep, and rules that see no credit change.
   */
  creditDetailsKey: string | undefined;
  /** The retention sweep: how often it erases what is due (0: never), citing what. */
  retention: { sweepIntervalMs: number; legalBasis: string };
}>;

export class ConfigError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = ConfigError.name;
    this.problems = problems;
  }
}

/**
 * Reads the environment once; nothing else in the gateway reads process.env (fabric-logging
 * only sets a default for fabric-shim's own logger).
 */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = environment.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
  }
  const values = parsed.data;
  if (
    values.LEDGER === 'fabric' &&
    values.FABRIC_ORGANIZATION === undefined &&
    !values.FABRIC_DEVELOPMENT
  ) {
    throw new ConfigError([
      "FABRIC_ORGANIZATION: name the organisation (MSP id) this gateway acts for, or set FABRIC_DEVELOPMENT=true to hold every organisation's identities",
    ]);
  }
  if (values.PSEUDONYM_KEY !== undefined && values.PSEUDONYM_KEY_FILE !== undefined) {
    throw new ConfigError([
      'PSEUDONYM_KEY_FILE: give the consortium pseudonym key once, as PSEUDONYM_KEY or as PSEUDONYM_KEY_FILE',
    ]);
  }
  if (values.LEDGER === 'fabric' && values.KINDS_MODULE !== undefined) {
    throw new ConfigError([
      'KINDS_MODULE: a Fabric network records the kinds its chaincode was built with; add a kind to chaincode/src/kinds and deploy it instead',
    ]);
  }
  const ledger: LedgerConfig =
    values.LEDGER === 'embedded'
      ? {
          kind: 'embedded',
          kindsModule: values.KINDS_MODULE === undefined ? undefined : resolve(values.KINDS_MODULE),
        }
      : {
          kind: 'fabric',
          connectionFile: resolve(values.FABRIC_CONNECTION),
          organization: values.FABRIC_ORGANIZATION,
          development: values.FABRIC_DEVELOPMENT,
          fabricBin: resolve(values.FABRIC_BIN ?? `${values.HOME ?? ''}/.fabric/3.1.5/bin`),
        };
  return Object.freeze({
    port: values.PORT,
    host: values.HOST,
    // Beside the API port by default (8080 → 9080), so that gateways side by side do not collide.
    metrics: Object.freeze({
      port: values.METRICS_PORT ?? (values.PORT === 0 ? 0 : Math.min(values.PORT + 1000, 65535)),
      host: values.METRICS_HOST,
    }),
    limits: Object.freeze({
      maxConnections: values.MAX_CONNECTIONS,
      requestTimeoutMs: values.REQUEST_TIMEOUT_MS,
    }),
    dataDir: resolve(values.DATA_DIR),
    ledger: Object.freeze(ledger),
    apiKeysFile: values.API_KEYS_FILE === undefined ? undefined : resolve(values.API_KEYS_FILE),
    pseudonymKey:
      values.PSEUDONYM_KEY !== undefined
        ? { key: Buffer.from(values.PSEUDONYM_KEY, 'hex') }
        : values.PSEUDONYM_KEY_FILE !== undefined
          ? { file: resolve(values.PSEUDONYM_KEY_FILE) }
          : undefined,
    logLevel: values.LOG_LEVEL,
    logFormat: values.LOG_FORMAT,
    coalesceWindowMs: values.COALESCE_WINDOW_MS,
    coalesceMaxEntries: values.COALESCE_MAX_ENTRIES,
    batchTransactionSize: values.BATCH_TRANSACTION_SIZE,
    events: Object.freeze({
      heartbeatMs: values.EVENTS_HEARTBEAT_MS,
      keepDays: values.EVENTS_KEEP_DAYS,
      webhookRetry: Object.freeze({
        baseDelayMs: values.WEBHOOK_RETRY_BASE_MS,
        maxDelayMs: Math.max(values.WEBHOOK_RETRY_BASE_MS, values.WEBHOOK_RETRY_MAX_MS),
        maxAttempts: values.WEBHOOK_MAX_ATTEMPTS,
        timeoutMs: values.WEBHOOK_TIMEOUT_MS,
      }),
    }),
    compliance: Object.freeze({
      sweepIntervalMs: values.COMPLIANCE_SWEEP_MS,
      sequenceGapGraceMs: values.SEQUENCE_GAP_GRACE_MS,
    }),
    creditDetailsKey: values.CREDIT_DETAILS_KEY,
    retention: Object.freeze({
      sweepIntervalMs: values.RETENTION_SWEEP_MS,
      legalBasis: values.RETENTION_LEGAL_BASIS,
    }),
  });
}
