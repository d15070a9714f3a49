/**
 * The network's topology in one place: what the deployment adds to the contract's consortium
 * (chaincode/src/consortium.ts), which alone says who the organisations are and which roles their
 * CAs grant. network/lib/env.sh evaluates shellDeclarations(); the Fabric tests and the
 * multi-host scripts import the rest. Ports follow from each organisation's index in env.sh;
 * TypeScript reads them from the connection file.
 */
// The module, not the package's index: the index loads the contract runtime, which takes a
// quarter of a second and logs to stdout, where env.sh reads the declarations.
import { standardConsortium } from '@audit-ledger/chaincode/dist/consortium';

/** What the network gives a founding organisation beyond its place in the consortium. */
interface FoundingDeployment {
  /** The client identity its CA enrols at set-up, carrying the organisation's role. */
  readonly client: string;
  /** Places its CA's and its peer's ports (network/lib/env.sh). */
  readonly portIndex: number;
}

const FOUNDING = Object.freeze({
  SandboxOrg: Object.freeze({ client: 'sandbox-platform', portIndex: 1 }),
  CreditOrg: Object.freeze({ client: 'credit-system', portIndex: 2 }),
  RegulatorOrg: Object.freeze({ client: 'district-regulator', portIndex: 3 }),
}) satisfies Readonly<Record<string, FoundingDeployment>>;

/** The orderers' organisation places its ports first; members that join later choose theirs. */
const ORDERER_PORT_INDEX = 0;

/** Raft runs 3 orderers; SmartBFT needs 3f+1 = 4 to survive one failure. */
const ORDERERS_BY_CONSENSUS = Object.freeze({ raft: 3, bft: 4 });

/** The contract every peer runs; any other (the benchmark's floor) names its own services. */
const AUDIT_CONTRACT = 'audit';

export type FoundingOrganization = keyof typeof FOUNDING;

function isFounding(mspId: string): mspId is FoundingOrganization {
  return Object.hasOwn(FOUNDING, mspId);
}

export const ORDERER_ORGANIZATION = standardConsortium.ordererOrganization;

/** The organisations that found the channel, in the consortium's order. */
export const FOUNDING_ORGANIZATIONS: readonly FoundingOrganization[] = Object.freeze(
  standardConsortium.organizations.map(({ mspId }) => {
    if (!isFounding(mspId)) {
      throw new Error(`topology: the consortium's ${mspId} has no client identity or port index`);
    }
    return mspId;
  }),
);
if (FOUNDING_ORGANIZATIONS.length !== Object.keys(FOUNDING).length) {
  throw new Error("topology: an organisation here is not in the contract's consortium");
}

export function clientIdentity(mspId: FoundingOrganization): string {
  return FOUNDING[mspId].client;
}

/** An organisation's node: its kind, then the MSP id in lower case, e.g. peer0.creditorg. */
function nodeName(kind: string, mspId: string): string {
  return `${kind}.${mspId.toLowerCase()}`;
}

export function caName(mspId: string): string {
  return nodeName('ca', mspId);
}

export function peerName(mspId: string): string {
  return nodeName('peer0', mspId);
}

export function witnessName(mspId: string): string {
  return nodeName('witness', mspId);
}

/** The service that runs a contract for an organisation's peer: chaincode.<org> for audit. */
export function chaincodeServiceName(mspId: string, contract = AUDIT_CONTRACT): string {
  return nodeName(contract === AUDIT_CONTRACT ? 'chaincode' : contract, mspId);
}

/** Orderer n, counting from 1 (the shell passes its own $1). */
export function ordererName(n: number | string): string {
  return `orderer${n}`;
}

/** A bash associative array's declaration. */
function associative(name: string, entries: readonly (readonly [string, string | number])[]) {
  return `declare -A ${name}=(${entries.map(([key, value]) => `[${key}]=${value}`).join(' ')})`;
}

/**
 * The topology as bash declarations for network/lib/env.sh: ORDERER_ORG, PEER_ORGS (in the
 * consortium's order), ORG_ROLE, ORG_CLIENT, ORG_INDEX, ORDERER_COUNT (by consensus) and the
 * node-name functions. Nothing needs quoting: the consortium checks its MSP ids, and roles and
 * identity names are plain words.
 */
export function shellDeclarations(): string {
  const roles = standardConsortium.organizations.flatMap(({ mspId, roles: [role] }) =>
    role === undefined ? [] : [[mspId, role] as const],
  );
  const clients = FOUNDING_ORGANIZATIONS.map((mspId) => [mspId, clientIdentity(mspId)] as const);
  const portIndexes = [
    [ORDERER_ORGANIZATION, ORDERER_PORT_INDEX] as const,
    ...FOUNDING_ORGANIZATIONS.map((mspId) => [mspId, FOUNDING[mspId].portIndex] as const),
  ];
  // Each function is its TypeScript namesake applied to the shell's arguments: ${1,,} is the MSP
  // id in lower case, which toLowerCase leaves as it is, so members that join later fit too.
  const org = '${1,,}';
  return [
    `ORDERER_ORG=${ORDERER_ORGANIZATION}`,
    `PEER_ORGS=(${FOUNDING_ORGANIZATIONS.join(' ')})`,
    associative('ORG_ROLE', roles),
    associative('ORG_CLIENT', clients),
    associative('ORG_INDEX', portIndexes),
    associative('ORDERER_COUNT', Object.entries(ORDERERS_BY_CONSENSUS)),
    `ca_name() { echo "${caName(org)}"; }`,
    `peer_name() { echo "${peerName(org)}"; }`,
    `witness_name() { echo "${witnessName(org)}"; }`,
    'chaincode_name() {',
    `  case "\${2:-${AUDIT_CONTRACT}}" in`,
    `    ${AUDIT_CONTRACT}) echo "${chaincodeServiceName(org)}" ;;`,
    `    *) echo "${chaincodeServiceName(org, '$2')}" ;;`,
    '  esac',
    '}',
    `orderer_name() { echo "${ordererName('$1')}"; }`,
    '',
  ].join('\n');
}
