import { collectAuditRecords, timestampCursorState } from '../../src/connector/audit-cursor.ts';
import type { AuditLogExtractOptions, AuditLogExtraction, AuditRecord, ConnectorConfig, MappedAuditEvent } from '../../src/connector/types.ts';
import { makeNodeId, redactSecrets } from '../../src/model/index.ts';
import type { EventType, NodeType } from '../../src/model/index.ts';
import { toIso } from '../../src/connector/collection.ts';
import { graphApi, odataPages } from './client.ts';
import type { EntraSettings } from './config.ts';

// Audit-log sync from /auditLogs/directoryAudits (seed 003 "Audit Log Sync Lifecycle" step 3) and
// the seed's operation table mapping activityDisplayName to event types.

type R = Record<string, unknown>;

export const ENTRA_AUDIT_OPERATIONS: Record<string, { eventType: EventType; entityType: NodeType | 'by_target' }> = {
  'Add service principal': { eventType: 'created', entityType: 'identity' },
  'Update service principal': { eventType: 'updated', entityType: 'identity' },
  'Delete service principal': { eventType: 'deleted', entityType: 'identity' },
  'Add member to role': { eventType: 'role_assigned', entityType: 'by_target' },
  'Remove member from role': { eventType: 'role_revoked', entityType: 'by_target' },
  'Add owner to service principal': { eventType: 'owner_assigned', entityType: 'identity' },
  'Remove owner from service principal': { eventType: 'owner_removed', entityType: 'identity' },
  'Add app role assignment to service principal': { eventType: 'permission_granted', entityType: 'identity' },
  'Remove app role assignment from service principal': { eventType: 'permission_revoked', entityType: 'identity' },
  'Update user': { eventType: 'status_changed', entityType: 'human_identity' },
  'Delete user': { eventType: 'status_changed', entityType: 'human_identity' },
  'Add service principal credentials': { eventType: 'credential_created', entityType: 'credential' },
  'Remove service principal credentials': { eventType: 'credential_deleted', entityType: 'credential' },
  'Consent to application': { eventType: 'permission_granted', entityType: 'identity' },
};

export async function extractEntraAuditLogs(config: ConnectorConfig, settings: EntraSettings, options: AuditLogExtractOptions): Promise<AuditLogExtraction> {
  const api = graphApi(config, settings);
  const since = options.cursor?.cursorState.lastActivityDatetime ?? options.since;
  const filter = [`activityDateTime ge ${since}`, ...(options.until ? [`activityDateTime le ${options.until}`] : [])].join(' and ');
  const url = api.url('auditLogs/directoryAudits', { $filter: filter, $orderby: 'activityDateTime asc', $top: String(settings.sourceConfig.pageSize) });
  const records = await collectAuditRecords(odataPages(api.http, url), toAuditRecord, options, since);
  const times = records.map((r) => r.timestamp).sort();
  const newest = times.at(-1);
  const extractedAt = (config.runtime?.now?.() ?? new Date()).toISOString();
  return {
    syncId: options.syncId,
    connectorId: config.connectorId,
    tenantId: config.tenantId,
    extractedAt,
    auditRecords: records,
    nextCursor: {
      tenantId: config.tenantId,
      sourceSystem: 'entra_id',
      cursorState: timestampCursorState(records, since),
      lastSuccessfulSync: extractedAt,
    },
    metadata: {
      recordsFetched: records.length,
      ...(times[0] ? { oldestRecord: times[0] } : {}),
      ...(newest ? { newestRecord: newest } : {}),
      hasMore: false,
      sourceApi: 'directoryAudits',
      apiCallCount: api.http.stats.apiCalls,
    },
  };
}

export function toAuditRecord(raw: R): AuditRecord {
  const by = (raw.initiatedBy ?? {}) as { user?: R | null; app?: R | null };
  const actor = by.user
    ? { id: String(by.user.id), type: 'user' as const, displayName: String(by.user.userPrincipalName ?? by.user.displayName ?? '') }
    : by.app
      ? { id: String(by.app.servicePrincipalId ?? by.app.appId), type: 'service_principal' as const, displayName: String(by.app.displayName ?? '') }
      : { id: 'unknown', type: 'unknown' as const };
  const result = raw.result === 'success' ? 'success' : raw.result === 'failure' ? 'failure' : 'unknown';
  return {
    sourceRecordId: String(raw.id),
    timestamp: toIso(raw.activityDateTime) ?? String(raw.activityDateTime),
    operation: String(raw.activityDisplayName),
    actor,
    targetResources: ((raw.targetResources as R[] | undefined) ?? []).map((t) => ({
      id: String(t.id),
      type: String(t.type ?? 'unknown'),
      ...(t.displayName ? { displayName: String(t.displayName) } : {}),
      modifiedProperties: ((t.modifiedProperties as R[] | undefined) ?? []).map((m) => ({
        name: String(m.displayName),
        oldValue: m.oldValue ?? null,
        newValue: m.newValue ?? null,
      })),
    })),
    result,
    additionalDetails: Object.fromEntries(((raw.additionalDetails as R[] | undefined) ?? []).map((d) => [String(d.key), d.value])),
    rawRecord: redactSecrets(raw),
  };
}

/** Seed "Audit Operation Mapping" for Entra; null for operations the model does not track. */
export function mapEntraAuditRecord(record: AuditRecord, tenantScope: string): MappedAuditEvent | null {
  const rule = ENTRA_AUDIT_OPERATIONS[record.operation];
  if (!rule) return null;
  const target = record.targetResources.find((t) => ['ServicePrincipal', 'User', 'Application'].includes(t.type)) ?? record.targetResources[0];
  if (!target) return null;
  let detail: string | undefined;
  if (record.operation === 'Update user') {
    // Only a disable is a status change; other user edits are plain updates.
    const enabled = target.modifiedProperties?.find((m) => m.name === 'AccountEnabled');
    if (!enabled || !/false/i.test(JSON.stringify(enabled.newValue))) {
      return base('updated', 'human_identity');
    }
    detail = 'accountEnabled → false';
  }
  if (record.operation === 'Delete user') detail = 'decayed';
  const entityType = rule.entityType === 'by_target' ? (target.type === 'User' ? 'human_identity' : 'identity') : rule.entityType;
  return base(rule.eventType, entityType);

  function base(eventType: EventType, entityType: NodeType): MappedAuditEvent {
    return {
      eventType,
      entityType,
      entityId: makeNodeId('entra_id', tenantScope, (target as { id: string }).id),
      timestamp: record.timestamp,
      sourceRecordId: record.sourceRecordId,
      ...(detail ? { detail } : {}),
    };
  }
}
