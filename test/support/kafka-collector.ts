import { randomBytes } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { ensureTopics } from '../../src/events/ensure-topics.ts';

export interface Collected {
  topic: string;
  key: string | undefined;
  value: string;
  headers: Record<string, string>;
}

/** Where each partition of the topics ends now: pass it to collect() to read only what comes after. */
export type TopicMarks = Map<string, { partition: number; offset: string }[]>;

export async function topicEnds(kafka: Kafka, topics: string[]): Promise<TopicMarks> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(kafka, topics);
    const marks: TopicMarks = new Map();
    for (const topic of topics)
      marks.set(
        topic,
        (await admin.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, offset: p.high })),
      );
    return marks;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Reads topics with a fresh consumer group and keeps what `keep` accepts, until `until` says
 * enough or the timeout passes. Tests share topics across runs, so they keep only their own
 * tenant's messages; from the beginning, or from `from` (topicEnds before the test published):
 * the shared topics hold every earlier run's messages (benchmarks send hundreds of thousands),
 * more than a consumer reads within a test's timeout.
 */
export async function collect(
  kafka: Kafka,
  topics: string[],
  keep: (m: Collected) => boolean,
  until: (kept: Collected[]) => boolean,
  timeoutMs = 30_000,
  from?: TopicMarks,
): Promise<Collected[]> {
  const groupId = `test-collector-${randomBytes(6).toString('hex')}`;
  if (from) {
    // The group starts where the marks say: committed offsets come before fromBeginning.
    const admin = kafka.admin();
    await admin.connect();
    for (const [topic, partitions] of from) await admin.setOffsets({ groupId, topic, partitions });
    await admin.disconnect();
  }
  const consumer = kafka.consumer({ groupId });
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
