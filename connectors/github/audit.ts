import { collectAuditRecords, timestampCursorState } from '../../src/connector/audit-cursor.ts';
import type { AuditLogExtractOptions, AuditLogExtraction, AuditRecord, ConnectorConfig, MappedAuditEvent } from '../../src/connector/types.ts';
import { makeNodeId, redactSecrets } from '../../src/model/index.ts';
import type { EventType, NodeType } from '../../src/model/index.ts';
import { gitHubApi } from './client.ts';
import type { GitHubSettings } from './config.ts';

// Audit-log mode from the organization audit log (GET /orgs/{org}/audit-log, Enterprise Cloud;
// about 180 days kept, 90 for Git events). Records come oldest first from a `created:>=` phrase,
// paged by the Link header's cursor. Actions map to the model's event vocabulary by the entity
// each one is about: a person (user), a team, an App installation, a token, a workflow.

type R = Record<string, unknown>;

interface Rule {
  eventType: EventType;
  entityType: NodeType;
  /** The node's source id within the GitHub scope, from the record's fields. */
  entity: (r: R) => string | undefined;
}

const user = (r: R) => (typeof r.user === 'string' && r.user ? `user/${r.user.toLowerCase()}` : undefined);
const installation = (r: R) => (r.installation_id !== undefined ? `installation/${String(r.installation_id)}` : undefined);
const token = (r: R) => (r.token_id !== undefined ? `pat/${String(r.token_id)}` : undefined);
const workflow = (r: R) => (typeof r.repo === 'string' && typeof r.workflow_path === 'string' ? `workflow/${r.repo.toLowerCase()}/${r.workflow_path}` : undefined);

export const GITHUB_AUDIT_ACTIONS: Record<string, Rule> = {
  'org.add_member': { eventType: 'role_assigned', entityType: 'human_identity', entity: user },
  'org.update_member': { eventType: 'role_assigned', entityType: 'human_identity', entity: user },
  'org.remove_member': { eventType: 'role_revoked', entityType: 'human_identity', entity: user },
  'team.add_member': { eventType: 'role_assigned', entityType: 'human_identity', entity: user },
  'team.remove_member': { eventType: 'role_revoked', entityType: 'human_identity', entity: user },
  'integration_installation.create': { eventType: 'created', entityType: 'identity', entity: installation },
  'integration_installation.destroy': { eventType: 'deleted', entityType: 'identity', entity: installation },
  'integration_installation.suspend': { eventType: 'status_changed', entityType: 'identity', entity: installation },
  'integration_installation.version_updated': { eventType: 'permission_granted', entityType: 'identity', entity: installation },
  'integration_installation.repositories_added': { eventType: 'permission_granted', entityType: 'identity', entity: installation },
  'integration_installation.repositories_removed': { eventType: 'permission_revoked', entityType: 'identity', entity: installation },
  'personal_access_token.access_granted': { eventType: 'credential_created', entityType: 'credential', entity: token },
  'personal_access_token.access_revoked': { eventType: 'credential_deleted', entityType: 'credential', entity: token },
  'workflows.enable_workflow': { eventType: 'status_changed', entityType: 'automation', entity: workflow },
  'workflows.disable_workflow': { eventType: 'status_changed', entityType: 'automation', entity: workflow },
};

export async function extractGitHubAuditLogs(config: ConnectorConfig, settings: GitHubSettings, options: AuditLogExtractOptions): Promise<AuditLogExtraction> {
  const api = gitHubApi(config, settings);
  const org = settings.sourceConfig.organization;
  const since = options.cursor?.cursorState.lastActivityDatetime ?? options.since;
  const phrase = [`created:>=${since}`, ...(options.until ? [`created:<=${options.until}`] : [])].join(' ');
  const url = api.url(`orgs/${org}/audit-log`, { phrase, order: 'asc', include: 'web', per_page: String(settings.sourceConfig.pageSize) });
  const records = await collectAuditRecords(api.pages(url), toAuditRecord, options, since);
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
      sourceSystem: 'github',
      cursorState: timestampCursorState(records, since),
      lastSuccessfulSync: extractedAt,
    },
    metadata: {
      recordsFetched: records.length,
      ...(times[0] ? { oldestRecord: times[0] } : {}),
      ...(newest ? { newestRecord: newest } : {}),
      hasMore: false,
      sourceApi: 'orgs/audit-log',
      apiCallCount: api.http.stats.apiCalls,
    },
  };
}

export function toAuditRecord(raw: R): AuditRecord {
  const ms = Number(raw['@timestamp'] ?? raw.created_at);
  const timestamp = Number.isFinite(ms) ? new Date(ms).toISOString() : String(raw['@timestamp'] ?? raw.created_at);
  const actor = typeof raw.actor === 'string' ? { id: raw.actor, type: raw.actor.endsWith('[bot]') ? ('service_principal' as const) : ('user' as const), displayName: raw.actor } : { id: 'unknown', type: 'unknown' as const };
  const target = typeof raw.user === 'string' ? raw.user : typeof raw.repo === 'string' ? raw.repo : typeof raw.team === 'string' ? raw.team : undefined;
  return {
    sourceRecordId: String(raw._document_id ?? `${String(raw.action)}@${timestamp}`),
    timestamp,
    operation: String(raw.action),
    actor,
    targetResources: target ? [{ id: target, type: typeof raw.user === 'string' ? 'user' : typeof raw.repo === 'string' ? 'repository' : 'team' }] : [],
    result: 'success',
    additionalDetails: Object.fromEntries(Object.entries(raw).filter(([k]) => ['org', 'repo', 'team', 'user', 'installation_id', 'token_id', 'workflow_path', 'permission'].includes(k))),
    rawRecord: redactSecrets(raw),
  };
}

export function mapGitHubAuditRecord(record: AuditRecord, sourceScope: string): MappedAuditEvent | null {
  const rule = GITHUB_AUDIT_ACTIONS[record.operation];
  if (!rule) return null;
  const sourceId = rule.entity(record.rawRecord);
  if (!sourceId) return null;
  return {
    eventType: rule.eventType,
    entityType: rule.entityType,
    entityId: makeNodeId('github', sourceScope, sourceId),
    timestamp: record.timestamp,
    sourceRecordId: record.sourceRecordId,
    detail: `${record.operation} by ${record.actor.displayName ?? record.actor.id}`,
  };
}
