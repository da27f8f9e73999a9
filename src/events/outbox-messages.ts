import type { GraphEvent, OutboxMessage, SyncState } from '../model/index.ts';
import { graphEventEnvelope, syncCompletedEnvelope } from './envelope.ts';
import type { Envelope } from './envelope.ts';
import { TOPICS } from './topics.ts';
import { cloudEventHeaders } from './cloudevents.ts';

/**
 * Outbox rows for one sync: every graph event keyed by tenant and entity (one entity's events stay
 * in one partition, in order), then the sync-completed notice keyed by connector.
 * The outbox id is the envelope's event id, so writing the same sync's rows twice is a no-op.
 */
export function outboxMessagesForSync(events: readonly GraphEvent[], sync: SyncState, createdAt = new Date().toISOString()): OutboxMessage[] {
  return [...lazyOutboxMessagesForSync(events, sync, createdAt)];
}

/**
 * The same rows, made one at a time as a store writes them: a first sync of a million-node tenant
 * has millions of events, and their serialized envelopes held at once would cost gigabytes.
 * Walkable more than once (a store may retry its transaction).
 */
export function lazyOutboxMessagesForSync(events: readonly GraphEvent[], sync: SyncState, createdAt = new Date().toISOString()): Iterable<OutboxMessage> {
  const batch = { batchId: sync.syncId, createdAt };
  return {
    *[Symbol.iterator]() {
      for (let i = 0; i < events.length; i++) {
        const event = events[i]!;
        yield toOutbox(graphEventEnvelope(event), TOPICS.graphEvents, `${event.tenantId}|${event.entityId}`, { ...batch, position: i });
      }
      yield toOutbox(syncCompletedEnvelope(sync), TOPICS.syncsCompleted, `${sync.tenantId}|${sync.connectorId}`, { ...batch, position: events.length });
    },
  };
}

export function toOutbox(
  envelope: Envelope,
  topic: string,
  key: string,
  at: { batchId: string; createdAt: string; position: number },
): OutboxMessage {
  return {
    ...at,
    outboxId: envelope.eventId,
    tenantId: envelope.tenantId,
    topic,
    key,
    payload: JSON.stringify(envelope),
    headers: messageHeaders(envelope),
  };
}

/**
 * The Kafka headers of an envelope's message, all in one place: they let a consumer route and
 * deduplicate without parsing the payload. They repeat in every record, so only what a consumer
 * needs before parsing belongs here.
 */
export function messageHeaders(envelope: Envelope): Record<string, string> {
  return {
    'x-event-id': envelope.eventId,
    'x-idempotency-key': envelope.idempotencyKey,
    'x-schema-version': String(envelope.schemaVersion),
    // CloudEvents 1.0 Kafka binary mode, so event routers understand the message as it is.
    ...cloudEventHeaders(envelope),
  };
}
