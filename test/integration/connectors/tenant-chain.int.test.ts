import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectTenantGraphs } from '../../../src/sync/run-connectors.ts';
import { startDemoSources } from '../../../src/sync/demo-sources.ts';
import type { DemoSources } from '../../../src/sync/demo-sources.ts';
import { ReplayServer } from '../../../src/connector/replay-server.ts';
import type { NormalizedEdge, NormalizedGraph, NormalizedNode } from '../../../src/model/index.ts';
import { FIXED_NOW, FIXTURE_SECRETS } from '../../support/connectors-fixtures.ts';
import { edges, graphOf, node, runScenario } from '../../support/connectors-harness.ts';

// The whole point: the chain no single source shows, across Entra ID and ServiceNow.
let server: ReplayServer;
beforeAll(async () => {
  server = await new ReplayServer().start();
});
afterAll(async () => server.close());

describe('cross-system execution chain (happy path, both connectors)', () => {
  it('business rule → CALLS → script include → INVOKES → REST message → USES → OAuth profile → AUTHENTICATES_AS → orphaned Entra SP holding Directory.ReadWrite.All', async () => {
    const run = await runScenario(server, { entra: 'happy-path', servicenow: 'happy-path' });
    expect(run.connectors.map((c) => c.status)).toEqual(['completed', 'completed']);
    const sn = graphOf(run, 'servicenow');
    const entra = graphOf(run, 'entra_id');
    const all = [...sn.nodes, ...entra.nodes];
    const allEdges = [...sn.edges, ...entra.edges];
    const follow = (from: NormalizedNode, type: NormalizedEdge['edgeType']): NormalizedNode => {
      const e = allEdges.filter((x) => x.edgeType === type && x.sourceNodeId === from.nodeId);
      const targets = e.map((x) => all.find((n) => n.nodeId === x.targetNodeId)).filter((n): n is NormalizedNode => Boolean(n));
      if (targets.length !== 1) throw new Error(`${from.displayName} has ${targets.length} ${type} targets`);
      return targets[0] as NormalizedNode;
    };

    const br = node(sn, 'automation', 'Sync user to Entra on update');
    const si = follow(br, 'CALLS');
    const rest = follow(si, 'INVOKES');
    const profile = follow(rest, 'USES');
    const sp = follow(profile, 'AUTHENTICATES_AS');
    expect([br, si, rest, profile, sp].map((n) => `${n.nodeType}:${n.displayName}`)).toEqual([
      'automation:Sync user to Entra on update',
      'automation:EntraDirectorySync',
      'connection:Microsoft Graph Directory',
      'credential:Entra ID - Directory Sync default_profile',
      'identity:ServiceNow Integration - Directory Sync',
    ]);
    expect(sp.sourceSystem).toBe('entra_id');
    expect(sp.properties.ownershipState).toBe('orphaned');
    const perm = follow(sp, 'GRANTS');
    expect(perm.properties).toMatchObject({ permissionName: 'Directory.ReadWrite.All', normalizedAction: 'admin' });
    const owner = follow(sp, 'OWNED_BY');
    expect(owner).toMatchObject({ displayName: 'Bob Marsh', status: 'disabled', properties: { accountEnabled: false } });
    expect(Date.parse(String(owner.properties.departedAt))).toBeLessThan(FIXED_NOW.getTime());

    // The cross-system edge lives in the graph of the connector that owns its source node.
    const auth = edges(sn, 'AUTHENTICATES_AS', profile, sp)[0];
    expect(auth?.properties.evidenceReferences).toEqual({
      issuingSystemId: '8f3a2b1c-6d4e-4f5a-9b8c-7d6e5f4a3b2c',
      issuingTenantId: '4a1c2e9d-7b3f-4c55-9e2a-0d8f6b1a3c77',
      targetSystemId: '8F3A2B1C-6D4E-4F5A-9B8C-7D6E5F4A3B2C',
      targetInstanceId: 'https://contoso.service-now.com',
      targetRecordSysId: '0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c51',
      matchingField: 'client_id',
      matchingValue: '8F3A2B1C-6D4E-4F5A-9B8C-7D6E5F4A3B2C',
    });
    expect(auth?.properties.provenance).toMatchObject({ origin: 'resolver', rule: 'auth_by_client_id' });
    expect(edges(entra, 'AUTHENTICATES_AS', profile)).toEqual([]);
    const providerEdge = edges(sn, 'AUTHENTICATES_TO', node(sn, 'credential', 'Entra ID - Directory Sync'), sp);
    expect(providerEdge).toHaveLength(1);
    // The Salesforce registry entry matches no Entra app: no edge.
    expect(edges(sn, 'AUTHENTICATES_AS', node(sn, 'credential', 'Salesforce Sales Cloud default_profile'))).toEqual([]);
    expect(sn.extractionScope?.completeEdgeTypes).toEqual(expect.arrayContaining(['AUTHENTICATES_AS', 'AUTHENTICATES_TO', 'CALLS', 'INVOKES', 'RUNS_AS', 'TRIGGERS_ON']));

    // Every resolver edge says which rule made it and from which records.
    for (const e of allEdges.filter((x) => x.properties.provenance?.origin === 'resolver')) {
      expect(e.properties.provenance?.rule).toBeTruthy();
      expect(e.properties.provenance?.detail).toBeTruthy();
      expect(e.properties.provenance?.sourceRecordIds?.length).toBeGreaterThan(0);
    }
  });

  it('cross-system edges are not "complete" when the Entra connector failed, so the diff keeps old ones', async () => {
    server.inject('entra-id', 'credential-expiry', { path: '/v1.0/organization', kind: 'status', status: 403 });
    const run = await runScenario(server, { entra: 'credential-expiry', servicenow: 'happy-path' });
    server.clearFaults('entra-id', 'credential-expiry');
    expect(run.connectors[0]).toMatchObject({ status: 'failed', failure: { type: 'PERMISSION_DENIED' } });
    const sn = graphOf(run, 'servicenow');
    expect(edges(sn, 'AUTHENTICATES_AS')).toEqual([]);
    expect(sn.extractionScope?.completeEdgeTypes).not.toContain('AUTHENTICATES_AS');
    expect(sn.extractionScope?.completeEdgeTypes).toContain('CALLS');
  });

  it('no fixture secret value reaches a graph (or the run report)', async () => {
    const run = await runScenario(server, { entra: 'happy-path', servicenow: 'happy-path' });
    const text = JSON.stringify(run);
    for (const secret of [...FIXTURE_SECRETS, 'old-secret-in-audit-ZZ']) expect(text).not.toContain(secret);
    expect(run.graphs).toHaveLength(2);
  });

  it('refuses a graph that carries a credential value (defence in depth)', async () => {
    const { entraIdConnector } = await import('../../../connectors/entra-id/index.ts');
    const { entraConfig } = await import('../../support/connectors-fixtures.ts');
    const leaky = {
      ...entraIdConnector,
      async transform(raw: Parameters<typeof entraIdConnector.transform>[0]): Promise<NormalizedGraph> {
        const g = await entraIdConnector.transform(raw);
        const first = g.nodes[0] as NormalizedNode;
        return { ...g, nodes: [{ ...first, displayName: 'fixture-entra-secret-Q7v~Xp2' } as NormalizedNode, ...g.nodes.slice(1)] };
      },
    };
    const result = await collectTenantGraphs([{ connector: leaky, config: entraConfig(server, 'happy-path') }], { syncId: 'leak' });
    expect(result.graphs).toEqual([]);
    expect(result.connectors[0]?.failure).toEqual({ type: 'SECRET_LEAK', message: 'graph contains the value of credential field clientSecret; refusing it' });
  });
});

