import type { Admin } from 'kafkajs';
import { z } from 'zod';
import { parseOrThrow } from '../model/index.ts';

/** How many copies of each partition Kafka keeps, and how many must have a write (acks=all). */
export interface TopicReplication {
  replicationFactor: number;
  minInsyncReplicas: number;
}

// Set by operators whose cluster wants other values than the seeds' defaults (3 and 2).
const ReplicationEnv = z
  .object({
    AUTHGRAPH_KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(15).optional(),
    AUTHGRAPH_KAFKA_MIN_INSYNC_REPLICAS: z.coerce.number().int().min(1).max(15).optional(),
  })
  .refine((e) => (e.AUTHGRAPH_KAFKA_MIN_INSYNC_REPLICAS ?? 1) <= (e.AUTHGRAPH_KAFKA_REPLICATION_FACTOR ?? 15), {
    message: 'AUTHGRAPH_KAFKA_MIN_INSYNC_REPLICAS cannot exceed AUTHGRAPH_KAFKA_REPLICATION_FACTOR',
  });

/**
 * The replication the product's topics are created with. The seeds ask for factor 3 with
 * min.insync.replicas 2: a write survives one broker's loss, and the cluster keeps accepting
 * writes with one broker down. A cluster of fewer brokers cannot hold three copies, so there the
 * factor is the broker count (one broker: 1 and 1, the development set-up). The environment
 * overrides either value.
 */
export function topicReplication(brokerCount: number, env: NodeJS.ProcessEnv = process.env): TopicReplication {
  const parsed = parseOrThrow(ReplicationEnv, env, 'Kafka replication configuration');
  const replicationFactor = parsed.AUTHGRAPH_KAFKA_REPLICATION_FACTOR ?? Math.max(1, Math.min(3, brokerCount));
  const minInsyncReplicas = parsed.AUTHGRAPH_KAFKA_MIN_INSYNC_REPLICAS ?? (replicationFactor >= 3 ? 2 : 1);
  if (minInsyncReplicas > replicationFactor) {
    throw new Error(`min.insync.replicas ${minInsyncReplicas} exceeds the replication factor ${replicationFactor}: no write could ever succeed`);
  }
  return { replicationFactor, minInsyncReplicas };
}

/** topicReplication for the cluster an admin client is connected to. */
export async function clusterTopicReplication(admin: Admin, env: NodeJS.ProcessEnv = process.env): Promise<TopicReplication> {
  const { brokers } = await admin.describeCluster();
  return topicReplication(brokers.length, env);
}
