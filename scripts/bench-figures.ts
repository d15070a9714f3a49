/** What every benchmark here shares: the entries it writes and how it reads its latencies. */

/** The value at `fraction` of an ascending list (NaN for an empty one). */
export function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? NaN;
}

let sequence = 0;

/** A realistic data-access entry request, each one different. */
export function sampleEntry() {
  sequence += 1;
  return {
    kind: 'data-access',
    payload: {
      actor: { org: '某科技有限公司', user: `analyst-${sequence % 97}`, team: 'traffic-ml' },
      dataset: { id: `city/traffic-${sequence % 38}`, classification: 'restricted' },
      action: 'query',
      purpose: {
        scenarioId: `scenario-${sequence % 38}`,
        approvalRef: `APR-2026-${sequence % 500}`,
      },
      outcome: 'granted',
      occurredAt: new Date().toISOString(),
      scope: { fields: ['road_id', 'hour', 'volume'], rowCount: 1200 },
      sessionId: `sess-${sequence % 1000}`,
    },
  };
}

/** The sum of a Prometheus text's samples whose line starts with `prefix` and holds every label. */
export function metricSum(text: string, prefix: string, labels: readonly string[] = []): number {
  return text
    .split('\n')
    .filter((line) => line.startsWith(prefix) && labels.every((label) => line.includes(label)))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}
