import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ROLE_ATTRIBUTE,
  organizationGranting,
  peerOrganizations,
  standardConsortium,
} from '@audit-ledger/chaincode';
import { readIfPresent } from '../files';
import type { Principal } from '../ledger/ledger';
import {
  createCertificateAuthority,
  issueClientIdentity,
  issueNodeIdentity,
  type CertificateAuthority,
  type Validity,
  type X509Identity,
} from './x509-identities';

const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000;

function defaultValidity(): Validity {
  const now = Date.now();
  return { notBefore: new Date(now - 24 * 3600 * 1000), notAfter: new Date(now + TEN_YEARS_MS) };
}

/**
 * The embedded ledger's development PKI, kept in a folder: one CA per organisation and one
 * client certificate per principal (API key name), carrying the principal's role as Fabric CA
 * would. Everything is created on first use and reused after a restart.
 */
export class IdentityDirectory {
  private readonly identities = new Map<string, Promise<X509Identity>>();

  private constructor(
    private readonly folder: string,
    private readonly authorities: ReadonlyMap<string, CertificateAuthority>,
  ) {}

  static async open(folder: string): Promise<IdentityDirectory> {
    const authorities = new Map<string, CertificateAuthority>();
    const { ordererOrganization } = standardConsortium;
    for (const mspId of [...peerOrganizations(standardConsortium), ordererOrganization]) {
      const orgFolder = join(folder, mspId);
      await mkdir(join(orgFolder, 'clients'), { recursive: true, mode: 0o700 });
      await mkdir(join(orgFolder, 'nodes'), { recursive: true, mode: 0o700 });
      const certificatePem = await readIfPresent(join(orgFolder, 'ca.pem'));
      const privateKeyPem = await readIfPresent(join(orgFolder, 'ca.key'));
      if (certificatePem !== undefined && privateKeyPem !== undefined) {
        authorities.set(mspId, { mspId, certificatePem, privateKeyPem });
        continue;
      }
      const ca = await createCertificateAuthority(mspId, defaultValidity());
      await writeFile(join(orgFolder, 'ca.key'), ca.privateKeyPem, { mode: 0o600 });
      await writeFile(join(orgFolder, 'ca.pem'), ca.certificatePem);
      authorities.set(mspId, ca);
    }
    return new IdentityDirectory(folder, authorities);
  }

  /** The organisations' root certificates (the orderer organisation's too): what a verifier trusts. */
  roots(): { mspId: string; certificatePem: string }[] {
    return [...this.authorities.values()].map(({ mspId, certificatePem }) => ({
      mspId,
      certificatePem,
    }));
  }

  /** The signing identity of an organisation's peer, or of the orderer. */
  node(mspId: string): Promise<X509Identity> {
    const unit = mspId === standardConsortium.ordererOrganization ? 'orderer' : 'peer';
    const name = `${unit}0.${mspId.toLowerCase()}`;
    return this.cached(`${mspId}/nodes/${name}`, async () => {
      const ca = this.authority(mspId);
      return issueNodeIdentity(ca, name, unit, defaultValidity());
    });
  }

  identityFor(principal: Principal): Promise<X509Identity> {
    const mspId = organizationGranting(standardConsortium, principal.role);
    return this.cached(`${mspId}/clients/${principal.name}.${principal.role}`, () =>
      issueClientIdentity(
        this.authority(mspId),
        principal.name,
        { [ROLE_ATTRIBUTE]: principal.role },
        defaultValidity(),
      ),
    );
  }

  private authority(mspId: string): CertificateAuthority {
    const ca = this.authorities.get(mspId);
    if (ca === undefined) {
      throw new Error(`no certificate authority for ${mspId}`);
    }
    return ca;
  }

  /** The identity stored at `path` (under the folder), issued and saved on first use. */
  private cached(path: string, issue: () => Promise<X509Identity>): Promise<X509Identity> {
    let identity = this.identities.get(path);
    if (identity === undefined) {
      identity = this.loadOrIssue(path, issue);
      this.identities.set(path, identity);
      // A failed issuance is retried on the next request instead of being cached.
      identity.catch(() => this.identities.delete(path));
    }
    return identity;
  }

  private async loadOrIssue(
    path: string,
    issue: () => Promise<X509Identity>,
  ): Promise<X509Identity> {
    const base = join(this.folder, path);
    const mspId = path.split('/')[0] ?? '';
    const certificatePem = await readIfPresent(`${base}.pem`);
    const privateKeyPem = await readIfPresent(`${base}.key`);
    if (certificatePem !== undefined && privateKeyPem !== undefined) {
      return { mspId, certificatePem, privateKeyPem };
    }
    const identity = await issue();
    await writeFile(`${base}.key`, identity.privateKeyPem, { mode: 0o600 });
    await writeFile(`${base}.pem`, identity.certificatePem);
    return identity;
  }
}
