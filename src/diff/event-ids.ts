import { shortHash } from '../model/index.ts';

/**
 * Deterministic event id: the same tenant, sync and change always give the same id, so a replayed
 * sync or a re-published outbox row is recognised by consumers as a duplicate.
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
