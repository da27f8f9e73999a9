import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReplayServer } from '../../../src/connector/replay-server.ts';
import { MemoryStorageAdapter } from '../../../src/storage/memory/MemoryStorageAdapter.ts';
import { runTenantSync } from '../../../src/sync/run-tenant-sync.ts';
import { entraIdConnector } from '../../../connectors/entra-id/index.ts';
import { entraConfig } from '../../support/connectors-fixtures.ts';
import { graphOf, runScenario } from '../../support/connectors-harness.ts';
import { postGraphQL, startTestApi } from '../api/support.ts';

// Issue 12: optional collections degrade. Whatever an optional collection's failure (a 400, a
// licence 403, a 5xx after every retry), it is reported unavailable with its reason and the sync
// goes on as partial; only required collections and bad credentials can fail a connector.

let server: ReplayServer;
beforeAll(async () => {
  server = await new ReplayServer().start();
});
afterAll(async () => server.close());
const fast = { maxRetries: 1, backoffMs: 5 };

describe('Entra ID: optional collections degrade (fixtures/entra-id/optional-degrade)', () => {
  it('a 400, a licence 403 and a 503 after retries: unavailable with reasons, partial, the rest intact', async () => {
    const run = await runScenario(server, { entra: 'optional-degrade' }, fast);
    const stats = run.connectors[0]!;
    expect(stats.status).toBe('partial');
    expect(stats.errors.map((e) => [e.operation, e.type])).toEqual([
      ['read oauth2PermissionGrants', 'CONFIG_ERROR'],
      ['read directoryRoles', 'SERVER_ERROR'],
    ]);
    const graph = graphOf(run, 'entra_id');
    const sources = graph.evidenceCompleteness.sources;
    expect(sources.oauth2PermissionGrants).toEqual({
      sourceTable: 'oauth2PermissionGrants',
      status: 'unavailable_error',
      recordCount: 0,
      notes: `entra_id: HTTP 400 from ${server.url}/entra-id/optional-degrade/v1.0/oauth2PermissionGrants?$top: Unsupported query option '$top' for this endpoint in this cloud.`,
    });
    expect(sources.signIns).toMatchObject({ status: 'unavailable_no_license', recordCount: 0, notes: expect.stringContaining("Neither tenant is B2C or tenant doesn't have premium license") });
    expect(sources.directoryRoles).toMatchObject({ status: 'unavailable_error', recordCount: 0, notes: expect.stringContaining('HTTP 503') });
    expect(sources.servicePrincipals?.status).toBe('available');
    // The required collections are whole, and so is what they produce.
    expect(graph.extractionScope?.completeNodeTypes).toEqual(['credential', 'human_identity', 'identity']);
    expect(graph.nodes.filter((n) => n.nodeType === 'identity')).toHaveLength(6);
    expect(graph.nodes.filter((n) => n.nodeType === 'role')).toEqual([]);
  });

  it('bad credentials still fail the connector', async () => {
    const config = entraConfig(server, 'optional-degrade', fast);
    config.runtime = { ...config.runtime, env: { ENTRA_CLIENT_SECRET: 'wrong-secret-value' } };
    const { collectTenantGraphs } = await import('../../../src/sync/run-connectors.ts');
    const run = await collectTenantGraphs([{ connector: entraIdConnector, config }], { syncId: 'bad-creds' });
    expect(run.connectors[0]).toMatchObject({ status: 'failed', failure: { type: 'AUTH_FAILURE' } });
  });
});

describe('ServiceNow: optional tables degrade (fixtures/servicenow/optional-degrade)', () => {
  it('a 400 and a 500 after retries on optional tables: unavailable with reasons, partial', async () => {
    const run = await runScenario(server, { servicenow: 'optional-degrade' }, fast);
    expect(run.connectors[0]?.status).toBe('partial');
    const sources = graphOf(run, 'servicenow').evidenceCompleteness.sources;
    expect(sources.sys_certificate).toEqual({
      sourceTable: 'sys_certificate',
      status: 'unavailable_error',
      recordCount: 0,
      notes: expect.stringMatching(/^servicenow: HTTP 400 from .*sys_certificate\?.*: Invalid query: field 'expires' is not readable$/),
    });
    expect(sources.sys_hub_flow).toMatchObject({ status: 'unavailable_error', notes: expect.stringContaining('HTTP 500') });
    expect(sources.sys_script).toMatchObject({ status: 'available', recordCount: 3 });
  });

  it('a required table that answers 400 still fails the connector', async () => {
    server.inject('servicenow', 'optional-degrade', { path: '/api/now/table/sys_user', kind: 'status', status: 400, body: { error: { message: 'Invalid query' }, status: 'failure' } });
    const run = await runScenario(server, { servicenow: 'optional-degrade' }, fast);
    server.clearFaults('servicenow', 'optional-degrade');
    expect(run.connectors[0]).toMatchObject({ status: 'failed', failure: { type: 'CONFIG_ERROR' } });
  });
});

describe('the API shows what could not be read, and why', () => {
  it('evidenceCompleteness after a partial sync', async () => {
    const storage = MemoryStorageAdapter.create();
    const report = await runTenantSync(storage, [{ connector: entraIdConnector, config: entraConfig(server, 'optional-degrade', fast) }], { mode: 'full' });
    expect(report.outcomes.map((o) => o.status)).toEqual(['partial']);
    const api = await startTestApi(storage);
    try {
      const q = `{ evidenceCompleteness(connectorId: "entra-contoso") { complete sources { key status recordCount notes } } }`;
      const r = await postGraphQL(api.server.graphqlUrl, q, {}, api.key(report.tenantId, 'reader'));
      expect(r.body.errors).toBeUndefined();
      const c = r.body.data!.evidenceCompleteness;
      expect(c.complete).toBe(false);
      const byKey = Object.fromEntries(c.sources.map((s: any) => [s.key, s.status]));
      expect(byKey).toMatchObject({
        oauth2PermissionGrants: 'unavailable_error',
        signIns: 'unavailable_no_license',
        directoryRoles: 'unavailable_error',
        servicePrincipals: 'available',
        users: 'available',
      });
    } finally {
      await api.close();
      await storage.close();
    }
  });
});
