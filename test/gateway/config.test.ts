import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from '../../gateway/src/config.js';

const VALID_KEY = 'ab'.repeat(32);

/** The ConfigError loadConfig throws for `env`; fails the test when it does not throw one. */
function configErrorOf(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig defaults', () => {
  test('an empty environment gives port 8080, host 127.0.0.1, ./.data, embedded ledger, info', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      port: 8080,
      host: '127.0.0.1',
      metrics: { port: 9080, host: '127.0.0.1' },
      limits: { maxConnections: 1024, requestTimeoutMs: 30_000 },
      dataDir: resolve('.data'),
      ledger: { kind: 'embedded' },
      apiKeysFile: undefined,
      pseudonymKey: undefined,
      logLevel: 'info',
      logFormat: undefined,
      coalesceWindowMs: 2,
      coalesceMaxEntries: 500,
      batchTransactionSize: 500,
      events: {
        heartbeatMs: 15_000,
        keepDays: 7,
        webhookRetry: {
          baseDelayMs: 1_000,
          maxDelayMs: 3_600_000,
          maxAttempts: 16,
          timeoutMs: 10_000,
        },
      },
      compliance: { sweepIntervalMs: 30_000, sequenceGapGraceMs: 900_000 },
      creditDetailsKey: undefined,
      retention: {
        sweepIntervalMs: 3_600_000,
        legalBasis: 'the retention period recorded with the entry (erasableAfter) has ended',
      },
    });
  });

  test('a webhook retry cap below its base delay is raised to the base', () => {
    const config = loadConfig({ WEBHOOK_RETRY_BASE_MS: '5000', WEBHOOK_RETRY_MAX_MS: '1000' });
    expect(config.events.webhookRetry).toMatchObject({ baseDelayMs: 5_000, maxDelayMs: 5_000 });
    expect(() => loadConfig({ WEBHOOK_MAX_ATTEMPTS: '0' })).toThrow(/WEBHOOK_MAX_ATTEMPTS/);
  });

  test('days of event bodies kept: 0 keeps none, a fraction or a negative is refused', () => {
    expect(loadConfig({ EVENTS_KEEP_DAYS: '0' }).events.keepDays).toBe(0);
    expect(loadConfig({ EVENTS_KEEP_DAYS: '30' }).events.keepDays).toBe(30);
    for (const bad of ['1.5', '-1', 'week']) {
      expect(() => loadConfig({ EVENTS_KEEP_DAYS: bad })).toThrow(/EVENTS_KEEP_DAYS/);
    }
  });

  test('the metrics listener sits beside the API port unless told otherwise', () => {
    expect(loadConfig({ PORT: '8081' }).metrics).toEqual({ port: 9081, host: '127.0.0.1' });
    expect(loadConfig({ PORT: '0' }).metrics.port).toBe(0);
    expect(loadConfig({ METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' }).metrics).toEqual({
      port: 9464,
      host: '0.0.0.0',
    });
  });

  test('coalescing and batch sizes are read as whole numbers', () => {
    const config = loadConfig({
      COALESCE_WINDOW_MS: '0',
      COALESCE_MAX_ENTRIES: '1',
      BATCH_TRANSACTION_SIZE: '1000',
    });
    expect([
      config.coalesceWindowMs,
      config.coalesceMaxEntries,
      config.batchTransactionSize,
    ]).toEqual([0, 1, 1000]);
  });

  test('dataDir is an absolute path even when DATA_DIR is relative', () => {
    const config = loadConfig({ DATA_DIR: 'some/relative/dir' });
    expect(config.dataDir).toBe(resolve(process.cwd(), 'some/relative/dir'));
    expect(config.dataDir.startsWith('/')).toBe(true);
  });

  test('the result is frozen', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(config.port).toBe(8080);
  });

  test('variables unrelated to the gateway are ignored', () => {
    expect(() => loadConfig({ HOME: '/root', PATH: '/bin', SOMETHING_ELSE: '!' })).not.toThrow();
  });
});

describe('loadConfig with valid settings', () => {
  test('every variable is read and converted', () => {
    const config = loadConfig({
      PORT: '0',
      HOST: '0.0.0.0',
      DATA_DIR: '/var/lib/audit',
      LEDGER: 'embedded',
      API_KEYS_FILE: 'keys.json',
      PSEUDONYM_KEY: VALID_KEY,
      LOG_LEVEL: 'debug',
    });
    expect(config.port).toBe(0);
    expect(config.host).toBe('0.0.0.0');
    expect(config.dataDir).toBe('/var/lib/audit');
    expect(config.ledger).toEqual({ kind: 'embedded' });
    expect(config.apiKeysFile).toBe(resolve('keys.json'));
    expect(config.pseudonymKey).toEqual({ key: Buffer.from(VALID_KEY, 'hex') });
    expect(config.logLevel).toBe('debug');
  });

  test('port bounds 0 and 65535 are accepted', () => {
    expect(loadConfig({ PORT: '0' }).port).toBe(0);
    expect(loadConfig({ PORT: '65535' }).port).toBe(65535);
  });

  test('a pseudonym key longer than 32 bytes, in upper case hex, is accepted', () => {
    const key = 'AB'.repeat(48);
    expect(loadConfig({ PSEUDONYM_KEY: key }).pseudonymKey).toEqual({
      key: Buffer.from(key, 'hex'),
    });
  });

  test('a pseudonym key file is resolved, never read here', () => {
    expect(loadConfig({ PSEUDONYM_KEY_FILE: 'consortium.key' }).pseudonymKey).toEqual({
      file: resolve('consortium.key'),
    });
  });

  test('the pseudonym key given both ways is refused', () => {
    expect(configErrorOf({ PSEUDONYM_KEY: VALID_KEY, PSEUDONYM_KEY_FILE: 'k' }).problems).toEqual([
      'PSEUDONYM_KEY_FILE: give the consortium pseudonym key once, as PSEUDONYM_KEY or as PSEUDONYM_KEY_FILE',
    ]);
  });

  test.each(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])(
    'LOG_LEVEL=%s is accepted',
    (level) => {
      expect(loadConfig({ LOG_LEVEL: level }).logLevel).toBe(level);
    },
  );
});

