// Kafka round trip through the real broker: the delivery guarantees the outbox relay relies on
// (idempotent producer, acks=all, keyed messages keep per-key order) hold end to end.

import { randomBytes } from 'node:crypto';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import type { Admin, Consumer, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaBrokers } from '../support/services.ts';

const MESSAGES = 500;
const KEYS = 10;

describe('Kafka round trip', () => {
  const suffix = randomBytes(4).toString('hex');
  const topic = `authgraph.test.roundtrip-${suffix}`;
  const kafka = new Kafka({ clientId: `roundtrip-${suffix}`, brokers: kafkaBrokers(), logLevel: logLevel.WARN });
  let admin: Admin;
  let producer: Producer;
  let consumer: Consumer | undefined;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    // Three partitions so that per-key order is actually at stake (one partition orders everything).
    await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await producer?.disconnect();
    // Topics are cheap but accumulate across runs on a long-lived dev broker.
    await admin?.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin?.disconnect();
  });

  it('delivers 500 keyed messages exactly once, in order per key', async () => {
    // Idempotent: the broker drops retried duplicates, so a retry never double-delivers.
    // The default (murmur2, Java-compatible) partitioner, named so kafkajs does not warn about it.
    producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();

    const sent = Array.from({ length: MESSAGES }, (_, i) => ({
      key: `entity-${i % KEYS}`,
      value: JSON.stringify({ seq: Math.floor(i / KEYS), i }),
    }));
    // Several sends, so ordering must hold across batches and not only within one request.
    for (let start = 0; start < MESSAGES; start += 100) {
      await producer.send({ topic, acks: -1, messages: sent.slice(start, start + 100) });
    }

    const received: { key: string; seq: number; partition: number }[] = [];
    let resolveAll!: () => void;
    const allReceived = new Promise<void>((resolve) => (resolveAll = resolve));

    // A fresh group reads from the beginning, so nothing depends on earlier runs' offsets.
    consumer = kafka.consumer({ groupId: `roundtrip-${suffix}` });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message, partition }) => {
        const { seq } = JSON.parse(message.value!.toString()) as { seq: number };
        received.push({ key: message.key!.toString(), seq, partition });
        if (received.length >= MESSAGES) resolveAll();
      },
    });

    await Promise.race([
      allReceived,
      new Promise((_, reject) => setTimeout(() => reject(new Error(`only ${received.length} of ${MESSAGES} arrived`)), 45_000)),
    ]);
    // Linger briefly: a duplicate would arrive after the 500th message, not before.
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    expect(received).toHaveLength(MESSAGES);
    const byKey = new Map<string, number[]>();
    const partitionsByKey = new Map<string, Set<number>>();
    for (const { key, seq, partition } of received) {
      byKey.set(key, [...(byKey.get(key) ?? []), seq]);
      partitionsByKey.set(key, (partitionsByKey.get(key) ?? new Set()).add(partition));
    }
    expect(byKey.size).toBe(KEYS);
    const perKey = MESSAGES / KEYS;
    for (const [key, seqs] of byKey) {
      // Exactly 0..49 in send order: no loss, no duplicate, no reordering within the key.
      expect(seqs, key).toEqual(Array.from({ length: perKey }, (_, i) => i));
      expect(partitionsByKey.get(key)?.size, key).toBe(1);
    }
  });
});
