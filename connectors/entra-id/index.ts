import { toConfigJsonSchema } from '../../src/connector/config.ts';
import { ConnectorError } from '../../src/connector/errors.ts';
import type { Connector } from '../../src/connector/types.ts';
import { extractEntraAuditLogs, ENTRA_AUDIT_OPERATIONS, mapEntraAuditRecord } from './audit.ts';
import { graphApi } from './client.ts';
import { EntraConfigSchema, parseEntraConfig } from './config.ts';
import { extractEntraDelta } from './delta.ts';
import { extractEntra } from './extract.ts';
import { transformEntra } from './transform.ts';

// Microsoft Entra ID through Microsoft Graph v1.0 (read-only: application permissions only).
export const entraIdConnector: Connector = {
  id: 'entra_id_v1',
  name: 'Microsoft Entra ID',
  sourceSystem: 'entra_id',
  version: '1.0.0',
  description: 'Service principals, app registrations and their credentials, users, owners, permissions, directory roles and sign-in activity from Microsoft Graph v1.0.',
  configSchema: toConfigJsonSchema(EntraConfigSchema),
  requiredPermissions: [
    { name: 'Application.Read.All', type: 'application_permission', reason: 'service principals, app registrations, owners, credentials metadata, app role assignments' },
    { name: 'User.Read.All', type: 'application_permission', reason: 'owners and their status (accountEnabled, employeeLeaveDateTime)' },
    { name: 'RoleManagement.Read.Directory', type: 'application_permission', reason: 'directory role assignments' },
    { name: 'Directory.Read.All', type: 'application_permission', reason: 'oauth2PermissionGrants (delegated consents)' },
    { name: 'AuditLog.Read.All', type: 'application_permission', reason: 'sign-in activity and directoryAudits', optional: true },
  ],
  entityTypes: ['identity', 'credential', 'human_identity', 'permission', 'role', 'execution_evidence', 'resource'],
  relationshipTypes: ['OWNED_BY', 'AUTHENTICATES_AS', 'GRANTS', 'HAS_ROLE', 'EXECUTES_ON'],

  validateConfig(config) {
    parseEntraConfig(config);
  },

  async healthCheck(config) {
    const started = Date.now();
    const checkedAt = (config.runtime?.now?.() ?? new Date()).toISOString();
    let api: ReturnType<typeof graphApi> | undefined;
    try {
      api = graphApi(config, parseEntraConfig(config));
      await api.http.getJson(api.url('organization', { $select: 'id,displayName' }));
      return { healthy: true, message: 'token issued and Graph reachable', checkedAt, latencyMs: Date.now() - started, apiCalls: api.http.stats.apiCalls };
    } catch (error) {
      if (!(error instanceof ConnectorError)) throw error;
      return { healthy: false, message: error.message, checkedAt, latencyMs: Date.now() - started, errorType: error.type, apiCalls: api?.http.stats.apiCalls ?? 0 };
    }
  },

  async extract(config, options) {
    return extractEntra(config, parseEntraConfig(config), options);
  },

  async transform(raw) {
    return transformEntra(raw);
  },

  supportsIncremental: true,
  async extractIncremental(config, _since, deltaToken) {
    return extractEntraDelta(config, parseEntraConfig(config), `delta-${Date.now()}`, deltaToken);
  },

  supportsAuditLog: true,
  auditLogConfig: {
    retentionDays: 90, // seed 003: ~90 days for Azure (P2 can extend)
    supportedOperations: Object.keys(ENTRA_AUDIT_OPERATIONS),
    rateLimit: { requestsPerSecond: 5, batchSize: 100 },
  },
  async extractAuditLogs(config, options) {
    return extractEntraAuditLogs(config, parseEntraConfig(config), options);
  },
  mapAuditRecord: mapEntraAuditRecord,
};
