// The three-broker Kafka of scripts/services.mjs for the scale-out fault tests: start it, kill
// and bring back single brokers, and wait until the controller has noticed.

import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import { ensureServices, serviceStatus, stopServices } from '../../scripts/services.mjs';

export const CLUSTER = 'kafka-cluster';

/** Starts what is not running; `stop()` stops exactly what this call started. */
export async function useKafkaCluster(): Promise<{ brokers: string[]; stop: () => Promise<void> }> {
  const { kafkaClusterBrokers, started } = await ensureServices({ services: [CLUSTER] });
  return {
    brokers: kafkaClusterBrokers.split(','),
    // Brokers a test killed and restarted are this run's too; the rest was someone else's.
    stop: async () => {
      if (started.length > 0) await stopServices({ services: [CLUSTER] });
      else await ensureServices({ services: [CLUSTER] });
    },
  };
}

/** SIGKILL: a crash, no clean shutdown, no leadership hand-over. */
export async function killBroker(n: 1 | 2 | 3): Promise<void> {
  const [status] = await serviceStatus({ services: [`kafka-broker-${n}`] });
  if (!status?.pid) throw new Error(`kafka-broker-${n} is not running`);
  process.kill(status.pid, 'SIGKILL');
}

export async function restartBroker(n: 1 | 2 | 3): Promise<void> {
  await ensureServices({ services: [`kafka-broker-${n}`] });
}

/** Waits until every partition of the topics has exactly `size` in-sync replicas. */
export async function waitForIsr(kafka: Kafka, topics: string[], size: number, timeoutMs = 60_000): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const meta = await admin.fetchTopicMetadata({ topics }).catch(() => undefined);
      const partitions = meta?.topics.flatMap((t) => t.partitions) ?? [];
      if (partitions.length > 0 && partitions.every((p) => p.isr.length === size && p.leader >= 0)) return;
      if (Date.now() > deadline) throw new Error(`ISR of ${topics.join(', ')} did not reach ${size} within ${timeoutMs} ms`);
      await sleep(250);
    }
  } finally {
    await admin.disconnect();
  }
}
