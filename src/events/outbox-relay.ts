import type { MessageSink } from './kafka-sink.ts';
import { chunksByBytes } from './request-chunks.ts';
import type { LeaseStore, OutboxStore } from '../storage/StorageAdapter.ts';

export interface RelayOptions {
  /** Rows read from the outbox at a time; they go out as several produce requests. */
  batchSize?: number;
  /** Identifies this relay process in the lease. */
  owner?: string;
  leaseMs?: number;
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
      const batch = await store.pendingOutbox(batchSize);
      if (!batch.length) break;
      let marking: Promise<void> = Promise.resolve();
      try {
        for (const chunk of chunksByBytes(batch)) {
          // Publish this request while the previous one's rows are being marked.
          await Promise.all([sink.publish(chunk), marking]);
          marking = store.markOutboxSent(chunk.map((m) => ({ tenantId: m.tenantId, outboxId: m.outboxId })), new Date().toISOString());
          published += chunk.length;
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

/** Runs relayOutbox on an interval until stopped; errors wait for the next tick. */
export class OutboxRelayLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  lastError: unknown;

  constructor(
    private readonly store: OutboxStore & LeaseStore,
    private readonly sink: MessageSink,
    private readonly options: RelayOptions & { intervalMs?: number } = {},
  ) {}

  start(): void {
    const tick = () => {
      this.running = relayOutbox(this.store, this.sink, this.options)
        .then(() => (this.lastError = undefined))
        .catch((error: unknown) => (this.lastError = error))
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
