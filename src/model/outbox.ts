import { z } from 'zod';
import { DateTime, NonEmpty } from './common.ts';

/**
 * A message waiting to leave through Kafka (DESIGN decision 6). Written in the same transaction as
 * the graph change it announces; a relay publishes it and marks it sent. Kafka down means delay.
 */
export const OutboxMessage = z.object({
  outboxId: NonEmpty,
  tenantId: NonEmpty,
  topic: NonEmpty,
  /** Kafka key: keeps one entity's messages in one partition, in order. */
  key: NonEmpty,
  /** The serialized, already validated envelope. */
  payload: z.string(),
  headers: z.record(z.string(), z.string()).default({}),
  createdAt: DateTime,
  /** The unit written together (a sync id); with createdAt and position it orders the outbox. */
  batchId: NonEmpty,
  /** Order within its batch; the relay publishes by (createdAt, batchId, position). */
  position: z.number().int().nonnegative(),
  sentAt: DateTime.optional(),
});
export type OutboxMessage = z.infer<typeof OutboxMessage>;
