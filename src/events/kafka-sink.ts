import { CompressionTypes, Kafka, Partitioners, logLevel } from 'kafkajs';
import type { Producer } from 'kafkajs';
import type { OutboxMessage } from '../model/index.ts';
import { ensureTopics } from './ensure-topics.ts';
import { TOPICS } from './topics.ts';

export interface MessageSink {
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
 * Publishes outbox rows with an idempotent producer and acks=all: a retried send is not
 * duplicated by the broker, and a send resolves only once every in-sync replica has it.
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
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
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

  async publish(messages: readonly OutboxMessage[]): Promise<void> {
    if (!messages.length) return;
    const producer = await this.connected();
    try {
      // Requests stay well under the broker's 1 MiB batch limit; chunks go out in order.
      for (const chunk of chunksByBytes(messages, MAX_REQUEST_BYTES)) {
        const byTopic = new Map<string, OutboxMessage[]>();
        for (const m of chunk) byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), m]);
        await producer.sendBatch({
          acks: -1,
          compression: CompressionTypes.GZIP,
          topicMessages: [...byTopic].map(([topic, rows]) => ({
            topic,
            messages: rows.map((m) => ({ key: m.key, value: m.payload, headers: m.headers })),
          })),
        });
      }
    } catch (error) {
      // A broken connection is rebuilt on the next publish.
      await this.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect().catch(() => {});
  }
}

/** Uncompressed bytes per produce request: compression makes the sent batch far smaller. */
const MAX_REQUEST_BYTES = 768 * 1024;

function* chunksByBytes(messages: readonly OutboxMessage[], maxBytes: number): Generator<OutboxMessage[]> {
  let chunk: OutboxMessage[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = m.payload.length + m.key.length + 64;
    if (chunk.length && bytes + size > maxBytes) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(m);
    bytes += size;
  }
  if (chunk.length) yield chunk;
}
