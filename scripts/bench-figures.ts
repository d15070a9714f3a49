/** What every benchmark here shares: the entries it writes and how it reads its latencies. */

/** The value at `fraction` of an ascending list (NaN for an empty one). */
export function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? NaN;
}

let sequence = 0;

const SAMPLE_TEAM = 'traffic-ml';
const SAMPLE_SCENARIOS = 38;
const DAY_MS = 86_400_000;

/** A realistic data-access entry request, each one different. */
export function sampleEntry() {
  sequence += 1;
  return {
    kind: 'data-access',
    payload: {
      actor: { org: '某科技有限公司', user: `analyst-${sequence % 97}`, team: SAMPLE_TEAM },
      dataset: { id: `city/traffic-${sequence % SAMPLE_SCENARIOS}`, classification: 'restricted' },
      action: 'query',
      purpose: {
        scenarioId: `scenario-${sequence % SAMPLE_SCENARIOS}`,
        approvalRef: `APR-2026-${sequence % 500}`,
      },
      outcome: 'granted',
      occurredAt: new Date().toISOString(),
      scope: { fields: ['road_id', 'hour', 'volume'], rowCount: 1200 },
      sessionId: `sess-${sequence % 1000}`,
    },
  };
}

/**
 * The sandbox operator's admission of the sample team to every scenario its entries name, open
 * from a day ago for a month. Recorded before a load, it makes the samples what a sandbox sees
 * day to day — accesses by an admitted team — rather than a finding raised for every entry.
 */
export function sampleAdmissions(now = Date.now()) {
  return Array.from({ length: SAMPLE_SCENARIOS }, (_unused, scenario) => ({
    kind: 'team-admission',
    payload: {
      team: { id: SAMPLE_TEAM, organization: '某科技有限公司' },
      scenarioId: `scenario-${scenario}`,
      action: 'admit',
      environment: {
        id: `env-bench-${scenario}`,
        opensAt: new Date(now - DAY_MS).toISOString(),
        closesAt: new Date(now + 30 * DAY_MS).toISOString(),
      },
      approvalRef: `APR-2026-${scenario}`,
      operator: 'sandbox-ops-bench',
      occurredAt: new Date(now - DAY_MS).toISOString(),
    },
  }));
}

/** The sum of a Prometheus text's samples whose line starts with `prefix` and holds every label. */
export function metricSum(text: string, prefix: string, labels: readonly string[] = []): number {
  return text
    .split('\n')
    .filter((line) => line.startsWith(prefix) && labels.every((label) => line.includes(label)))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}
