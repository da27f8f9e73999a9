import type { GraphEvent } from '../../model/index.ts';

// An event row keeps in its JSON only what its columns do not: the columns (id, tenant, time,
// sync, position, entity, kind, relationship, target) are needed for the indexes anyway, and
// writing them twice made the events table the largest part of the file (a first sync writes an
// event per node and edge). Rows written before schema 3 hold the whole event; reading lays the
// JSON over the columns, so both read the same.

/** The columns an event is read back from, in the order of EventRow. */
export const EVENT_ROW_COLUMNS = 'event_id, tenant, ts, sync_id, sequence, entity_id, target_entity_id, entity_type, event_type, relationship_type, json';

export interface EventRow {
  event_id: string;
  tenant: string;
  ts: string;
  sync_id: string;
  sequence: number;
  entity_id: string;
  target_entity_id: string | null;
  entity_type: GraphEvent['entityType'];
  event_type: GraphEvent['eventType'];
  relationship_type: GraphEvent['relationshipType'] | null;
  json: string;
}

/** What an event row's JSON holds: the fields without a column of their own. */
export function eventBody(event: GraphEvent): string {
  return JSON.stringify({
    sourceConnector: event.sourceConnector,
    edgeId: event.edgeId,
    beforeState: event.beforeState,
    afterState: event.afterState,
    changedProperties: event.changedProperties,
  });
}

/** The event as the diff made it (same fields, same order), from its columns and its JSON. */
export function eventFromRow(row: EventRow): GraphEvent {
  const body = JSON.parse(row.json) as Partial<GraphEvent>;
  const event = {
    eventId: row.event_id,
    tenantId: row.tenant,
    timestamp: row.ts,
    sourceConnector: body.sourceConnector!,
    syncId: row.sync_id,
    sequence: row.sequence,
    entityType: row.entity_type,
    entityId: row.entity_id,
    eventType: row.event_type,
  } as GraphEvent;
  if (row.relationship_type !== null) event.relationshipType = row.relationship_type;
  if (row.target_entity_id !== null) event.targetEntityId = row.target_entity_id;
  if (body.edgeId !== undefined) event.edgeId = body.edgeId;
  event.beforeState = body.beforeState ?? null;
  event.afterState = body.afterState ?? null;
  if (body.changedProperties !== undefined) event.changedProperties = body.changedProperties;
  return event;
}
