import { readFile } from 'node:fs/promises';
import { organizationGranting, standardConsortium, type Role } from '@audit-ledger/chaincode';
import { devKeyName } from '../auth/api-keys';
import { readIfPresent } from '../files';
import { LedgerError, type Principal } from '../ledger/ledger';
import { enrolledIdentityPath } from './ca-enrollment';
import type { ConnectionFile } from './connection-file';

/** An identity a Fabric CA enrolled: it signs a principal's proposals and transactions. */
export interface EnrolledIdentity {
  mspId: string;
  name: string;
  certificatePem: string;
  privateKeyPem: string;
}

/**
 * Maps each API key's principal to its own CA-enrolled identity in its role's organisation:
 * first one enrolled for this gateway (`npm run keys -- add`, see ca-enrollment),
 * then one the network enrolled under the same name; development keys take the network's
 * identity for their role. Only the organisations this gateway acts for are served.
 */
export class FabricIdentities {
  private readonly cache = new Map<string, Promise<EnrolledIdentity>>();

  constructor(
    private readonly connection: ConnectionFile,
    private readonly dataDir: string,
    private readonly organizations: ReadonlySet<string>,
  ) {}

  identityFor(principal: Principal): Promise<EnrolledIdentity> {
    const key = `${principal.role}/${principal.name}`;
    let identity = this.cache.get(key);
    if (identity === undefined) {
      identity = this.resolve(principal);
      this.cache.set(key, identity);
      identity.catch(() => this.cache.delete(key));
    }
    return identity;
  }

  private async resolve(principal: Principal): Promise<EnrolledIdentity> {
    const mspId = organizationGranting(standardConsortium, principal.role);
    if (!this.organizations.has(mspId)) {
      throw new LedgerError(
        'FORBIDDEN',
        `this gateway does not act for ${mspId}, the organisation of role ${principal.role}`,
      );
    }
    const base = enrolledIdentityPath(this.dataDir, mspId, principal.name);
    const certificatePem = await readIfPresent(`${base}.pem`);
    const privateKeyPem = await readIfPresent(`${base}.key`);
    if (certificatePem !== undefined && privateKeyPem !== undefined) {
      return { mspId, name: principal.name, certificatePem, privateKeyPem };
    }
    const files = this.networkIdentity(mspId, principal.name, principal.role);
    if (files === undefined) {
      throw new LedgerError(
        'FORBIDDEN',
        `API key ${principal.name} has no Fabric identity: enroll one with 'npm run keys -- add'`,
      );
    }
    return {
      mspId,
      name: files.name,
      certificatePem: await readFile(files.certPath, 'utf8'),
      privateKeyPem: await readFile(files.keyPath, 'utf8'),
    };
  }

  private networkIdentity(mspId: string, name: string, role: Role) {
    const identities = this.connection.organizations[mspId]?.identities ?? {};
    const byName = identities[name];
    if (byName !== undefined) {
      return byName.role === role ? { name, ...byName } : undefined;
    }
    if (name !== devKeyName(role)) {
      return undefined;
    }
    const forRole = Object.entries(identities).find(([, identity]) => identity.role === role);
    return forRole === undefined ? undefined : { name: forRole[0], ...forRole[1] };
  }
}
