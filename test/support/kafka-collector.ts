import { randomBytes } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';

export interface Collected {
  topic: string;
  key: string | undefined;
  value: string;
  headers: Record<string, string>;
}

/**
 * Reads topics from the beginning with a fresh consumer group and keeps what `keep` accepts,
 * until `until` says enough or the timeout passes. Tests share topics across runs, so they keep
 * only their own tenant's messages.
 */
export async function collect(
  kafka: Kafka,
  topics: string[],
  keep: (m: Collected) => boolean,
  until: (kept: Collected[]) => boolean,
  timeoutMs = 30_000,
): Promise<Collected[]> {
  const consumer = kafka.consumer({ groupId: `test-collector-${randomBytes(6).toString('hex')}` });
  const kept: Collected[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      const m = toCollected(topic, message);
      if (keep(m)) kept.push(m);
      if (until(kept)) done();
    },
  });
  const timer = setTimeout(done, timeoutMs);
  await finished;
  clearTimeout(timer);
  await consumer.disconnect();
  return kept;
}

function toCollected(topic: string, message: KafkaMessage): Collected {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(message.headers ?? {})) if (v !== undefined) headers[k] = v.toString();
  return { topic, key: message.key?.toString(), value: message.value?.toString() ?? '', headers };
}
