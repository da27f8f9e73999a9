import { toIso } from '../../src/connector/collection.ts';
import type { AuditLogExtractOptions, AuditLogExtraction, AuditRecord, ConnectorConfig, MappedAuditEvent } from '../../src/connector/types.ts';
import { isSecretName, makeNodeId, REDACTED, redactSecrets } from '../../src/model/index.ts';
import type { EventType, NodeType } from '../../src/model/index.ts';
import { tableApi, tablePages } from './client.ts';
import type { ServiceNowSettings } from './config.ts';
import { serviceNowTime } from './extract.ts';

// Audit-log sync from sys_audit (seed 003 lifecycle step 3). sys_audit keeps one row per changed
// field; inserts are the rows with record_checkpoint 1 and deletes the "DELETED" pseudo-field.
// Rows are immutable, so the window is on sys_created_on (the seed's sys_updated_on equals it).

type R = Record<string, unknown>;
const AUDITED_TABLES = ['sys_user', 'sys_user_has_role', 'sys_user_grmember', 'sys_user_group', 'oauth_entity', 'oauth_entity_scope'];

export async function extractServiceNowAuditLogs(config: ConnectorConfig, settings: ServiceNowSettings, options: AuditLogExtractOptions): Promise<AuditLogExtraction> {
  const api = tableApi(config, settings);
  const since = options.cursor?.cursorState.lastSysUpdatedOn ?? options.since;
  const clauses = [`sys_created_on>=${serviceNowTime(new Date(since))}`, `tablenameIN${AUDITED_TABLES.join(',')}`];
  if (options.until) clauses.push(`sys_created_on<=${serviceNowTime(new Date(options.until))}`);
  const url = api.tableUrl('sys_audit', {
    sysparm_query: `${clauses.join('^')}^ORDERBYsys_created_on^ORDERBYsys_id`,
    sysparm_limit: String(settings.sourceConfig.pageSize),
    sysparm_offset: '0',
    sysparm_exclude_reference_link: 'true',
  });
  const records: AuditRecord[] = [];
  for await (const page of tablePages(api.http, url, settings.sourceConfig.pageSize)) {
    for (const row of page) {
      if (options.cursor?.cursorState.lastSysId === row.sys_id) continue; // delivered last time (>= window)
      const record = toServiceNowAuditRecord(row);
      if (!options.operations || options.operations.includes(record.operation)) records.push(record);
    }
  }
  const times = records.map((r) => r.timestamp).sort();
  const newest = records.at(-1);
  const extractedAt = (config.runtime?.now?.() ?? new Date()).toISOString();
  return {
    syncId: options.syncId,
    connectorId: config.connectorId,
    tenantId: config.tenantId,
    extractedAt,
    auditRecords: records,
    nextCursor: {
      tenantId: config.tenantId,
      sourceSystem: 'servicenow',
      cursorState: { lastSysUpdatedOn: newest?.timestamp ?? since, ...(newest ? { lastSysId: newest.sourceRecordId } : {}) },
      lastSuccessfulSync: extractedAt,
    },
    metadata: {
      recordsFetched: records.length,
      ...(times[0] ? { oldestRecord: times[0] } : {}),
      ...(times.at(-1) ? { newestRecord: times.at(-1) } : {}),
      hasMore: false,
      sourceApi: 'sys_audit',
      apiCallCount: api.http.stats.apiCalls,
    },
  };
}

export function toServiceNowAuditRecord(row: R): AuditRecord {
  const table = String(row.tablename);
  const field = String(row.fieldname);
  const action = field === 'DELETED' ? 'delete' : String(row.record_checkpoint) === '1' ? 'insert' : 'update';
  // sys_audit keeps values under generic names (oldvalue/newvalue): the field name says if they are secret.
  if (isSecretName(field)) row = { ...row, oldvalue: row.oldvalue ? REDACTED : row.oldvalue, newvalue: row.newvalue ? REDACTED : row.newvalue };
  return {
    sourceRecordId: String(row.sys_id),
    timestamp: toIso(row.sys_created_on) ?? String(row.sys_created_on),
    operation: action === 'update' ? `${table}.${field} update` : `${table} ${action}`,
    actor: { id: String(row.user ?? 'unknown'), type: row.user === 'system' ? 'system' : row.user ? 'user' : 'unknown', displayName: String(row.user ?? '') },
    targetResources: [
      { id: String(row.documentkey), type: table, modifiedProperties: [{ name: field, oldValue: row.oldvalue ?? null, newValue: row.newvalue ?? null }] },
    ],
    result: 'success',
    ...(row.reason ? { additionalDetails: { reason: row.reason } } : {}),
    rawRecord: redactSecrets(row),
  };
}

/** Seed "Audit Operation Mapping" for ServiceNow; null for rows the model does not track. */
export function mapServiceNowAuditRecord(record: AuditRecord, scope: string): MappedAuditEvent | null {
  const target = record.targetResources[0];
  if (!target) return null;
  const change = target.modifiedProperties?.[0];
  const field = change?.name ?? '';
  const off = String(change?.newValue) === 'false';
  const id = (table: string, sysId: string) => makeNodeId('servicenow', scope, `${table}/${sysId}`);
  const out = (eventType: EventType, entityType: NodeType, entityId: string, detail?: string): MappedAuditEvent => ({
    eventType,
    entityType,
    entityId,
    timestamp: record.timestamp,
    sourceRecordId: record.sourceRecordId,
    ...(detail ? { detail } : {}),
  });
  const [table = '', action = ''] = record.operation.split(' ');
  const user = (v: unknown) => id('sys_user', String(v));
  switch (table) {
    case 'sys_user':
      if (action === 'insert' && field === 'user_name') return out('created', 'human_identity', user(target.id));
      return null;
    case 'sys_user.active':
      return off ? out('status_changed', 'human_identity', user(target.id), 'active → false') : null;
    case 'sys_user_has_role':
      if (action === 'insert' && field === 'user') return out('role_assigned', 'human_identity', user(change?.newValue));
      if (action === 'delete') return out('role_revoked', 'human_identity', id('sys_user_has_role', target.id));
      return null;
    case 'sys_user_grmember':
      return action === 'insert' && field === 'user' ? out('relationship_added', 'human_identity', user(change?.newValue)) : null;
    case 'sys_user_group.active':
      return off ? out('status_changed', 'role', id('sys_user_group', target.id), 'team deactivated') : null;
    case 'oauth_entity':
      return action === 'insert' && field === 'name' ? out('created', 'credential', id('oauth_entity', target.id)) : null;
    case 'oauth_entity.active':
      return off ? out('status_changed', 'credential', id('oauth_entity', target.id), 'active → false') : null;
    case 'oauth_entity_scope':
      if (action === 'insert' && field === 'oauth_entity') return out('permission_granted', 'credential', id('oauth_entity', String(change?.newValue)));
      if (action === 'delete') return out('permission_revoked', 'credential', id('oauth_entity_scope', target.id));
      return null;
    default:
      return null;
  }
}

export const SERVICENOW_AUDIT_OPERATIONS = [
  'sys_user insert',
  'sys_user.active update',
  'sys_user_has_role insert',
  'sys_user_has_role delete',
  'sys_user_grmember insert',
  'sys_user_group.active update',
  'oauth_entity insert',
  'oauth_entity.active update',
  'oauth_entity_scope insert',
  'oauth_entity_scope delete',
];
