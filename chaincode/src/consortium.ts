import { ROLES, type Role } from './roles';

/**
 * Who is in the consortium and what each member's certificate authority may vouch for. A role
 * in a certificate counts only when it comes from an organisation that holds the role here: a
 * CA can put any attribute into the certificates it issues, so without this binding one
 * organisation could mint itself a regulator and read everything.
 */
export interface Consortium {
  /** The ordering service's organisation: it signs blocks, never entries. */
  readonly ordererOrganization: string;
  /** The organisations whose peers endorse and validate every transaction, in a fixed order. */
  readonly organizations: readonly ConsortiumMember[];
  /**
   * Private data collections: details only their members' peers hold, and can purge. The
   * channel holds the hash of each value, which proves it existed once it is gone.
   */
  readonly collections: readonly PrivateCollection[];
}

export interface PrivateCollection {
  /** The collection's name in the chaincode definition. */
  readonly name: string;
  /** The organisations whose peers hold its values and whose clients may read and write them. */
  readonly members: readonly string[];
}

export interface ConsortiumMember {
  /** The organisation's MSP id, as its peers and clients present it. */
  readonly mspId: string;
  /** The roles its certificate authority may grant with the `audit.role` attribute. */
  readonly roles: readonly Role[];
}

/** An organisation's MSP id, as it qualifies another organisation's entry id. */
export const MSP_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Where credit details live: the credit authority's and the regulator's peers only. */
export const CREDIT_DETAILS_COLLECTION = 'credit-details';

/** The district's consortium: the sandbox operator, the credit authority and the regulator. */
export const standardConsortium = defineConsortium({
  ordererOrganization: 'OrdererOrg',
  organizations: [
    { mspId: 'SandboxOrg', roles: ['sandbox-writer'] },
    { mspId: 'CreditOrg', roles: ['credit-writer'] },
    { mspId: 'RegulatorOrg', roles: ['regulator'] },
  ],
  collections: [{ name: CREDIT_DETAILS_COLLECTION, members: ['CreditOrg', 'RegulatorOrg'] }],
});

/** Checks a consortium's shape once, where it is declared, and freezes it. */
export function defineConsortium(consortium: Consortium): Consortium {
  const mspIds = [consortium.ordererOrganization, ...consortium.organizations.map((o) => o.mspId)];
  const invalid = mspIds.find((mspId) => !MSP_ID.test(mspId));
  if (invalid !== undefined) {
    throw new Error(`consortium: ${JSON.stringify(invalid)} is not a valid MSP id`);
  }
  if (new Set(mspIds).size !== mspIds.length) {
    throw new Error('consortium: an MSP id appears twice');
  }
  const unheld = ROLES.filter(
    (role) => !consortium.organizations.some((member) => member.roles.includes(role)),
  );
  if (unheld.length > 0) {
    throw new Error(`consortium: no organisation may grant ${unheld.join(', ')}`);
  }
  for (const collection of consortium.collections) {
    const strangers = collection.members.filter(
      (mspId) => !consortium.organizations.some((member) => member.mspId === mspId),
    );
    if (strangers.length > 0 || collection.members.length === 0) {
      throw new Error(
        `consortium: collection ${collection.name} needs members among the peer organisations`,
      );
    }
  }
  return Object.freeze({
    ordererOrganization: consortium.ordererOrganization,
    organizations: Object.freeze(
      consortium.organizations.map((member) =>
        Object.freeze({ mspId: member.mspId, roles: Object.freeze([...member.roles]) }),
      ),
    ),
    collections: Object.freeze(
      consortium.collections.map((collection) =>
        Object.freeze({ name: collection.name, members: Object.freeze([...collection.members]) }),
      ),
    ),
  });
}

/** Whether `mspId`'s peers and clients hold `collection`'s values. */
export function holdsCollection(
  consortium: Consortium,
  collection: string,
  mspId: string,
): boolean {
  return consortium.collections.some(
    (candidate) => candidate.name === collection && candidate.members.includes(mspId),
  );
}

/** The peer organisations' MSP ids, in the consortium's order. */
export function peerOrganizations(consortium: Consortium): string[] {
  return consortium.organizations.map((member) => member.mspId);
}

/** Whether certificates of `mspId` may carry `role`. */
export function grantsRole(consortium: Consortium, mspId: string, role: Role): boolean {
  return consortium.organizations.some(
    (member) => member.mspId === mspId && member.roles.includes(role),
  );
}

/** The first organisation that grants `role`: where a development identity of it is issued. */
export function organizationGranting(consortium: Consortium, role: Role): string {
  const member = consortium.organizations.find((candidate) => candidate.roles.includes(role));
  if (member === undefined) {
    // defineConsortium refuses a consortium where a role has no organisation.
    throw new Error(`no organisation grants ${role}`);
  }
  return member.mspId;
}
