import { standardKinds } from '../../chaincode/src/index.js';

/** Valid requests of each kind, with overridable parts, as the integrating systems would send. */

export const RESIDENT_ID = '11010519491231002X';
export const CREDIT_CODE = '91350100M000100Y43';
export const PSEUDONYM = `hmac-sha256:${'ab'.repeat(32)}`;
export const DIGEST_A = `sha256:${'a1'.repeat(32)}`;
export const DIGEST_B = `sha256:${'b2'.repeat(32)}`;

/** The first example of a kind's module, a copy each time: the tests write what the docs show. */
function exampleOf(kind: string): Record<string, unknown> {
  const payload = standardKinds.find(kind, 1)?.examples[0]?.payload;
  if (payload === undefined) {
    throw new Error(`${kind} has no example`);
  }
  return structuredClone(payload) as Record<string, unknown>;
}

export function dataAccessPayload(
  overrides: Record<string, unknown> = {},
): Record<string, unknown> & { actor: Record<string, unknown> } {
  return { ...exampleOf('data-access'), ...overrides } as ReturnType<typeof dataAccessPayload>;
}

export function algorithmUploadPayload(overrides: Record<string, unknown> = {}) {
  return { ...exampleOf('algorithm-upload'), ...overrides };
}

/** A company's commitment: its subject `PSEUDONYM`, its record after `DIGEST_A`. */
export function creditChangePayload(overrides: Record<string, unknown> = {}) {
  return { ...exampleOf('credit-change'), ...overrides };
}

let counter = 0;
/** Ids are unique across runs too: a Fabric ledger keeps every earlier run's entries. */
const RUN = `${Date.now().toString(36)}${process.pid.toString(36)}`;
/** A name no earlier run used: for streams, record ids and references a test lists by. */
export function unique(name: string): string {
  return `${name}-${RUN}`;
}

function nextId(prefix: string): string {
  counter += 1;
  return `${prefix}-${RUN}-${String(counter).padStart(6, '0')}`;
}

export function dataAccess(overrides: Record<string, unknown> = {}, payload = {}) {
  return {
    kind: 'data-access',
    id: nextId('da'),
    payload: dataAccessPayload(payload),
    ...overrides,
  };
}

export function algorithmUpload(overrides: Record<string, unknown> = {}, payload = {}) {
  return {
    kind: 'algorithm-upload',
    id: nextId('alg'),
    payload: algorithmUploadPayload(payload),
    ...overrides,
  };
}

export function creditChange(overrides: Record<string, unknown> = {}, payload = {}) {
  return {
    kind: 'credit-change',
    id: nextId('cc'),
    payload: creditChangePayload(payload),
    ...overrides,
  };
}

/** A request of any kind: its first example's payload with `payload`'s fields over it. */
export function entryOfKind(kind: string, payload: Record<string, unknown> = {}, overrides = {}) {
  return {
    kind,
    id: nextId(kind.slice(0, 3)),
    payload: { ...exampleOf(kind), ...payload },
    ...overrides,
  };
}

/** A regulator's closure of a finding, as the gateway records it. */
export function findingClosure(overrides: Record<string, unknown> = {}, payload = {}) {
  return {
    kind: 'finding-closure',
    id: nextId('fc'),
    payload: { ...exampleOf('finding-closure'), ...payload },
    ...overrides,
  };
}

/**
 * A valid resident identity number (GB 11643) drawn at random from about 17 million: a person no
 * earlier run recorded, for tests on a Fabric ledger, which keeps every run's trails.
 */
export function freshResidentId(): string {
  const pick = (from: number, count: number, width: number) =>
    String(from + Math.floor(Math.random() * count)).padStart(width, '0');
  const body = `110105${pick(1950, 50, 4)}${pick(1, 12, 2)}${pick(1, 28, 2)}${pick(0, 1000, 3)}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((total, weight, i) => total + weight * Number(body.charAt(i)), 0);
  return `${body}${'10X98765432'.charAt(sum % 11)}`;
}
