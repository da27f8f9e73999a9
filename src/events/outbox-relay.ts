import type { MessageSink } from './kafka-sink.ts';
import type { LeaseStore, OutboxStore } from '../storage/StorageAdapter.ts';

export interface RelayOptions {
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
 */
export async function relayOutbox(store: OutboxStore & LeaseStore, sink: MessageSink, options: RelayOptions = {}): Promise<RelayResult> {
  const batchSize = options.batchSize ?? 1_000;
  const owner = options.owner ?? `relay-${process.pid}`;
  const leaseMs = options.leaseMs ?? 60_000;
  if (!(await store.tryAcquireLease(RELAY_LEASE, owner, leaseMs))) return { published: 0, ranAsLeader: false };
  let published = 0;
  try {
    for (;;) {
      const batch = await store.pendingOutbox(batchSize);
      if (!batch.length) break;
      await sink.publish(batch);
      await store.markOutboxSent(batch.map((m) => ({ tenantId: m.tenantId, outboxId: m.outboxId })), new Date().toISOString());
      published += batch.length;
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
