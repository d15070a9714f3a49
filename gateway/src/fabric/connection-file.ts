import { readFile } from 'node:fs/promises';
import { z } from 'zod';

const credentialFiles = z.object({ certPath: z.string().min(1), keyPath: z.string().min(1) });

const organization = z.object({
  mspId: z.string().min(1),
  tlsRootCertPath: z.string().min(1),
  peer: z.object({ name: z.string(), endpoint: z.string().min(1), operationsUrl: z.string() }),
  ca: z.object({ name: z.string(), url: z.string() }),
  /** The gateway's TLS client certificate (peers require mutual TLS); only its own organisation's. */
  tlsClient: credentialFiles.optional(),
  /** The CA's registrar (its client home), where this organisation's CA is administered. */
  registrar: z.object({ home: z.string().min(1) }).optional(),
  /** The organisation's copy of the consortium pseudonym key, where it holds one. */
  pseudonymKeyPath: z.string().min(1).optional(),
  identities: z.record(z.string(), credentialFiles.extend({ role: z.string() })),
});

/** The file `network/` writes: what a gateway needs to reach the network and act in it. */
export const connectionFile = z.object({
  channel: z.string().min(1),
  chaincode: z.string().min(1),
  consensus: z.enum(['raft', 'bft']),
  orderers: z.object({
    tlsRootCertPath: z.string(),
    nodes: z.array(z.object({ name: z.string(), endpoint: z.string() })),
  }),
  organizations: z.record(z.string(), organization),
  /** The channel's checkpoint log: its origin and signing key, and each organisation's witness. */
  checkpoints: z
    .object({
      origin: z.string().min(1),
      logKeyPath: z.string().min(1),
      witnesses: z.array(
        z.object({ mspId: z.string().min(1), url: z.url(), verifierKey: z.string().min(1) }),
      ),
    })
    .optional(),
});

export type ConnectionFile = z.infer<typeof connectionFile>;
export type OrganizationConnection = z.infer<typeof organization>;

export class ConnectionFileError extends Error {
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = ConnectionFileError.name;
  }
}

export async function readConnectionFile(file: string): Promise<ConnectionFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConnectionFileError(
      file,
      `cannot be read (${(error as Error).message}); run 'npm run network:up' first`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConnectionFileError(file, 'is not JSON');
  }
  const parsed = connectionFile.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.')}: ${issue.message}`,
    );
    throw new ConnectionFileError(file, `is not a connection file: ${problems.join('; ')}`);
  }
  return parsed.data;
}
