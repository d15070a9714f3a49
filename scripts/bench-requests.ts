/** Realistic entry requests the benchmarks write: a sandbox's data access, a credit change. */

/** A data access by one of 97 analysts to one of 38 datasets, under one of 500 approvals. */
export function dataAccessRequest(n: number, sourceSeq?: number) {
  return {
    kind: 'data-access',
    ...(sourceSeq === undefined ? {} : { sourceSeq }),
    payload: {
      actor: { org: '某科技有限公司', user: `analyst-${n % 97}`, team: 'traffic-ml' },
      dataset: { id: `city/traffic-${n % 38}`, classification: 'restricted' },
      action: 'query',
      purpose: { scenarioId: 'scenario-12', approvalRef: `APR-2026-${n % 500}` },
      outcome: 'granted',
      occurredAt: new Date().toISOString(),
    },
  };
}

/** A commitment recorded in record `CR-BENCH-<n>` of one company's credit file. */
export function creditChangeRequest(n: number) {
  return {
    kind: 'credit-change',
    payload: {
      subject: { type: 'organization', ref: `hmac-sha256:${'ab'.repeat(32)}` },
      recordId: `CR-BENCH-${n}`,
      category: 'commitment',
      change: 'create',
      after: `sha256:${'a1'.repeat(32)}`,
      sourceSystem: 'credit-approval',
      operator: 'officer-12',
      occurredAt: new Date().toISOString(),
    },
  };
}
