import { Kafka, Partitioners, logLevel } from 'kafkajs';
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
    const byTopic = new Map<string, OutboxMessage[]>();
    for (const m of messages) byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), m]);
    const producer = await this.connected();
    try {
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, rows]) => ({
          topic,
          messages: rows.map((m) => ({ key: m.key, value: m.payload, headers: m.headers })),
        })),
      });
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
