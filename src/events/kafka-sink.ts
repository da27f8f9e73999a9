import { Kafka, logLevel } from 'kafkajs';
import type { Producer, TopicMessages } from 'kafkajs';
import type { OutboxMessage } from '../model/index.ts';
import { RELAY_COMPRESSION } from './compression.ts';
import { ensureTopics } from './ensure-topics.ts';
import { FastDefaultPartitioner } from './partitioner.ts';
import { chunksByBytes } from './request-chunks.ts';
import { TOPICS } from './topics.ts';

export interface MessageSink {
  /** Publishes in order; resolves once every message is acknowledged. */
  publish(messages: readonly OutboxMessage[]): Promise<void>;
  close(): Promise<void>;
}

export function kafkaClient(brokers: string[], clientId = 'authgraph'): Kafka {
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.NOTHING,
    // Fail fast: the relay owns retrying (rows stay in the outbox), kafkajs need not hold on.
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 2_000 },
  });
}

/**
 * Publishes outbox rows with acks=all: a send resolves only once every in-sync replica has it
 * (min.insync.replicas of them at least). A failed send is retried by the relay, not by kafkajs
 * (see connected() for why).
 *
 * One produce request at a time. Kafka would keep order with up to five in flight per partition,
 * but kafkajs 2.2.4 does not: its idempotent producer holds a lock per broker around each request
 * (eosManager.acquireBrokerLock in producer/sendMessages.js), so concurrent sends to one broker
 * queue anyway, and when a request fails it hands the sequence numbers back and retries later —
 * after any send that took the lock meanwhile, so concurrent sends can reach a partition out of
 * order. (Checked again for issue 17: the lock is held from encoding the request to the broker's
 * answer — producer/sendMessages.js, acquireBrokerLock — so a second in-flight request would only
 * queue.) So throughput comes from large requests: each sendBatch carries every partition's
 * messages at once, up to MAX_REQUEST_BYTES, zstd-compressed.
 */
export class KafkaSink implements MessageSink {
  private producer: Producer | undefined;
  private topicsReady = false;

  constructor(private readonly kafka: Kafka) {}

  private async connected(): Promise<Producer> {
    if (!this.producer) {
      if (!this.topicsReady) {
        await ensureTopics(this.kafka, Object.values(TOPICS));
        this.topicsReady = true;
      }
      const producer = this.kafka.producer({
        // Not kafkajs's idempotent producer, and no retries inside kafkajs: its retry of a
        // sendBatch skips every broker that answered the first try, so partitions that moved to
        // such a broker (their leader died) are never sent, yet the send resolves (kafkajs 2.2.4
        // producer/sendMessages.js, responsePerBroker; tulios/kafkajs#1303). Measured on three
        // brokers with one killed: a third of one request lost. kafkajs refuses an idempotent
        // producer without retries, and idempotence only guarded those internal retries (a failed
        // publish already gets a new producer, so a new producer id). Now a failed request fails
        // the relay run, the rows stay pending and go again; partitions that did get them see
        // duplicates, which consumers drop by event id. One request in flight keeps the order.
        idempotent: false,
        retry: { retries: 0 },
        maxInFlightRequests: 1,
        // The same partitions as kafkajs's DefaultPartitioner, without its emulated 64-bit hash.
        createPartitioner: FastDefaultPartitioner,
      });
      try {
        await producer.connect();
      } catch (error) {
        await producer.disconnect().catch(() => {});
        throw error;
      }
      this.producer = producer;
    }
    return this.producer;
  }

  /** Connect ahead of the first publish (a long-running relay stays connected between drains). */
  async connect(): Promise<void> {
    await this.connected();
  }

  async publish(messages: readonly OutboxMessage[]): Promise<void> {
    if (!messages.length) return;
    for (const chunk of chunksByBytes(messages)) await this.sendChunk(chunk);
  }

  /**
   * One request, sent again whole while a partition's leader is moving (a topic just created, a
   * broker just lost): kafkajs no longer retries (see connected()), and a new producer reads fresh
   * metadata. Partitions the first try reached get duplicates after the originals, which consumers
   * drop by event id; nothing is skipped. Any other error fails the publish at once.
   */
  private async sendChunk(chunk: readonly OutboxMessage[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const producer = await this.connected();
      try {
        await sendInOrder(producer, chunk);
        return;
      } catch (error) {
        // A broken connection or stale metadata is rebuilt on the next try or publish.
        await this.close();
        const pause = LEADER_MOVE_PAUSES_MS[attempt];
        if (pause === undefined || !hasErrorType(error, LEADER_MOVES)) throw error;
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
  }

  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect().catch(() => {});
  }
}

/**
 * One produce request; if the broker finds a partition's batch too large, the two halves are sent
 * in turn instead (a failed idempotent request hands its sequence numbers back, so order holds).
 */
async function sendInOrder(producer: Producer, messages: readonly OutboxMessage[]): Promise<void> {
  try {
    await producer.sendBatch({ acks: -1, compression: RELAY_COMPRESSION, topicMessages: byTopic(messages) });
  } catch (error) {
    if (messages.length < 2 || !hasErrorType(error, TOO_LARGE)) throw error;
    const half = Math.ceil(messages.length / 2);
    await sendInOrder(producer, messages.slice(0, half));
    await sendInOrder(producer, messages.slice(half));
  }
}

const TOO_LARGE = new Set(['MESSAGE_TOO_LARGE']);
/** The broker's answers while a partition has no leader it knows of yet: worth the same request again. */
export const LEADER_MOVES = new Set(['NOT_LEADER_FOR_PARTITION', 'LEADER_NOT_AVAILABLE', 'UNKNOWN_TOPIC_OR_PARTITION']);
const LEADER_MOVE_PAUSES_MS = [200, 500, 1_000, 2_000];

/** kafkajs may wrap the broker's error (KafkaJSNumberOfRetriesExceeded, …); look along the causes. */
export function hasErrorType(error: unknown, types: ReadonlySet<string>): boolean {
  for (let e = error as { type?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.type !== undefined && types.has(e.type)) return true;
  }
  return false;
}

/** One entry per topic, messages in their outbox order (kafkajs splits them by partition). */
function byTopic(messages: readonly OutboxMessage[]): TopicMessages[] {
  const topics = new Map<string, TopicMessages>();
  for (const m of messages) {
    let entry = topics.get(m.topic);
    if (!entry) topics.set(m.topic, (entry = { topic: m.topic, messages: [] }));
    entry.messages.push({ key: m.key, value: m.payload, headers: m.headers });
  }
  return [...topics.values()];
}
