import type { Kafka } from 'kafkajs';

/**
 * Create topics that do not exist yet (idempotent). Done up front rather than relying on broker
 * auto-creation: a consumer subscribing to a missing topic fails, and partition counts should be
 * chosen, not defaulted. Six partitions: keyed by tenant|entity, so order holds per entity.
 */
export async function ensureTopics(kafka: Kafka, topics: readonly string[], numPartitions = 6): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = [...new Set(topics)].filter((t) => !existing.has(t));
    if (missing.length) {
      await admin.createTopics({ topics: missing.map((topic) => ({ topic, numPartitions })), waitForLeaders: true });
    }
  } finally {
    await admin.disconnect();
  }
}
