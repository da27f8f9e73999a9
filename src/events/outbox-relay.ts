import type { MessageSink } from './kafka-sink.ts';
import { chunksByBytes } from './request-chunks.ts';
import { messageOf } from './outbox-messages.ts';
import type { LeaseStore, OutboxStore } from '../storage/StorageAdapter.ts';
import { errorFields, silentLogger } from '../observability/logger.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';

export interface RelayOptions {
  /** Rows read from the outbox at a time; they go out as several produce requests. */
  batchSize?: number;
  /** Identifies this relay process in the lease. */
  owner?: string;
  leaseMs?: number;
  log?: Logger;
  /** Messages published per topic, failed runs. */
  metrics?: Metrics;
}

export interface RelayResult {
  published: number;
  /** False when another relay holds the lease: this one published nothing. */
  ranAsLeader: boolean;
}

const RELAY_LEASE = 'outbox-relay';

/**
 * Drain the outbox once: publish pending rows in order, batch by batch, marking each batch sent
 * only after Kafka acknowledged it. A failure leaves the rest pending for the next run: at least
 * once delivery, which consumers turn into exactly-once effect by deduplicating on event id.
 * A lease keeps two relays from interleaving (and reordering) the same rows.
 *
 * Requests go out one at a time (see KafkaSink for why), and marking a request's rows sent
 * overlaps the next request: the store's write and Kafka's round trip take turns otherwise.
 */
export async function relayOutbox(store: OutboxStore & LeaseStore, sink: MessageSink, options: RelayOptions = {}): Promise<RelayResult> {
  const batchSize = options.batchSize ?? 10_000;
  const owner = options.owner ?? `relay-${process.pid}`;
  const leaseMs = options.leaseMs ?? 60_000;
  if (!(await store.tryAcquireLease(RELAY_LEASE, owner, leaseMs))) return { published: 0, ranAsLeader: false };
  let published = 0;
  try {
    for (;;) {
      const batch = (await store.pendingOutbox(batchSize)).map(messageOf);
      if (!batch.length) break;
      let marking: Promise<void> = Promise.resolve();
      try {
        for (const chunk of chunksByBytes(batch)) {
          // Publish this request while the previous one's rows are being marked.
          await Promise.all([sink.publish(chunk), marking]);
          marking = store.markOutboxSent(chunk.map((m) => ({ tenantId: m.tenantId, outboxId: m.outboxId })), new Date().toISOString());
          published += chunk.length;
          if (options.metrics) for (const m of chunk) options.metrics.eventsPublished.inc({ topic: m.topic });
          options.log?.debug({ messages: chunk.length, published }, 'outbox batch published');
        }
      } finally {
        // Rows Kafka acknowledged are marked even when a later request failed.
        await marking;
      }
      // Renew the lease so a long drain is not taken over mid-way.
      await store.tryAcquireLease(RELAY_LEASE, owner, leaseMs);
      if (batch.length < batchSize) break;
    }
  } finally {
    await store.releaseLease(RELAY_LEASE, owner);
  }
  return { published, ranAsLeader: true };
}

export type RelayState = 'starting' | 'publishing' | 'failing';

/**
 * Runs relayOutbox on an interval until stopped; errors wait for the next tick. The loop logs
 * when its state changes — Kafka (or the store) became unreachable, or is back — not every tick,
 * so an outage of an hour is two lines, not thousands.
 */
export class OutboxRelayLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private readonly log: Logger;
  lastError: unknown;
  state: RelayState = 'starting';

  constructor(
    private readonly store: OutboxStore & LeaseStore,
    private readonly sink: MessageSink,
    private readonly options: RelayOptions & { intervalMs?: number } = {},
  ) {
    this.log = options.log ?? silentLogger();
  }

  private async runOnce(): Promise<void> {
    try {
      const result = await relayOutbox(this.store, this.sink, this.options);
      if (this.state !== 'publishing') {
        const fields = { published: result.published, leader: result.ranAsLeader };
        if (this.state === 'failing') this.log.info(fields, 'relay recovered: publishing to Kafka again');
        else this.log.info(fields, 'relay publishing to Kafka');
      }
      if (result.published) this.log.info({ published: result.published }, 'outbox messages published');
      this.state = 'publishing';
      this.lastError = undefined;
    } catch (error) {
      this.options.metrics?.relayFailures.inc();
      if (this.state !== 'failing') {
        const pending = await this.store.outboxStats().then((s) => s.pending, () => undefined);
        this.log.warn({ ...errorFields(error), pending }, 'relay cannot publish (Kafka or the store unreachable); rows stay in the outbox and are retried');
      } else {
        this.log.debug(errorFields(error), 'relay still failing');
      }
      this.state = 'failing';
      this.lastError = error;
    }
  }

  start(): void {
    const tick = () => {
      this.running = this.runOnce()
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, this.options.intervalMs ?? 1_000);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
