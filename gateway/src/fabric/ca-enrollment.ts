import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  ROLE_ATTRIBUTE,
  organizationGranting,
  standardConsortium,
  type Role,
} from '@audit-ledger/chaincode';
import type { ConnectionFile } from './connection-file';

const run = promisify(execFile);

export class EnrollmentError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = EnrollmentError.name;
  }
}

/** Where an API key's enrolled identity lives under the gateway's data folder. */
export function enrolledIdentityPath(dataDir: string, mspId: string, name: string): string {
  return join(dataDir, 'fabric-identities', mspId, name);
}

/**
 * Registers `name` with its role's organisation CA, as that CA's registrar, with `audit.role`
 * in its enrollment certificate, then enrolls it: the certificate and its 0600 private key land
 * in DATA_DIR/fabric-identities/<MSP id>/. Runs Fabric CA's own client (`FABRIC_BIN`).
 */
export async function enrollClientIdentity(options: {
  connection: ConnectionFile;
  fabricBin: string;
  dataDir: string;
  name: string;
  role: Role;
}): Promise<{ mspId: string; certificatePath: string }> {
  const { connection, fabricBin, dataDir, name, role } = options;
  const mspId = organizationGranting(standardConsortium, role);
  const org = connection.organizations[mspId];
  if (org?.registrar === undefined) {
    throw new EnrollmentError(
      `the connection file holds no registrar of ${mspId}'s CA; run this where ${mspId}'s CA is administered`,
    );
  }
  const caFlags = ['--caname', org.ca.name, '--tls.certfiles', org.tlsRootCertPath];
  const secret = randomBytes(16).toString('hex');
  const client = join(fabricBin, 'fabric-ca-client');
  const work = await mkdtemp(join(tmpdir(), 'enroll-'));
  // Fabric CA's client reads each flag from its FABRIC_CA_CLIENT_* variable too: the secret
  // goes there, because arguments are visible to every local user (`ps`, /proc/<pid>/cmdline)
  // and end up in the message of a failed command, while the environment is this user's alone.
  const withSettings = (settings: Record<string, string>) => ({
    env: { ...process.env, ...settings },
  });
  try {
    await run(
      client,
      [
        'register',
        '-H',
        org.registrar.home,
        '-u',
        org.ca.url,
        ...caFlags,
        '--id.name',
        name,
        '--id.type',
        'client',
        '--id.attrs',
        `${ROLE_ATTRIBUTE}=${role}:ecert`,
        // The secret enrolls this identity once, here, and is worth nothing afterwards.
        '--id.maxenrollments',
        '1',
      ],
      withSettings({ FABRIC_CA_CLIENT_ID_SECRET: secret }),
    );
    // Enrollment takes the name and secret in the CA's URL, so the whole URL goes by variable.
    const { protocol, host } = new URL(org.ca.url);
    await run(
      client,
      [
        'enroll',
        '-H',
        work,
        ...caFlags,
        '--csr.cn',
        name,
        '--csr.names',
        `O=${mspId}`,
        '-M',
        join(work, 'msp'),
      ],
      withSettings({ FABRIC_CA_CLIENT_URL: `${protocol}//${name}:${secret}@${host}` }),
    );
    const [keyFile] = await readdir(join(work, 'msp/keystore'));
    if (keyFile === undefined) {
      throw new EnrollmentError(`the CA enrolled ${name} but wrote no key`);
    }
    const base = enrolledIdentityPath(dataDir, mspId, name);
    await mkdir(join(dataDir, 'fabric-identities', mspId), { recursive: true, mode: 0o700 });
    await writeFile(`${base}.key`, await readFile(join(work, 'msp/keystore', keyFile)), {
      mode: 0o600,
    });
    await writeFile(`${base}.pem`, await readFile(join(work, 'msp/signcerts/cert.pem')));
    return { mspId, certificatePath: `${base}.pem` };
  } catch (error) {
    if (error instanceof EnrollmentError) {
      throw error;
    }
    // fabric-ca-client's own message names the problem (e.g. "already registered"); the
    // secret is never part of it, nor of the command line a failed run's error repeats.
    const stderr = (error as { stderr?: string }).stderr ?? '';
    const reason = stderr.split('\n').find((line) => line.startsWith('Error:')) ?? 'it failed';
    throw new EnrollmentError(`${mspId}'s CA did not enroll ${name}: ${reason}`, error);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
