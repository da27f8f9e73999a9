import { toConfigJsonSchema } from '../../src/connector/config.ts';
import { ConnectorError } from '../../src/connector/errors.ts';
import type { Connector } from '../../src/connector/types.ts';
import { extractGitHubAuditLogs, GITHUB_AUDIT_ACTIONS, mapGitHubAuditRecord } from './audit.ts';
import { gitHubApi } from './client.ts';
import { GitHubConfigSchema, parseGitHubConfig } from './config.ts';
import { extractGitHub } from './extract.ts';
import { extractGitHubIncremental } from './incremental.ts';
import { GITHUB_PRODUCES } from './mappings.ts';
import { transformGitHub } from './transform.ts';

const produced = Object.values(GITHUB_PRODUCES);

// GitHub organizations through the REST API (read-only). The CI side of non-human authority:
// App installations, tokens, deploy keys, and the workflows that log in to clouds.
export const gitHubConnector: Connector = {
  id: 'github_v1',
  name: 'GitHub',
  sourceSystem: 'github',
  version: '1.0.0',
  description: 'Organization members and roles, teams, GitHub App installations, fine-grained token grants, OAuth app approvals, repositories, Actions workflows (triggers, permissions, secrets read, cloud logins), Actions secrets, environments and deploy keys.',
  configSchema: toConfigJsonSchema(GitHubConfigSchema),
  requiredPermissions: [
    { name: 'members: read (organization)', type: 'application_permission', reason: 'members, their org role, teams' },
    { name: 'administration: read (organization)', type: 'application_permission', reason: 'App installations and their permissions' },
    { name: 'metadata: read, contents: read, actions: read (repositories)', type: 'application_permission', reason: 'repositories, workflow files, CODEOWNERS' },
    { name: 'secrets: read, variables: read, environments: read (repositories and organization)', type: 'application_permission', reason: 'secret and variable names (never values), environment protection rules' },
    { name: 'administration: read (repositories)', type: 'application_permission', reason: 'deploy keys' },
    { name: 'personal_access_tokens: read (organization, GitHub App only)', type: 'application_permission', reason: 'fine-grained token grants and requests', optional: true },
    { name: 'organization_administration: read', type: 'application_permission', reason: 'audit log (Enterprise Cloud)', optional: true },
  ],
  entityTypes: [...new Set(produced.flatMap((p) => p.nodes))].sort(),
  relationshipTypes: [...new Set(produced.flatMap((p) => p.edges))].sort(),

  validateConfig(config) {
    parseGitHubConfig(config);
  },

  async healthCheck(config) {
    const started = Date.now();
    const checkedAt = (config.runtime?.now?.() ?? new Date()).toISOString();
    let api: ReturnType<typeof gitHubApi> | undefined;
    try {
      const settings = parseGitHubConfig(config);
      api = gitHubApi(config, settings);
      await api.getJson(api.url(`orgs/${settings.sourceConfig.organization}`));
      return { healthy: true, message: 'token accepted and the organization readable', checkedAt, latencyMs: Date.now() - started, apiCalls: api.http.stats.apiCalls };
    } catch (error) {
      if (!(error instanceof ConnectorError)) throw error;
      return { healthy: false, message: error.message, checkedAt, latencyMs: Date.now() - started, errorType: error.type, apiCalls: api?.http.stats.apiCalls ?? 0 };
    }
  },

  async extract(config, options) {
    return extractGitHub(config, parseGitHubConfig(config), options);
  },

  async transform(raw) {
    return transformGitHub(raw);
  },

  supportsIncremental: true,
  async extractIncremental(config, _since, deltaToken) {
    return extractGitHubIncremental(config, parseGitHubConfig(config), `incremental-${Date.now()}`, deltaToken);
  },

  supportsAuditLog: true,
  auditLogConfig: {
    retentionDays: 180,
    supportedOperations: Object.keys(GITHUB_AUDIT_ACTIONS),
    rateLimit: { requestsPerSecond: 5, batchSize: 100 },
  },
  async extractAuditLogs(config, options) {
    return extractGitHubAuditLogs(config, parseGitHubConfig(config), options);
  },
  mapAuditRecord: mapGitHubAuditRecord,
};
