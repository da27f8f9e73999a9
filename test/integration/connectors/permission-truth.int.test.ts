import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReplayServer } from '../../../src/connector/replay-server.ts';
import { GRAPH_PERMISSIONS } from '../../../connectors/entra-id/graph-permissions.ts';
import { MemoryStorageAdapter } from '../../../src/storage/memory/MemoryStorageAdapter.ts';
import { applyGraph } from '../../../src/sync/apply-graph.ts';
import type { NormalizedNode } from '../../../src/model/index.ts';
import { graphOf, node, runScenario } from '../../support/connectors-harness.ts';
import { postGraphQL, startTestApi } from '../api/support.ts';

// Issue 12, permission truth: Microsoft Graph permissions come from a table (OpenID Connect scopes
// are sign-in only), and anything no table knows is a labelled guess, in the graph and the API.

let server: ReplayServer;
beforeAll(async () => {
  server = await new ReplayServer().start();
});
afterAll(async () => server.close());

const servicePrincipal = (nodes: NormalizedNode[], name: string): NormalizedNode =>
  nodes.find((n) => n.nodeType === 'identity' && n.displayName === name && n.properties.identitySubtype === 'service_principal')!;

describe('Graph permission table', () => {
  it('maps at least 60 Graph permissions to the seven actions, with the OIDC scopes as sign-in only', () => {
    const entries = Object.entries(GRAPH_PERMISSIONS);
    expect(entries.length).toBeGreaterThanOrEqual(60);
    expect(new Set(entries.map(([, p]) => p.action))).toEqual(new Set(['read', 'update', 'create', 'execute', 'admin', 'delegate']));
    expect(entries.filter(([, p]) => p.signInOnly).map(([name]) => name)).toEqual(['openid', 'profile', 'email', 'offline_access']);
    // The seed's own rows keep their meaning.
    expect(GRAPH_PERMISSIONS['Directory.ReadWrite.All']).toEqual({ action: 'admin', scope: 'directory' });
    expect(GRAPH_PERMISSIONS['Application.Read.All']).toEqual({ action: 'read', scope: 'applications' });
  });
});

describe('Entra ID: sign-in scopes and an unmapped permission (fixtures/entra-id/sign-in-scopes)', () => {
  it('a web app consented only openid/profile/email/offline_access holds no authority; a custom API scope is a labelled guess', async () => {
    const run = await runScenario(server, { entra: 'sign-in-scopes' });
    const graph = graphOf(run, 'entra_id');
    const grants = (name: string) => {
      const sp = servicePrincipal(graph.nodes, name);
      return graph.edges
        .filter((e) => e.edgeType === 'GRANTS' && e.sourceNodeId === sp.nodeId)
        .map((e) => graph.nodes.find((n) => n.nodeId === e.targetNodeId)!)
        .map((n) => [n.displayName, n.properties.normalizedAction, n.properties.mapped, n.properties.signInOnly ?? false, n.properties.mappingBasis]);
    };
    expect(grants('Contoso Intranet Portal').sort()).toEqual([
      ['Microsoft Graph: email (delegated)', 'read', true, true, 'table'],
      ['Microsoft Graph: offline_access (delegated)', 'read', true, true, 'table'],
      ['Microsoft Graph: openid (delegated)', 'read', true, true, 'table'],
      ['Microsoft Graph: profile (delegated)', 'read', true, true, 'table'],
      ['Workday HR Sync: Payroll.Export (delegated)', 'admin', false, false, 'rule_7'],
    ]);
    // Without the payroll guess the portal would be inventory; the guess makes it dormant authority,
    // and nothing but the guess does.
    expect(servicePrincipal(graph.nodes, 'Contoso Intranet Portal').properties.securityRelevance).toBe('dormant_authority');
    expect(grants('Workday HR Sync').sort()).toEqual([
      ['Microsoft Graph: Mail.Send (delegated)', 'execute', true, false, 'table'],
      ['Microsoft Graph: User.Read (delegated)', 'read', true, false, 'table'],
      ['Microsoft Graph: User.Read.All', 'read', true, false, 'table'],
    ]);
    expect(node(graph, 'permission', 'Microsoft Graph: Directory.ReadWrite.All').properties).toMatchObject({ normalizedAction: 'admin', mapped: true });

    const storage = MemoryStorageAdapter.create();
    for (const g of run.graphs) await applyGraph(storage, g);
    const api = await startTestApi(storage);
    try {
      const q = `{ nodes(type: permission, first: 50) { edges { node { displayName ... on Permission { normalizedAction mapped signInOnly actionLabel } } } } }`;
      const r = await postGraphQL(api.server.graphqlUrl, q, {}, api.key('acme', 'reader'));
      expect(r.body.errors).toBeUndefined();
      const byName = Object.fromEntries(r.body.data!.nodes.edges.map((e: any) => [e.node.displayName, [e.node.actionLabel, e.node.mapped, e.node.signInOnly]]));
      expect(byName['Workday HR Sync: Payroll.Export (delegated)']).toEqual(['unmapped — assumed admin', false, null]);
      expect(byName['Microsoft Graph: openid (delegated)']).toEqual(['read (sign-in only)', true, true]);
      expect(byName['Microsoft Graph: Directory.ReadWrite.All']).toEqual(['admin', true, null]);
    } finally {
      await api.close();
      await storage.close();
    }
  });
});

describe('ServiceNow: roles no table knows are labelled guesses', () => {
  it('a custom role is unmapped; platform roles are mapped', async () => {
    const run = await runScenario(server, { servicenow: 'scope-drift' });
    const graph = graphOf(run, 'servicenow');
    expect(node(graph, 'permission', 'x_contoso_integration_writer role').properties).toMatchObject({ normalizedAction: 'update', mapped: false, mappingBasis: 'rule_4' });
    expect(node(graph, 'permission', 'itil role').properties).toMatchObject({ normalizedAction: 'update', mapped: true, mappingBasis: 'table' });
    expect(node(graph, 'permission', 'rest_service role').properties).toMatchObject({ normalizedAction: 'execute', mapped: true });
  });
});
