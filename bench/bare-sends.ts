import kafkajs from 'kafkajs';
import type { Kafka } from 'kafkajs';
import { RELAY_COMPRESSION } from '../src/events/compression.ts';
import { ensureTopics } from '../src/events/ensure-topics.ts';
import { chunksByBytes } from '../src/events/request-chunks.ts';
import type { OutboxMessage } from '../src/model/index.ts';

// kafkajs is CommonJS; Partitioners is not among the names Node sees statically.
const { Partitioners } = kafkajs;

/**
 * The kafkajs ceiling of bench:events: the same messages through a bare idempotent producer, one
 * request at a time, as the relay sends them, to a scratch topic; wall time and this process's CPU
 * per message. No outbox reads or marks, no wrapping.
 */
export async function bareSends(
  client: Kafka,
  messages: readonly OutboxMessage[],
  compression: number = RELAY_COMPRESSION,
): Promise<{ count: number; ms: number; cpuPerMessage: number }> {
  const topic = 'authgraph.bench.ceiling';
  await ensureTopics(client, [topic]);
  const producer = client.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  // One tiny send first so connection, producer-id set-up and the broker's first batch of this codec are not timed.
  await producer.send({ topic, acks: -1, compression, messages: [{ key: 'warm-up', value: '{}' }] });
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (const chunk of chunksByBytes(messages)) {
    await producer.sendBatch({
      acks: -1,
      compression,
      topicMessages: [{ topic, messages: chunk.map((m) => ({ key: m.key, value: m.payload, headers: m.headers })) }],
    });
  }
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  await producer.disconnect();
  return { count: messages.length, ms, cpuPerMessage: (used.user + used.system) / messages.length };
}
