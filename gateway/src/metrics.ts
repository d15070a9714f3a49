import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one gateway instance, on their own registry. */
export class Metrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'audit_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'audit_http_request_duration_seconds',
    help: 'HTTP request latency by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly entriesCommitted = new Counter({
    name: 'audit_ledger_entries_committed_total',
    help: 'Entries committed to the ledger, by ledger and entry kind',
    labelNames: ['ledger', 'kind'] as const,
    registers: [this.registry],
  });

  readonly errors = new Counter({
    name: 'audit_errors_total',
    help: 'Error responses by error code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  readonly eventDelivery = new Histogram({
    name: 'audit_event_delivery_seconds',
    help: 'From an entry’s commit (ledger time) to its event reaching a stream or a webhook receiver',
    labelNames: ['channel'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'audit_' });
  }

  /** An entry's event delivered by `channel` (`sse`, `webhook`), `committedAt` its ledger time. */
  observeDelivery(channel: 'sse' | 'webhook', committedAt: string): void {
    const committed = Date.parse(`${committedAt.slice(0, 23)}Z`);
    this.eventDelivery.observe({ channel }, Math.max(0, Date.now() - committed) / 1000);
  }

  countCommitted(ledger: string, entries: readonly { kind: string }[]): void {
    for (const entry of entries) {
      this.entriesCommitted.inc({ ledger, kind: entry.kind });
    }
  }
}
