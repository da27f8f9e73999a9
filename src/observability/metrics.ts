import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { OutboxStore } from '../storage/StorageAdapter.ts';

// Prometheus metrics (prom-client) on a registry of our own — never prom-client's global one, so
// two servers in one process (tests) or a library user's registry never mix. One Metrics object
// is made where the process starts and passed to the sync engine, the relay and the API.

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const SYNC_BUCKETS = [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600];
const API_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class Metrics {
  readonly registry = new Registry();

  readonly syncDuration = new Histogram({
    name: 'authgraph_sync_duration_seconds',
    help: 'Connector sync duration (extract to commit), by connector and outcome',
    labelNames: ['connector', 'outcome'] as const,
    buckets: SYNC_BUCKETS,
    registers: [this.registry],
  });

  readonly syncs = new Counter({
    name: 'authgraph_syncs_total',
    help: 'Connector syncs finished, by connector and outcome (completed, partial, failed, skipped)',
    labelNames: ['connector', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly entitiesChanged = new Counter({
    name: 'authgraph_sync_entities_changed_total',
    help: 'Nodes and edges a sync changed, by connector, kind (node, edge) and change (created, updated, deleted)',
    labelNames: ['connector', 'kind', 'change'] as const,
    registers: [this.registry],
  });

  readonly eventsWritten = new Counter({
    name: 'authgraph_events_written_total',
    help: 'Graph events committed with a sync (and queued in the outbox), by connector',
    labelNames: ['connector'] as const,
    registers: [this.registry],
  });

  readonly eventsPublished = new Counter({
    name: 'authgraph_events_published_total',
    help: 'Outbox messages the relay published to Kafka and marked sent, by topic',
    labelNames: ['topic'] as const,
    registers: [this.registry],
  });

  readonly relayFailures = new Counter({
    name: 'authgraph_relay_failures_total',
    help: 'Relay runs that stopped on an error (Kafka or the store unreachable); rows stay pending',
    registers: [this.registry],
  });

  readonly apiLatency = new Histogram({
    name: 'authgraph_api_request_duration_seconds',
    help: 'GraphQL request duration, by operation (type and first root field) and HTTP status',
    labelNames: ['operation', 'status'] as const,
    buckets: API_BUCKETS,
    registers: [this.registry],
  });

  readonly rateLimited = new Counter({
    name: 'authgraph_source_rate_limit_refusals_total',
    help: 'Source API calls refused with a rate limit (HTTP 429), by connector',
    labelNames: ['connector'] as const,
    registers: [this.registry],
  });

  readonly retries = new Counter({
    name: 'authgraph_source_retries_total',
    help: 'Source API calls retried, by connector and error type',
    labelNames: ['connector', 'error_type'] as const,
    registers: [this.registry],
  });

  /**
   * Outbox backlog and the age of its oldest pending row, read from the store at scrape time (so
   * every relay and server reports the shared outbox as it is, not as this process last saw it).
   */
  observeOutbox(store: OutboxStore, now: () => number = Date.now): void {
    let last: Promise<{ pending: number; ageSeconds: number }> | undefined;
    // Both gauges are collected in one scrape: read the store once for them.
    const read = () =>
      (last ??= (async () => {
        const [stats, oldest] = await Promise.all([store.outboxStats(), store.pendingOutbox(1)]);
        const createdAt = oldest[0] ? Date.parse(oldest[0].createdAt) : undefined;
        return { pending: stats.pending, ageSeconds: createdAt === undefined ? 0 : Math.max(0, (now() - createdAt) / 1000) };
      })().finally(() => setImmediate(() => (last = undefined))));
    new Gauge({
      name: 'authgraph_outbox_pending_messages',
      help: 'Outbox rows not yet published to Kafka',
      registers: [this.registry],
      async collect() {
        this.set((await read()).pending);
      },
    });
    new Gauge({
      name: 'authgraph_outbox_oldest_pending_age_seconds',
      help: 'Age of the oldest outbox row not yet published (0 when none is pending)',
      registers: [this.registry],
      async collect() {
        this.set((await read()).ageSeconds);
      },
    });
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
