import { shortHash } from '../model/index.ts';
import { hex128Of, lanes128OfStrings } from '../model/json-hash128.ts';

/**
 * Deterministic event id: the same tenant, sync and change always give the same id, so a replayed
 * sync or a re-published outbox row is recognised by consumers as a duplicate. sha256 of the
 * parts; kept for audit records (sync/audit-events.ts), whose ids must stay the same across
 * versions because an overlapping audit window is recognised by them.
 */
export function makeEventId(parts: {
  tenantId: string;
  syncId: string;
  eventType: string;
  entityId: string;
  edgeId?: string;
}): string {
  return `evt_${shortHash([parts.tenantId, parts.syncId, parts.eventType, parts.entityId, parts.edgeId ?? ''].join('\u0000'), 32)}`;
}

/** The event types a diff emits (seed 003's diff rules), each a tag word in its event ids. */
type DiffEventType = 'created' | 'updated' | 'deleted' | 'relationship_added' | 'relationship_removed';
const TAGS: Record<DiffEventType, number> = { created: 1, updated: 2, deleted: 3, relationship_added: 4, relationship_removed: 5 };

export interface DiffEventIds {
  /** Id of a node event (created, updated, deleted) of `nodeId`. */
  node(eventType: DiffEventType, nodeId: string): string;
  /** Id of an edge event (relationship_added/_removed) of `edgeId`. */
  edge(eventType: DiffEventType, edgeId: string): string;
}

/**
 * The diff's event ids, same shape as makeEventId's (`evt_` and 32 hex digits; the schemas ask
 * only for a non-empty string) and as deterministic: the 128-bit hash of json-hash128.ts over
 * (tenant, sync) — hashed once per sync — the event type and the entity's id. An edge event is
 * named by its edge id alone: the edge id is made of type and ends (validateGraph), so it fixes the
 * event's entity (the source node) too. A first sync of 1M nodes makes 4M ids, and a sha256 each
 * through node:crypto was seconds of it. Odds that two events of one tenant share an id by
 * chance: ~n²/2^129, ~10^-15 for 10^12 events. Not a cryptographic hash: someone who picks entity
 * ids and knows a sync's id before it runs could in principle make two of its events share an id
 * (a consumer would drop one as a duplicate); the same trade as the content hashes
 * (model/json-hash128.ts), closed the same way if it ever matters.
 */
export function diffEventIds(tenantId: string, syncId: string): DiffEventIds {
  const batch = lanes128OfStrings(tenantId, syncId);
  return {
    node: (eventType, nodeId) => hex128Of('evt_', batch, TAGS[eventType], nodeId),
    // Edge tags sit above node tags: a node and an edge of one id never share an event id.
    edge: (eventType, edgeId) => hex128Of('evt_', batch, TAGS[eventType] + 8, edgeId),
  };
}
