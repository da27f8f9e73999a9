import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entraIdConnector } from '../../../connectors/entra-id/index.ts';
import { parseEntraConfig } from '../../../connectors/entra-id/config.ts';
import { collectTenantGraphs } from '../../../src/sync/run-connectors.ts';
import { ReplayServer } from '../../../src/connector/replay-server.ts';
import { ENTRA_CLIENT_ID, ENTRA_TENANT, entraConfig } from '../../support/connectors-fixtures.ts';

// Issue 12: Entra connects wherever Graph does. The token request's scope follows the national
// cloud of graphBaseUrl (graph.microsoft.com for any other host: a proxy, a mock, this replay
// server), graphScope overrides it, and a refused token request says what the endpoint said.

const settings = (sourceConfig: Record<string, unknown>) =>
  parseEntraConfig({
    connectorId: `entra-${JSON.stringify(sourceConfig)}`,
    credentials: { type: 'oauth2_client_credentials', directoryTenantId: ENTRA_TENANT, clientId: ENTRA_CLIENT_ID, clientSecret: { env: 'ENTRA_CLIENT_SECRET' } },
    sourceConfig,
  }).sourceConfig;

describe('graphScope and authority defaults follow the national cloud', () => {
  it.each([
    ['https://graph.microsoft.com', 'https://graph.microsoft.com/.default', 'https://login.microsoftonline.com'],
    ['https://graph.microsoft.us', 'https://graph.microsoft.us/.default', 'https://login.microsoftonline.us'],
    ['https://dod-graph.microsoft.us', 'https://dod-graph.microsoft.us/.default', 'https://login.microsoftonline.us'],
    ['https://microsoftgraph.chinacloudapi.cn', 'https://microsoftgraph.chinacloudapi.cn/.default', 'https://login.chinacloudapi.cn'],
    ['https://graph-proxy.contoso.internal/msgraph', 'https://graph.microsoft.com/.default', 'https://login.microsoftonline.com'],
    ['http://127.0.0.1:4711/entra-id/happy-path', 'https://graph.microsoft.com/.default', 'https://login.microsoftonline.com'],
  ])('%s → scope %s, authority %s', (graphBaseUrl, scope, authority) => {
    expect(settings({ graphBaseUrl })).toMatchObject({ graphScope: scope, authorityUrl: authority });
  });

  it('graphScope and authorityUrl override; a scope with spaces is refused with a fix', () => {
    expect(settings({ graphBaseUrl: 'https://graph.microsoft.us', graphScope: 'api://contoso-graph/.default', authorityUrl: 'https://login.example' })).toMatchObject({
      graphScope: 'api://contoso-graph/.default',
      authorityUrl: 'https://login.example',
    });
    expect(() => settings({ graphScope: 'openid profile' })).toThrow(/graphScope: one scope, no spaces/);
  });
});

describe('Entra over a Graph on another host (the replay server)', () => {
  let server: ReplayServer;
  beforeAll(async () => {
    server = await new ReplayServer().start();
  });
  afterAll(async () => server.close());

  const run = (sourceConfig: Record<string, unknown> = {}, secret?: string) => {
    const config = entraConfig(server, 'happy-path', {}, sourceConfig);
    if (secret) config.runtime = { ...config.runtime, env: { ENTRA_CLIENT_SECRET: secret } };
    return collectTenantGraphs([{ connector: entraIdConnector, config }], { syncId: `connects-${Math.random()}` });
  };
  const tokenScopes = () => server.requestsFor('entra-id', 'happy-path').filter((r) => r.path.endsWith('/oauth2/v2.0/token')).map((r) => r.scope);

  it('asks for https://graph.microsoft.com/.default, never <graphBaseUrl>/.default, and connects', async () => {
    server.requests.length = 0;
    const result = await run();
    expect(result.connectors[0]).toMatchObject({ status: 'completed' });
    expect(new Set(tokenScopes())).toEqual(new Set(['https://graph.microsoft.com/.default']));
  });

  it('a scope Entra does not know: the endpoint\'s error, AADSTS code and description, and what to set', async () => {
    const result = await run({ graphScope: 'https://graph-proxy.contoso.internal/.default' });
    expect(result.connectors[0]?.status).toBe('failed');
    expect(result.connectors[0]?.failure).toEqual({
      type: 'AUTH_FAILURE',
      message: `token request for client ${ENTRA_CLIENT_ID} to ${server.url}/entra-id/happy-path/${ENTRA_TENANT}/oauth2/v2.0/token was rejected (HTTP 400): invalid_resource AADSTS500011: The resource principal named https://graph-proxy.contoso.internal was not found in the tenant named ${ENTRA_TENANT}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. (the scope names a resource this tenant does not know: set sourceConfig.graphScope (default https://graph.microsoft.com/.default, or the national cloud of graphBaseUrl))`,
    });
  });

  it('a wrong secret: invalid_client with its AADSTS code, and the secret appears nowhere', async () => {
    const wrong = 'not-the-secret-Zq9~wrong';
    const result = await run({}, wrong);
    const failure = result.connectors[0]?.failure;
    expect(failure?.type).toBe('AUTH_FAILURE');
    expect(failure?.message).toContain('(HTTP 401): invalid_client AADSTS7000215: Invalid client secret provided.');
    expect(failure?.message).toContain('(the client secret is wrong or expired)');
    expect(failure?.message).not.toContain('Trace ID');
    expect(JSON.stringify(result)).not.toContain(wrong);
    expect(JSON.stringify(result)).not.toContain('fixture-entra-secret');
  });
});
