import { z } from 'zod';
import { DateTime, NonEmpty } from '../model/index.ts';
import type { Envelope } from './envelope.ts';

// CloudEvents 1.0, Kafka protocol binding, binary content mode: the message value stays our
// envelope (the event data) and the context attributes travel as `ce_`-prefixed headers, so event
// routers and CloudEvents SDKs read our messages without knowing the envelope. The older x-*
// headers stay beside them for existing consumers.

export const CLOUDEVENTS_SPEC_VERSION = '1.0';
export const CONTENT_TYPE = 'application/json';

/** Where a consumer finds the JSON Schema of a message kind (the `$id` of the files in schemas/). */
export function dataSchemaUri(kind: Envelope['kind'], version: number): string {
  return `urn:authgraph:schema:${kind.replaceAll('_', '-')}:v${version}`;
}

/** The CloudEvents `type`: reverse-DNS-like, one per kind and, where there is one, per event type. */
export function cloudEventType(envelope: Envelope): string {
  switch (envelope.kind) {
    case 'graph_event':
      return `authgraph.graph.${envelope.event.eventType}`;
    case 'sync_completed':
      return 'authgraph.sync.completed';
    case 'drift_finding':
      return `authgraph.drift.${envelope.finding.type}`;
  }
}

/** What the event is about: the entity (or edge) changed, the sync, the finding. */
function cloudEventSubject(envelope: Envelope): string {
  switch (envelope.kind) {
    case 'graph_event':
      return envelope.event.edgeId ?? envelope.event.entityId;
    case 'sync_completed':
      return envelope.syncId;
    case 'drift_finding':
      return envelope.finding.findingId;
  }
}

/** The producing context: one tenant's connector (or job). A URI reference, as the spec asks. */
export function cloudEventSource(tenantId: string, sourceConnector: string): string {
  return `/authgraph/tenants/${encodeURIComponent(tenantId)}/sources/${encodeURIComponent(sourceConnector)}`;
}

export function cloudEventHeaders(envelope: Envelope): CloudEventHeaders {
  return {
    ce_specversion: CLOUDEVENTS_SPEC_VERSION,
    ce_id: envelope.eventId,
    ce_source: cloudEventSource(envelope.tenantId, envelope.sourceConnector),
    ce_type: cloudEventType(envelope),
    ce_time: envelope.occurredAt,
    ce_subject: cloudEventSubject(envelope),
    ce_dataschema: dataSchemaUri(envelope.kind, envelope.schemaVersion),
    'content-type': CONTENT_TYPE,
  };
}

/**
 * The headers every message carries, as a consumer validates them. Other headers (x-event-id …)
 * may sit beside them.
 */
export const CloudEventHeaders = z.looseObject({
  ce_specversion: z.literal(CLOUDEVENTS_SPEC_VERSION),
  ce_id: NonEmpty,
  ce_source: NonEmpty,
  ce_type: z.string().regex(/^authgraph\.[a-z]+\.[a-z_]+$/),
  ce_time: DateTime,
  ce_subject: NonEmpty,
  ce_dataschema: z.string().regex(/^urn:authgraph:schema:[a-z-]+:v\d+$/),
  'content-type': z.literal(CONTENT_TYPE),
});
export type CloudEventHeaders = z.infer<typeof CloudEventHeaders>;

/** The CloudEvents context of a received message, or the reason it has none. */
export function readCloudEventHeaders(headers: Record<string, string>): z.ZodSafeParseResult<CloudEventHeaders> {
  return CloudEventHeaders.safeParse(headers);
}