describe('demo config and run statistics', () => {
  let demo: DemoSources;
  beforeAll(async () => {
    demo = await startDemoSources({ now: () => FIXED_NOW });
  });
  afterAll(async () => demo.close());

  it('runs fixtures/demo/connectors.json against the replay server and reports calls and timings', async () => {
    const progress: string[] = [];
    const run = await collectTenantGraphs(demo.instances, { syncId: 'demo-1', onProgress: (e) => progress.push(`${e.connectorId}:${e.phase}`) });
    expect(run.graphs.map((g) => g.connectorId).sort()).toEqual(['entra-contoso', 'github-contoso', 'servicenow-contoso']);
    const calls = Object.fromEntries(run.connectors.map((c) => [c.connectorId, c.apiCalls]));
    // Page size 100. Entra: health (token + organization) + extract (token + 6 collections + 3 app
    // role assignment calls + 3 federated credential calls). ServiceNow: health + 16 tables (basic
    // auth, no token call). GitHub: health + organization + 12 org lists (members twice, by role; one
    // team's members) + per repository 5 lists and CODEOWNERS (one path or three), per environment
    // 2 lists, per workflow file 1 — see test/integration/connectors/github-scenarios.int.test.ts.
    expect(calls).toEqual({ 'entra-contoso': 15, 'servicenow-contoso': 17, 'github-contoso': 51 });
    for (const c of run.connectors) expect(c.timingsMs.total).toBeGreaterThan(0);
    expect(run.timingsMs.total).toBeLessThan(10_000);
    expect(progress).toEqual(expect.arrayContaining(['entra-contoso:healthCheck', 'servicenow-contoso:extract', '*:resolve']));
    console.info(`[fixture tenant] api calls ${JSON.stringify(calls)}, sync ${run.timingsMs.total} ms, resolved edges ${run.resolved.edges}`);
  });
});
