import type { Kafka } from 'kafkajs';
import { clusterTopicReplication } from './topic-replication.ts';
import type { TopicReplication } from './topic-replication.ts';

/**
 * Create topics that do not exist yet (idempotent). Done up front rather than relying on broker
 * auto-creation: a consumer subscribing to a missing topic fails, and partition counts should be
 * chosen, not defaulted. Six partitions: keyed by tenant|entity, so order holds per entity.
 * Replication follows the cluster (topic-replication.ts: 3 copies, 2 in sync, on three brokers
 * or more; 1 on one broker) unless given.
 */
export async function ensureTopics(kafka: Kafka, topics: readonly string[], numPartitions = 6, replication?: TopicReplication): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = [...new Set(topics)].filter((t) => !existing.has(t));
    if (missing.length) {
      const { replicationFactor, minInsyncReplicas } = replication ?? (await clusterTopicReplication(admin));
      await admin.createTopics({
        topics: missing.map((topic) => ({
          topic,
          numPartitions,
          replicationFactor,
          configEntries: [{ name: 'min.insync.replicas', value: String(minInsyncReplicas) }],
        })),
        waitForLeaders: true,
      });
    }
  } finally {
    await admin.disconnect();
  }
}
