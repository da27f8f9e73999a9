import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Kafka } from 'kafkajs';
import { EnvelopeConsumer } from '../events/envelope-consumer.ts';
import { TOPICS } from '../events/topics.ts';
import type { Logger } from '../observability/logger.ts';

/**
 * Listens to authgraph.syncs.completed for one API replica and drops the synced tenant's cached
 * answers (shared-results.ts). Every replica must hear every completion, so each has a consumer
 * group of its own (host, pid and a random part), reading from the newest offset: what completed
 * before this replica started is no concern of a cache that starts empty.
 */
export async function forgetOnSyncCompletions(kafka: Kafka, forgetTenant: (tenantId: string) => number, log: Logger): Promise<{ stop(): Promise<void> }> {
  const consumer = new EnvelopeConsumer({
    kafka,
    groupId: `authgraph-api-${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
    topics: [TOPICS.syncsCompleted],
    fromBeginning: false,
    handle: async (envelope) => {
      const dropped = forgetTenant(envelope.tenantId);
      log.info({ tenantId: envelope.tenantId, eventId: envelope.eventId, dropped }, 'cached answers dropped: the tenant synced');
    },
  });
  await consumer.start();
  return { stop: () => consumer.stop() };
}
