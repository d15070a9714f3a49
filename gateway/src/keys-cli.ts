import './fabric-logging';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROLES, type Role } from '@audit-ledger/chaincode';
import {
  apiKeyRecords,
  devKeyName,
  hashApiKey,
  keyName,
  mintApiKey,
  type ApiKeyRecord,
} from './auth/api-keys';
import { loadConfig, type Config } from './config';
import { enrollClientIdentity } from './fabric/ca-enrollment';
import { readConnectionFile } from './fabric/connection-file';
import { readIfPresent } from './files';

const USAGE = `usage: npm run keys -- add --name <name> --role <${ROLES.join('|')}> [--file <api-keys.json>]
       npm run keys -- list [--file <api-keys.json>]
       npm run keys -- remove --name <name> [--file <api-keys.json>]
The file defaults to API_KEYS_FILE; without one, list names the development keys.
Keys are stored only as SHA-256 hashes; a new key is printed once.`;

class UsageError extends Error {}

async function readRecords(file: string): Promise<ApiKeyRecord[]> {
  const text = await readIfPresent(file);
  return text === undefined ? [] : apiKeyRecords.parse(JSON.parse(text));
}

async function writeRecords(file: string, records: ApiKeyRecord[]): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(records, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, file);
}

/** On Fabric, a key's name gets its own identity from its role's organisation CA. */
async function enrollOnFabric(config: Config, name: string, role: Role): Promise<string> {
  if (config.ledger.kind !== 'fabric') {
    return '';
  }
  const { mspId, certificatePath } = await enrollClientIdentity({
    connection: await readConnectionFile(config.ledger.connectionFile),
    fabricBin: config.ledger.fabricBin,
    dataDir: config.dataDir,
    name,
    role,
  });
  return `enrolled ${name} with ${mspId}'s CA: ${certificatePath}\n`;
}

async function run(argv: string[]): Promise<string> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      role: { type: 'string' },
      file: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    return USAGE;
  }
  const config = loadConfig(process.env);
  const file = values.file ?? config.apiKeysFile;
  const [command] = positionals;
  if (file === undefined && command === 'list') {
    // Without a keys file the gateway runs on its development keys: name them, never the secrets.
    const names = ROLES.map((role) => `${devKeyName(role)}\t${role}`).join('\n');
    return `${names}\n(the development keys in ${join(config.dataDir, 'dev-keys.json')}; set API_KEYS_FILE for real ones)`;
  }
  if (file === undefined) {
    throw new UsageError('give --file or set API_KEYS_FILE');
  }
  const records = await readRecords(file);
  switch (command) {
    case 'add': {
      const name = keyName.safeParse(values.name);
      if (!name.success) {
        throw new UsageError(`--name ${name.error.issues[0]?.message ?? 'is required'}`);
      }
      const role = ROLES.find((candidate) => candidate === values.role);
      if (role === undefined) {
        throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
      }
      if (records.some((record) => record.name === name.data)) {
        throw new UsageError(`a key named ${name.data} already exists in ${file}`);
      }
      const enrolled = await enrollOnFabric(config, name.data, role);
      const key = mintApiKey();
      await writeRecords(file, [...records, { name: name.data, role, keyHash: hashApiKey(key) }]);
      return `${enrolled}added ${name.data} (${role}) to ${file}; the key, shown only now:\n${key}`;
    }
    case 'list':
      return records.map((record) => `${record.name}\t${record.role}`).join('\n');
    case 'remove': {
      const remaining = records.filter((record) => record.name !== values.name);
      if (remaining.length === records.length) {
        throw new UsageError(`no key named ${values.name ?? '(none given)'} in ${file}`);
      }
      await writeRecords(file, remaining);
      return `removed ${values.name ?? ''} from ${file}`;
    }
    default:
      throw new UsageError(USAGE);
  }
}

run(process.argv.slice(2)).then(
  (output) => {
    process.stdout.write(`${output}\n`);
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
