import { shortHash } from '../model/index.ts';
import { hex128OfStrings } from '../model/json-hash128.ts';

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

/**
 * The diff's event ids, same shape as makeEventId's (`evt_` and 32 hex digits; the schemas ask
 * only for a non-empty string) and as deterministic, made by the 128-bit hash of json-hash128.ts
 * over (tenant, sync, event type, entity, edge): a first sync of 1M nodes makes 4M of them, and a
 * sha256 each through node:crypto was seconds of it (~1.5 µs an id; this is ~0.1 µs). Odds that
 * two events of one tenant share an id by chance: ~n²/2^129, ~10^-15 for 10^12 events. Not a
 * cryptographic hash: someone who picks entity ids and knows a sync's id before it runs could in
 * principle make two of its events share an id (a consumer would drop one as a duplicate); the
 * same trade as the content hashes (model/json-hash128.ts), closed the same way if it ever matters.
 */
export function eventIdsOf(tenantId: string, syncId: string): (eventType: string, entityId: string, edgeId?: string) => string {
  return (eventType, entityId, edgeId) => hex128OfStrings('evt_', tenantId, syncId, eventType, entityId, edgeId ?? '');
}
