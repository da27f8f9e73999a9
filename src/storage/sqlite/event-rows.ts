import type { GraphEvent } from '../../model/index.ts';

// An event row keeps in its JSON only what its columns do not: the columns (id, tenant, time,
// sync, position, entity, kind, relationship, target) are needed for the indexes anyway, and
// writing them twice made the events table the largest part of the file (a first sync writes an
// event per node and edge). Rows written before schema 3 hold the whole event; reading lays the
// JSON over the columns, so both read the same.
//
// A tenant's first sync writes an event per node and edge whose after-state is exactly the row
// it writes beside it. Such an event keeps, instead of a second copy of that state, the time the
// row's version starts (`afterRow`): reading looks the version up (current row or history). A
// version is only ever replaced without a history row when a later commit writes the same
// entity at the same moment; the adapter copies the state into the events that point at it
// first (materializeAfterRows), so a reference never dangles.

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

/**
 * What an event row's JSON holds: the fields without a column of their own. With `afterRow`, the
 * after-state is the version of its node or edge starting then, referred to instead of copied
 * (and the before-state is null, the reader's default, so it is left out).
 */
export function eventBody(event: GraphEvent, afterRow?: string): string {
  const { sourceConnector, edgeId, beforeState, afterState, changedProperties } = event;
  if (afterRow === undefined) return JSON.stringify({ sourceConnector, edgeId, beforeState, afterState, changedProperties });
  // Most rows of a first sync (millions), all with one connector and one time: the text
  // JSON.stringify makes of { sourceConnector, edgeId, afterRow }, from pieces made once per
  // connector and time; only the edge id is stringified per event.
  if (refPieces?.sourceConnector !== sourceConnector || refPieces.afterRow !== afterRow) {
    const head = `{"sourceConnector":${JSON.stringify(sourceConnector)}`;
    const tail = `,"afterRow":${JSON.stringify(afterRow)}}`;
    refPieces = { sourceConnector, afterRow, head, tail, nodeBody: head + tail };
  }
  return edgeId === undefined ? refPieces.nodeBody : `${refPieces.head},"edgeId":${JSON.stringify(edgeId)}${refPieces.tail}`;
}

let refPieces: { sourceConnector: string; afterRow: string; head: string; tail: string; nodeBody: string } | undefined;

/** The version of a node (no edgeId) or an edge that started at `validFrom`, as stored. */
export type VersionLookup = (
  /** The tenant's key (tenant-keys.ts). */
  tenant: string,
  entity: { nodeId: string } | { edgeId: string; sourceNodeId: string },
  validFrom: string,
) => NonNullable<GraphEvent['afterState']> | undefined;

/**
 * The event as the diff made it (same fields, same order), from its columns and its JSON. The row's
 * tenant column holds the tenant's key (tenant-keys.ts), which version lookups take; the event
 * carries the tenant's id.
 */
export function eventFromRow(row: EventRow, versionOf: VersionLookup, tenantId: string): GraphEvent {
  const body = JSON.parse(row.json) as Partial<GraphEvent> & { afterRow?: string };
  const event = {
    eventId: row.event_id,
    tenantId,
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
  event.afterState = body.afterRow === undefined ? (body.afterState ?? null) : afterStateOf(event, row.tenant, body.afterRow, versionOf);
  if (body.changedProperties !== undefined) event.changedProperties = body.changedProperties;
  return event;
}

function afterStateOf(event: GraphEvent, tenant: string, validFrom: string, versionOf: VersionLookup): GraphEvent['afterState'] {
  const entity = event.edgeId === undefined ? { nodeId: event.entityId } : { edgeId: event.edgeId, sourceNodeId: event.entityId };
  const state = versionOf(tenant, entity, validFrom);
  // Never expected (history is kept, same-moment rewrites copy the state first): a loud error, not a silent null state.
  if (state === undefined)
    throw new Error(`event ${event.eventId}: the version of ${event.edgeId ?? event.entityId} from ${validFrom} it refers to is not stored`);
  return state;
}
