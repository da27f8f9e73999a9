import { toConfigJsonSchema } from '../../src/connector/config.ts';
import { ConnectorError } from '../../src/connector/errors.ts';
import type { Connector } from '../../src/connector/types.ts';
import { extractServiceNowAuditLogs, mapServiceNowAuditRecord, SERVICENOW_AUDIT_OPERATIONS } from './audit.ts';
import { tableApi } from './client.ts';
import { parseServiceNowConfig, ServiceNowConfigSchema } from './config.ts';
import { extractServiceNow } from './extract.ts';
import { serviceNowResolverHints } from './hints.ts';
import { transformOptionsOf, transformServiceNow } from './transform.ts';

export const serviceNowConnector: Connector = {
  id: 'servicenow_v1',
  name: 'ServiceNow',
  sourceSystem: 'servicenow',
  version: '1.0.0',
  description: 'Business rules, script includes, scheduled jobs, flows, REST messages, OAuth registry, users, roles, groups, tables and transaction evidence through the Table API.',
  configSchema: toConfigJsonSchema(ServiceNowConfigSchema),
  requiredPermissions: [
    { name: 'snc_read_only', type: 'role', reason: 'read-only access to every table below' },
    { name: 'sys_script, sys_script_include, sysauto_script, sys_hub_flow', type: 'table_read_acl', reason: 'automations and their scripts' },
    { name: 'sys_rest_message, sys_rest_message_fn, oauth_entity, oauth_entity_profile', type: 'table_read_acl', reason: 'outbound integrations and OAuth registry (client ids, never secrets)' },
    { name: 'sys_user, sys_user_role, sys_user_has_role, sys_user_group, sys_user_grmember, sys_db_object', type: 'table_read_acl', reason: 'identities, privileges and tables' },
    { name: 'syslog_transaction', type: 'table_read_acl', reason: 'execution evidence', optional: true },
    { name: 'sys_audit', type: 'table_read_acl', reason: 'audit-log sync', optional: true },
  ],
  entityTypes: ['automation', 'connection', 'credential', 'identity', 'human_identity', 'role', 'permission', 'resource', 'execution_evidence'],
  relationshipTypes: ['OWNED_BY', 'CREATED_BY', 'HAS_ROLE', 'MEMBER_OF', 'GRANTS', 'APPLIES_TO', 'USES', 'EXECUTES_ON'],

  validateConfig(config) {
    parseServiceNowConfig(config);
  },

  async healthCheck(config) {
    const started = Date.now();
    const checkedAt = (config.runtime?.now?.() ?? new Date()).toISOString();
    let api: ReturnType<typeof tableApi> | undefined;
    try {
      api = tableApi(config, parseServiceNowConfig(config));
      await api.http.getJson(api.tableUrl('sys_user', { sysparm_limit: '1', sysparm_fields: 'sys_id' }));
      return { healthy: true, message: 'Table API reachable with these credentials', checkedAt, latencyMs: Date.now() - started, apiCalls: api.http.stats.apiCalls };
    } catch (error) {
      if (!(error instanceof ConnectorError)) throw error;
      return { healthy: false, message: error.message, checkedAt, latencyMs: Date.now() - started, errorType: error.type, apiCalls: api?.http.stats.apiCalls ?? 0 };
    }
  },

  async extract(config, options) {
    return extractServiceNow(config, parseServiceNowConfig(config), options);
  },

  async transform(raw) {
    return transformServiceNow(raw, transformOptionsOf(raw));
  },

  resolverHints: serviceNowResolverHints,

  supportsIncremental: false,
  supportsAuditLog: true,
  auditLogConfig: {
    retentionDays: 365,
    supportedOperations: SERVICENOW_AUDIT_OPERATIONS,
    rateLimit: { requestsPerSecond: 5, batchSize: 1000 },
  },
  async extractAuditLogs(config, options) {
    return extractServiceNowAuditLogs(config, parseServiceNowConfig(config), options);
  },
  mapAuditRecord: mapServiceNowAuditRecord,
};
