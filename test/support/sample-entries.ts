/** Valid requests of each kind, with overridable parts, as the integrating systems would send. */

export const RESIDENT_ID = '11010519491231002X';
export const CREDIT_CODE = '91350100M000100Y43';
export const PSEUDONYM = `hmac-sha256:${'ab'.repeat(32)}`;
export const DIGEST_A = `sha256:${'a1'.repeat(32)}`;
export const DIGEST_B = `sha256:${'b2'.repeat(32)}`;

export function dataAccessPayload(overrides: Record<string, unknown> = {}) {
  return {
    actor: { org: '深圳某科技有限公司', user: 'analyst-07', team: 'traffic-ml' },
    dataset: { id: 'city-mgmt/traffic-flow-2025', classification: 'restricted' },
    action: 'train',
    purpose: { scenarioId: 'scenario-12', approvalRef: 'APR-2026-0042' },
    outcome: 'granted',
    occurredAt: '2026-03-01T07:59:58.125+08:00',
    scope: { fields: ['road_id', 'hour', 'volume'], rowCount: 125000, queryDigest: DIGEST_A },
    sessionId: 'sess-9f1c',
    ...overrides,
  };
}

export function algorithmUploadPayload(overrides: Record<string, unknown> = {}) {
  return {
    algorithm: { id: 'alg-traffic-forecast', version: '1.4.0', name: '交通流量预测' },
    team: 'traffic-ml',
    uploader: 'dev-lead-03',
    artifact: { sha256: 'c3'.repeat(32), sizeBytes: 48_213_004, mediaType: 'application/zip' },
    status: 'submitted',
    occurredAt: '2026-03-01T08:00:00Z',
    ...overrides,
  };
}

export function creditChangePayload(overrides: Record<string, unknown> = {}) {
  return {
    subject: { type: 'organization', ref: PSEUDONYM },
    recordId: 'CR-2026-000318',
    category: 'commitment',
    change: 'create',
    after: DIGEST_A,
    sourceSystem: 'credit-approval',
    legalBasis: '《深圳经济特区社会信用条例》第二十条',
    operator: 'officer-12',
    occurredAt: '2026-03-01T09:15:00+08:00',
    ...overrides,
  };
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
