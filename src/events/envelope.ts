import { z } from 'zod';
import { DateTime, DriftFinding, GraphEvent, NonEmpty, SyncState, canonicalJson, shortHash } from '../model/index.ts';
import { hasSecrets, redactSecrets } from '../model/index.ts';

// The versioned envelope every Kafka message carries (ideas from the audit-envelope seed: a
// schema version, an idempotency key, the source). Consumers validate it with the same schema.

// Version 2 dropped from `event` the fields the envelope already carries (eventId, tenantId,
// sourceConnector, syncId, timestamp): a third of a typical message was repeats. Version 1
// messages (full event inside) still parse: zod drops the repeated keys.
export const ENVELOPE_VERSION = 2;

const envelopeBase = {
  schemaVersion: z.number().int().min(1).max(ENVELOPE_VERSION),
  /** Unique per message: deterministic from tenant, sync and change. */
  eventId: NonEmpty,
  /**
   * Identifies the change itself, independent of which sync saw it: a retried sync that observes
   * the same change under a new sync id yields the same key, so consumers apply it once.
   */
  idempotencyKey: NonEmpty,
  tenantId: NonEmpty,
  sourceConnector: NonEmpty,
  syncId: NonEmpty,
  occurredAt: DateTime,
};

/** The event without what its envelope already says. */
export const GraphEventBody = GraphEvent.omit({ eventId: true, tenantId: true, sourceConnector: true, syncId: true, timestamp: true });
export type GraphEventBody = z.infer<typeof GraphEventBody>;

export const GraphEventEnvelope = z.object({
  ...envelopeBase,
  kind: z.literal('graph_event'),
  event: GraphEventBody,
});
export type GraphEventEnvelope = z.infer<typeof GraphEventEnvelope>;

export const SyncCompletedEnvelope = z.object({
  ...envelopeBase,
  kind: z.literal('sync_completed'),
  sync: SyncState,
});
export type SyncCompletedEnvelope = z.infer<typeof SyncCompletedEnvelope>;

export const FindingEnvelope = z.object({
  ...envelopeBase,
  kind: z.literal('drift_finding'),
  finding: DriftFinding,
});
export type FindingEnvelope = z.infer<typeof FindingEnvelope>;

export const Envelope = z.discriminatedUnion('kind', [GraphEventEnvelope, SyncCompletedEnvelope, FindingEnvelope]);
export type Envelope = z.infer<typeof Envelope>;

export function changeIdempotencyKey(event: GraphEvent): string {
  return `chg_${shortHash(
    [event.tenantId, event.eventType, event.entityId, event.edgeId ?? '', canonicalJson(event.beforeState), canonicalJson(event.afterState)].join('\u0000'),
    32,
  )}`;
}

export function graphEventEnvelope(event: GraphEvent): GraphEventEnvelope {
  // Belt and braces: the model refuses secret-named fields, and nothing secret leaves here either.
  // Copied only when there is something to redact (the relay wraps every event; issue 17).
  const clean = hasSecrets(event) ? redactSecrets(event) : event;
  const { eventId: _id, tenantId: _tenant, sourceConnector: _source, syncId: _sync, timestamp: _at, ...body } = clean;
  return {
    schemaVersion: ENVELOPE_VERSION,
    kind: 'graph_event',
    eventId: event.eventId,
    idempotencyKey: changeIdempotencyKey(event),
    tenantId: event.tenantId,
    sourceConnector: event.sourceConnector,
    syncId: event.syncId,
    occurredAt: event.timestamp,
    event: body,
  };
}

/** The GraphEvent a graph_event envelope carries, its repeated fields put back. */
export function graphEventOf(envelope: GraphEventEnvelope): GraphEvent {
  return {
    ...envelope.event,
    eventId: envelope.eventId,
    tenantId: envelope.tenantId,
    sourceConnector: envelope.sourceConnector,
    syncId: envelope.syncId,
    timestamp: envelope.occurredAt,
  };
}

export function syncCompletedEnvelope(sync: SyncState): SyncCompletedEnvelope {
  return {
    schemaVersion: ENVELOPE_VERSION,
    kind: 'sync_completed',
    eventId: `sync_${shortHash(`${sync.tenantId}\u0000${sync.syncId}\u0000${sync.status}`, 32)}`,
    idempotencyKey: `sync_${shortHash(`${sync.tenantId}\u0000${sync.syncId}`, 32)}`,
    tenantId: sync.tenantId,
    sourceConnector: sync.connectorId,
    syncId: sync.syncId,
    occurredAt: sync.completedAt ?? sync.startedAt,
    sync,
  };
}
