import type { MessageSink } from './kafka-sink.ts';
import { chunksByBytes } from './request-chunks.ts';
import { messageOf } from './outbox-messages.ts';
import type { LeaseStore, OutboxStore } from '../storage/StorageAdapter.ts';
import type { OutboxEntry, OutboxMessage } from '../model/index.ts';
import { errorFields, silentLogger } from '../observability/logger.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';

export interface RelayOptions {
  /**
   * Rows read from the outbox at a time; they go out as several produce requests (about 3,700
   * graph events per 4 MiB request). Each read and the wrapping of its first request wait on
   * nothing else; 40,000 rows make that one pause per ten requests instead of per three (10,000).
   */
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
 * Requests go out one at a time (see KafkaSink for why). Around each request's round trip the
 * relay marks the previous request's rows sent and wraps the next request's messages, so neither
 * waits for Kafka's answer.
 */
export async function relayOutbox(store: OutboxStore & LeaseStore, sink: MessageSink, options: RelayOptions = {}): Promise<RelayResult> {
  const batchSize = options.batchSize ?? 40_000;
  const owner = options.owner ?? `relay-${process.pid}`;
  const leaseMs = options.leaseMs ?? 60_000;
  if (!(await store.tryAcquireLease(RELAY_LEASE, owner, leaseMs))) return { published: 0, ranAsLeader: false };
  let published = 0;
  try {
    for (;;) {
      const entries = await store.pendingOutbox(batchSize);
      if (!entries.length) break;
      const chunks = chunksByBytes(wrapped(entries));
      let marking: Promise<void> = Promise.resolve();
      try {
        for (let chunk = chunks.next(); !chunk.done; ) {
          const messages = chunk.value;
          // Publish this request while the previous one's rows are being marked, and wrap the
          // next request's messages once this one is written to the socket (see afterWrite).
          const sending = sink.publish(messages);
          const next = afterWrite(() => chunks.next());
          next.catch(() => {}); // awaited below; a failed publish must not leave it unhandled
          await Promise.all([sending, marking]);
          marking = store.markOutboxSent(messages.map((m) => ({ tenantId: m.tenantId, outboxId: m.outboxId, batchId: m.batchId })), new Date().toISOString());
          published += messages.length;
          if (options.metrics) for (const m of messages) options.metrics.eventsPublished.inc({ topic: m.topic });
          options.log?.debug({ messages: messages.length, published }, 'outbox batch published');
          chunk = await next;
        }
      } finally {
        // Rows Kafka acknowledged are marked even when a later request failed.
        await marking;
      }
      // Renew the lease so a long drain is not taken over mid-way.
      await store.tryAcquireLease(RELAY_LEASE, owner, leaseMs);
      if (entries.length < batchSize) break;
    }
  } finally {
    await store.releaseLease(RELAY_LEASE, owner);
  }
  return { published, ranAsLeader: true };
}

export type RelayState = 'starting' | 'publishing' | 'failing';

/** The Kafka messages of outbox entries, made one by one as the requests need them. */
function* wrapped(entries: readonly OutboxEntry[]): Generator<OutboxMessage> {
  for (const entry of entries) yield messageOf(entry);
}

/**
 * Runs `work` after the event loop's current turn: once a publish has started, the producer encodes
 * its request and writes it to the socket in promise continuations, which run first; `work` then
 * uses the CPU while the broker stores and acknowledges the request, instead of after the answer
 * (wrapping a graph event costs about half as much CPU as sending it).
 */
function afterWrite<T>(work: () => T): Promise<T> {
  return new Promise((resolve, reject) =>
    setImmediate(() => {
      try {
        resolve(work());
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    }),
  );
}

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
