import type { Admin, Kafka } from 'kafkajs';
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
        // kafkajs's own leader wait retries only LEADER_NOT_AVAILABLE, and a just-started
        // cluster also answers UNKNOWN_TOPIC_OR_PARTITION while the new topic spreads to the
        // broker asked: that failed a fresh three-broker run. So wait here, retrying both.
        waitForLeaders: false,
      });
      await waitForLeaders(admin, missing);
    }
  } finally {
    await admin.disconnect();
  }
}

/** The errors a metadata read gives while a new topic is still spreading through the cluster. */
const STILL_SPREADING = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE']);

/**
 * Until every partition of `topics` has a leader, or `timeoutMs` passes (then a clear error
 * naming the topics). Other errors are thrown at once.
 */
export async function waitForLeaders(admin: Admin, topics: readonly string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: string;
  for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
    try {
      const { topics: read } = await admin.fetchTopicMetadata({ topics: [...topics] });
      const leaderless = read.filter((t) => t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0)).map((t) => t.name);
      if (leaderless.length === 0) return;
      last = `no leader yet for ${leaderless.join(', ')}`;
    } catch (err) {
      const type = (err as { type?: unknown }).type;
      if (typeof type !== 'string' || !STILL_SPREADING.has(type)) throw err;
      last = (err as Error).message;
    }
    if (Date.now() + delay > deadline) {
      throw new Error(`Kafka topics ${topics.join(', ')} had no leader for every partition within ${timeoutMs} ms (${last})`);
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}
