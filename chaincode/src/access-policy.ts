import type { ClientIdentity } from 'fabric-shim-api';
import { grantsRole, type Consortium } from './consortium';
import { ContractError } from './contract-error';
import { ROLES, ROLE_ATTRIBUTE, type Role } from './roles';

/** Who is calling, as the certificate in the signed proposal says. */
export interface Caller {
  mspId: string;
  role: Role;
  /** The certificate's common name: the integrating system or person. */
  name: string;
  /** The certificate's subject distinguished name, as fabric-shim renders it. */
  subject: string;
  /** The writing system's identity recorded on each entry: `<mspId>/<name>`. */
  source: string;
}

function isRole(value: string | null): value is Role {
  return (ROLES as readonly (string | null)[]).includes(value);
}

/** Splits fabric-shim's `x509::/C=CN/O=Org/CN=name::/C=CN/.../CN=ca` id into its subject. */
function subjectOf(clientId: string): { subject: string; commonName: string | undefined } {
  const subject = clientId.split('::')[1] ?? '';
  const commonName = subject
    .split(/(?<!\\)\//)
    .find((part) => part.startsWith('CN='))
    ?.slice('CN='.length)
    .replaceAll('\\/', '/');
  return { subject, commonName };
}

/**
 * The caller, from its certificate: a role counts only when the consortium lets the caller's
 * organisation grant it, whatever the organisation's CA wrote into the certificate.
 */
export function identifyCaller(identity: ClientIdentity, consortium: Consortium): Caller {
  const role = identity.getAttributeValue(ROLE_ATTRIBUTE);
  if (!isRole(role)) {
    throw new ContractError(
      'FORBIDDEN',
      `the caller's certificate has no valid ${ROLE_ATTRIBUTE} attribute (one of ${ROLES.join(', ')})`,
    );
  }
  const mspId = identity.getMSPID();
  if (!grantsRole(consortium, mspId, role)) {
    throw new ContractError(
      'FORBIDDEN',
      `${mspId} may not grant the role ${role}: the consortium binds each role to the organisations that hold it`,
    );
  }
  const { subject, commonName } = subjectOf(identity.getID());
  if (commonName === undefined || commonName === '') {
    throw new ContractError('FORBIDDEN', "the caller's certificate has no common name");
  }
  return { mspId, role, name: commonName, subject, source: `${mspId}/${commonName}` };
}

/** Regulators read everything; a writer reads what its own organisation wrote. */
export function canRead(
  caller: Pick<Caller, 'mspId' | 'role'>,
  entry: { submitter: { mspId: string } },
): boolean {
  return caller.role === 'regulator' || entry.submitter.mspId === caller.mspId;
}
