import { makeEventId } from '../diff/index.ts';
import type { AuditRecord, MappedAuditEvent } from '../connector/types.ts';
import type { GraphEvent, JsonObject } from '../model/index.ts';
import { redactSecrets } from '../model/index.ts';

/**
 * Audit records (already mapped to the seed's event types by the connector) become GraphEvents.
 * The event id comes from the source record id, so fetching an overlapping window again — the
 * cursor is inclusive — yields the same ids and stores nothing twice.
 */
export function auditRecordsToEvents(
  records: readonly AuditRecord[],
  map: (record: AuditRecord) => MappedAuditEvent | null,
  context: { tenantId: string; connectorId: string; syncId: string },
): GraphEvent[] {
  const events: GraphEvent[] = [];
  for (const record of records) {
    if (record.result === 'failure') continue; // a failed operation changed nothing
    const mapped = map(record);
    if (!mapped) continue;
    const target = record.targetResources[0];
    const modified = target?.modifiedProperties ?? [];
    events.push({
      eventId: makeEventId({ tenantId: context.tenantId, syncId: `audit:${context.connectorId}`, eventType: mapped.eventType, entityId: mapped.entityId, edgeId: record.sourceRecordId }),
      tenantId: context.tenantId,
      timestamp: mapped.timestamp,
      entityType: mapped.entityType,
      entityId: mapped.entityId,
      eventType: mapped.eventType,
      beforeState: modified.length ? (redactSecrets(Object.fromEntries(modified.map((m) => [m.name, m.oldValue ?? null]))) as JsonObject) : null,
      afterState: redactSecrets({
        operation: record.operation,
        actor: record.actor,
        sourceRecordId: record.sourceRecordId,
        ...(mapped.detail ? { detail: mapped.detail } : {}),
        ...Object.fromEntries(modified.map((m) => [m.name, m.newValue ?? null])),
      }) as JsonObject,
      ...(modified.length ? { changedProperties: modified.map((m) => m.name).sort() } : {}),
      sourceConnector: context.connectorId,
      syncId: context.syncId,
      sequence: events.length,
    });
  }
  return events;
}
