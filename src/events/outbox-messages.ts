import { isEventOutboxEntry } from '../model/index.ts';
import type { GraphEvent, OutboxEntry, OutboxMessage, SyncState } from '../model/index.ts';
import { graphEventEnvelope, syncCompletedEnvelope } from './envelope.ts';
import type { Envelope } from './envelope.ts';
import { TOPICS } from './topics.ts';
import { cloudEventHeaders } from './cloudevents.ts';

/**
 * The messages one sync publishes, in order: every graph event keyed by tenant and entity (one
 * entity's events stay in one partition, in order), then the sync-completed notice keyed by
 * connector. Stores keep the events once and the relay wraps them (messageOf): this is the same
 * list, made at once, for tests and tools that want to see it.
 */
export function outboxMessagesForSync(events: readonly GraphEvent[], sync: SyncState, createdAt = new Date().toISOString()): OutboxMessage[] {
  const batch = { batchId: sync.syncId, createdAt };
  return [...events.map((event, position) => graphEventMessage(event, { ...batch, position })), syncCompletedMessage(sync, createdAt, events.length)];
}

/**
 * The notice that closes a sync's batch, after its events (position = the number of events): what a
 * commit with `publishEvents` puts in its outbox, the events being published from their own rows.
 */
export function syncCompletedMessage(sync: SyncState, createdAt: string, position: number): OutboxMessage {
  return toOutbox(syncCompletedEnvelope(sync), TOPICS.syncsCompleted, `${sync.tenantId}|${sync.connectorId}`, { batchId: sync.syncId, createdAt, position });
}

function graphEventMessage(event: GraphEvent, at: { batchId: string; createdAt: string; position: number }): OutboxMessage {
  return toOutbox(graphEventEnvelope(event), TOPICS.graphEvents, `${event.tenantId}|${event.entityId}`, at);
}

/**
 * The Kafka message of an outbox entry: as stored for messages made in advance; wrapped now for a
 * graph event kept as its own outbox row. Deterministic, so a resend after a crash is the same
 * message (same id, key, headers and payload) and consumers deduplicate it.
 */
export function messageOf(entry: OutboxEntry): OutboxMessage {
  if (!isEventOutboxEntry(entry)) return entry;
  const { event, kind: _kind, ...at } = entry;
  return graphEventMessage(event, at);
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
 * deduplicate without parsing the payload. They repeat in every record and cost the producer CPU
 * per header, so only what a consumer needs before parsing belongs here: the CloudEvents 1.0
 * binary-mode context (id, source, type), nothing the envelope already says twice.
 */
export function messageHeaders(envelope: Envelope): Record<string, string> {
  return cloudEventHeaders(envelope);
}
