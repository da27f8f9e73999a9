import { z } from 'zod';
import { DateTime, NonEmpty } from './common.ts';
import type { GraphEvent } from './events.ts';

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

/**
 * A graph event waiting to be published, as a store keeps it: the event row is its own outbox row
 * (nothing is copied), and the relay wraps it in its envelope when it sends (events/outbox-messages.ts
 * messageOf). A first sync of a million-node tenant has millions of events; a second, serialized
 * copy of each in an outbox table would double what the sync writes.
 */
export interface EventOutboxEntry {
  kind: 'graph_event';
  /** The event's id: the message's id and the key a relay marks sent. */
  outboxId: string;
  tenantId: string;
  createdAt: string;
  batchId: string;
  position: number;
  sentAt?: string;
  event: GraphEvent;
}

/** What a store's outbox holds: messages made in advance (notices, findings, audit records) and graph events. */
export type OutboxEntry = OutboxMessage | EventOutboxEntry;

export function isEventOutboxEntry(entry: OutboxEntry): entry is EventOutboxEntry {
  return 'kind' in entry && entry.kind === 'graph_event';
}

/** The relay's order: (createdAt, batchId, position), every store the same. */
export function compareOutbox(a: Pick<OutboxEntry, 'createdAt' | 'batchId' | 'position'>, b: Pick<OutboxEntry, 'createdAt' | 'batchId' | 'position'>): number {
  return a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.batchId < b.batchId ? -1 : a.batchId > b.batchId ? 1 : a.position - b.position;
}