describe('loadConfig refuses invalid variables, naming them', () => {
  test.each([
    ['PORT', '70000'],
    ['PORT', 'abc'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['PORT', ''],
    ['COALESCE_WINDOW_MS', '1001'],
    ['COALESCE_MAX_ENTRIES', '0'],
    ['BATCH_TRANSACTION_SIZE', '2.5'],
    ['PSEUDONYM_KEY', 'ab'.repeat(31)],
    ['PSEUDONYM_KEY', 'zz'.repeat(32)],
    ['PSEUDONYM_KEY', `${VALID_KEY}a`],
    ['PSEUDONYM_KEY', 'xyz'],
    ['LEDGER', 'quantum'],
    ['FABRIC_DEVELOPMENT', 'yes'],
    ['LOG_LEVEL', 'loud'],
    ['LOG_FORMAT', 'xml'],
    ['HOST', ''],
    ['DATA_DIR', ''],
  ])('%s=%j', (variable, value) => {
    const error = configErrorOf({ [variable]: value });
    expect(error.name).toBe('ConfigError');
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(new RegExp(`^${variable}: `));
    expect(error.message).toContain(variable);
  });

  test('the LEDGER problem names both ledgers', () => {
    const error = configErrorOf({ LEDGER: 'quantum' });
    expect(error.problems[0]).toBe('LEDGER: must be embedded or fabric');
  });

  test('on Fabric the gateway must be told whose identities it holds', () => {
    const error = configErrorOf({ LEDGER: 'fabric' });
    expect(error.problems[0]).toMatch(/^FABRIC_ORGANIZATION: .*FABRIC_DEVELOPMENT=true/);
  });

  test('KINDS_MODULE adds kinds to an embedded ledger; a Fabric network has its chaincode’s', () => {
    expect(loadConfig({ KINDS_MODULE: 'pilot/kinds.js' }).ledger).toEqual({
      kind: 'embedded',
      kindsModule: resolve('pilot/kinds.js'),
    });
    const error = configErrorOf({
      LEDGER: 'fabric',
      FABRIC_DEVELOPMENT: 'true',
      KINDS_MODULE: 'pilot/kinds.js',
    });
    expect(error.problems[0]).toMatch(/^KINDS_MODULE: a Fabric network records the kinds/);
  });

  test('LEDGER=fabric reads the connection file, the organisation and development mode', () => {
    expect(
      loadConfig({ LEDGER: 'fabric', FABRIC_ORGANIZATION: 'CreditOrg', HOME: '/home/ops' }).ledger,
    ).toEqual({
      kind: 'fabric',
      connectionFile: resolve('network/.state/connection.json'),
      organization: 'CreditOrg',
      development: false,
      fabricBin: '/home/ops/.fabric/3.1.5/bin',
    });
    expect(
      loadConfig({
        LEDGER: 'fabric',
        FABRIC_DEVELOPMENT: 'true',
        FABRIC_CONNECTION: 'c.json',
        FABRIC_BIN: '/opt/fabric/bin',
      }).ledger,
    ).toEqual({
      kind: 'fabric',
      connectionFile: resolve('c.json'),
      organization: undefined,
      development: true,
      fabricBin: '/opt/fabric/bin',
    });
  });

  test('the PSEUDONYM_KEY problem says what is expected without quoting the value', () => {
    const value = 'cd'.repeat(20);
    const error = configErrorOf({ PSEUDONYM_KEY: value });
    expect(error.problems[0]).toContain('64 hex characters');
    expect(error.message).not.toContain(value);
  });

  test('several problems are reported together, each naming its variable', () => {
    const error = configErrorOf({
      PORT: 'abc',
      PSEUDONYM_KEY: 'xyz',
      LEDGER: 'quantum',
      LOG_LEVEL: 'loud',
    });
    expect(error.problems).toHaveLength(4);
    for (const variable of ['PORT', 'PSEUDONYM_KEY', 'LEDGER', 'LOG_LEVEL']) {
      expect(error.problems.filter((problem) => problem.startsWith(`${variable}: `))).toHaveLength(
        1,
      );
      expect(error.message).toContain(`  - ${variable}: `);
    }
    expect(error.message.startsWith('invalid configuration:\n')).toBe(true);
  });
});
