import type { ConnectorConfig } from '../../src/connector/types.ts';
import type { ReplayServer } from '../../src/connector/replay-server.ts';

// Shared wiring for connector tests: connector configs pointing at a replay scenario, the fixture
// credentials (fake values, fed through the environment exactly as in production), a fixed clock.

export const FIXED_NOW = new Date('2026-11-26T12:00:00Z');
export const ENTRA_TENANT = '4a1c2e9d-7b3f-4c55-9e2a-0d8f6b1a3c77';
export const ENTRA_CLIENT_ID = 'e5f6a7b8-9c0d-4e1f-8a2b-3c4d5e6f7a8b';
export const SN_INSTANCE = 'https://contoso.service-now.com';

/** Every secret value in the fixtures: none may appear in a graph, log or event. */
export const FIXTURE_SECRETS = [
  'fixture-entra-secret-Q7v~Xp2',
  'fixture-snow-password-7Hk!x',
  'Qx~fixture-graph-app-secret-should-never-leak',
  'fixture-oauth-entity-client-secret-91ZZ',
  'github_pat_fixture_11AAAA_not_a_real_token_9Zq',
];

export const FIXTURE_ENV = {
  ENTRA_CLIENT_SECRET: 'fixture-entra-secret-Q7v~Xp2',
  SERVICENOW_PASSWORD: 'fixture-snow-password-7Hk!x',
  GITHUB_TOKEN: 'github_pat_fixture_11AAAA_not_a_real_token_9Zq',
};

export interface FastPolicy {
  timeoutMs?: number;
  maxRetries?: number;
  backoffMs?: number;
  rps?: number;
  maxPartialErrors?: number;
}

function common(server: ReplayServer, policy: FastPolicy) {
  return {
    tenantId: 'acme',
    syncMode: 'full' as const,
    timeout: 120,
    apiCallTimeoutMs: policy.timeoutMs ?? 2000,
    maxPartialErrors: policy.maxPartialErrors ?? 50,
    rateLimitConfig: {
      maxRequestsPerSecond: policy.rps ?? 200,
      retryBackoffMs: policy.backoffMs ?? 20,
      maxRetries: policy.maxRetries ?? 3,
      maxRetryBackoffMs: 2000,
    },
    runtime: { env: FIXTURE_ENV, now: () => FIXED_NOW },
    _server: server,
  };
}

export function entraConfig(server: ReplayServer, scenario: string, policy: FastPolicy = {}, sourceConfig: Record<string, unknown> = {}): ConnectorConfig {
  const base = server.scenarioUrl('entra-id', scenario);
  const { _server, ...rest } = common(server, policy);
  return {
    ...rest,
    connectorId: 'entra-contoso',
    credentials: { type: 'oauth2_client_credentials', directoryTenantId: ENTRA_TENANT, clientId: ENTRA_CLIENT_ID, clientSecret: { env: 'ENTRA_CLIENT_SECRET' } },
    sourceConfig: { graphBaseUrl: base, authorityUrl: base, pageSize: 2, ...sourceConfig },
  };
}

export function serviceNowConfig(server: ReplayServer, scenario: string, policy: FastPolicy = {}, sourceConfig: Record<string, unknown> = {}): ConnectorConfig {
  const base = server.scenarioUrl('servicenow', scenario);
  const { _server, ...rest } = common(server, policy);
  return {
    ...rest,
    connectorId: 'servicenow-contoso',
    credentials: { type: 'basic', username: 'svc_authgraph_reader', password: { env: 'SERVICENOW_PASSWORD' } },
    sourceConfig: { instanceUrl: base, instanceId: SN_INSTANCE, pageSize: 3, ...sourceConfig },
  };
}

export function gitHubConfig(server: ReplayServer, scenario: string, policy: FastPolicy = {}, sourceConfig: Record<string, unknown> = {}, credentials?: ConnectorConfig['credentials']): ConnectorConfig {
  const base = server.scenarioUrl('github', scenario);
  const { _server, ...rest } = common(server, policy);
  return {
    ...rest,
    connectorId: 'github-contoso',
    credentials: credentials ?? { type: 'pat', token: { env: 'GITHUB_TOKEN' } },
    sourceConfig: { organization: 'contoso', apiBaseUrl: base, pageSize: 2, ...sourceConfig },
  };
}
