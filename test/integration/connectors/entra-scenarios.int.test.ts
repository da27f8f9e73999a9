import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReplayServer } from '../../../src/connector/replay-server.ts';
import type { NormalizedGraph } from '../../../src/model/index.ts';
import { FIXED_NOW } from '../../support/connectors-fixtures.ts';
import { countByType, edges, graphOf, node, runScenario } from '../../support/connectors-harness.ts';

// The seed's seven scenarios for the Entra ID connector, over HTTP against recorded Graph pages.
let server: ReplayServer;
beforeAll(async () => {
  server = await new ReplayServer().start();
});
afterAll(async () => server.close());

const entra = async (scenario: string, policy = {}) => {
  const run = await runScenario(server, { entra: scenario }, policy);
  return { run, graph: graphOf(run, 'entra_id'), stats: run.connectors[0] };
};
const servicePrincipal = (g: NormalizedGraph, name: string) => {
  const found = g.nodes.find((n) => n.nodeType === 'identity' && n.displayName === name && n.properties.identitySubtype === 'service_principal');
  if (!found) throw new Error(`no service principal ${name}`);
  return found;
};

describe('Entra ID: happy path', () => {
  it('extracts every entity type with the expected counts and edges', async () => {
    const { graph, stats } = await entra('happy-path');
    expect(stats?.status).toBe('completed');
    expect(countByType(graph.nodes)).toEqual({
      human_identity: 4,
      identity: 6, // 3 service principals (Microsoft Graph excluded as first party) + 3 app registrations
      credential: 7, // 2 secrets + 2 certificates + 3 federated identity credentials
      permission: 5, // 3 application + 2 delegated
      role: 3,
      execution_evidence: 2,
      resource: 1,
    });
    expect(countByType(graph.edges)).toEqual({ OWNED_BY: 5, AUTHENTICATES_AS: 7, GRANTS: 5, HAS_ROLE: 3, EXECUTES_ON: 4 });
    expect(graph.nodes.some((n) => n.displayName === 'Microsoft Graph' && n.nodeType === 'identity')).toBe(false);
    expect(graph.extractionScope?.completeNodeTypes).toEqual(
      ['credential', 'execution_evidence', 'human_identity', 'identity', 'permission', 'resource', 'role'],
    );
  });

  it('the ServiceNow integration principal holds Directory.ReadWrite.All (admin) and its only owner has left', async () => {
    const { graph } = await entra('happy-path');
    const snow = servicePrincipal(graph, 'ServiceNow Integration - Directory Sync');
    const perm = node(graph, 'permission', 'Microsoft Graph: Directory.ReadWrite.All');
    expect(perm.properties).toMatchObject({ permissionName: 'Directory.ReadWrite.All', normalizedAction: 'admin', scope: 'directory' });
    expect(edges(graph, 'GRANTS', snow, perm)).toHaveLength(1);
    const owners = edges(graph, 'OWNED_BY', snow);
    expect(owners.map((e) => e.targetNodeId)).toEqual([node(graph, 'human_identity', 'Bob Marsh').nodeId]);
    expect(snow.properties).toMatchObject({ ownershipState: 'orphaned', securityRelevance: 'active_external', lastActivityAt: '2026-11-25T03:00:15.000Z' });
    expect(node(graph, 'human_identity', 'Bob Marsh')).toMatchObject({ status: 'disabled', properties: { accountEnabled: false, departedAt: '2026-09-30T17:00:00.000Z' } });
  });

  it('derives ownership: one active owner is enough, none is unattributed', async () => {
    const { graph } = await entra('happy-path');
    expect(servicePrincipal(graph, 'Workday HR Sync').properties.ownershipState).toBe('owned');
    expect(servicePrincipal(graph, 'Legacy Reporting').properties).toMatchObject({ ownershipState: 'unattributed', securityRelevance: 'dormant_authority' });
  });

  it('keeps credential metadata and never the secret', async () => {
    const { graph } = await entra('happy-path');
    const cred = node(graph, 'credential', 'ServiceNow Integration - Directory Sync: servicenow-oauth-profile');
    expect(cred.properties).toMatchObject({ credentialSubtype: 'client_secret', expiresAt: '2027-05-01T00:00:00.000Z', clientId: '8f3a2b1c-6d4e-4f5a-9b8c-7d6e5f4a3b2c' });
    expect(Object.keys(cred.properties)).not.toContain('hint');
    expect(JSON.stringify(graph)).not.toContain('Qx~');
    expect(edges(graph, 'AUTHENTICATES_AS', cred, servicePrincipal(graph, 'ServiceNow Integration - Directory Sync'))).toHaveLength(1);
  });

  it('marks privileged directory roles', async () => {
    const { graph } = await entra('happy-path');
    expect(node(graph, 'role', 'Global Administrator').properties.isPrivileged).toBe(true);
    expect(node(graph, 'role', 'Directory Readers').properties.isPrivileged).toBe(false);
    expect(edges(graph, 'HAS_ROLE', servicePrincipal(graph, 'Legacy Reporting'), node(graph, 'role', 'Application Administrator'))).toHaveLength(1);
  });
});

describe('Entra ID: orphaned owner', () => {
  it('Workday HR Sync becomes orphaned when its last active owner is disabled', async () => {
    const { graph } = await entra('orphaned-owner');
    const workday = servicePrincipal(graph, 'Workday HR Sync');
    expect(workday.properties.ownershipState).toBe('orphaned');
    expect(workday.properties.inactiveOwners).toEqual(expect.arrayContaining([expect.stringMatching(/^Alice Nguyen: /), expect.stringMatching(/^Dave Okafor: departed on 2026-10-15/)]));
    expect(servicePrincipal(graph, 'Legacy Reporting').properties.ownershipState).toBe('unattributed');
  });
});

describe('Entra ID: scope drift', () => {
  it('Legacy Reporting gains admin-level and execute permissions', async () => {
    const { graph } = await entra('scope-drift');
    const legacy = servicePrincipal(graph, 'Legacy Reporting');
    const granted = edges(graph, 'GRANTS', legacy).map((e) => graph.nodes.find((n) => n.nodeId === e.targetNodeId)?.properties);
    expect(granted).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ permissionName: 'Application.Read.All', normalizedAction: 'read' }),
        expect.objectContaining({ permissionName: 'Application.ReadWrite.All', normalizedAction: 'admin', mappingBasis: 'table' }),
        expect.objectContaining({ permissionName: 'Mail.Send', normalizedAction: 'execute', mappingBasis: 'table', mapped: true }),
      ]),
    );
    expect(granted).toHaveLength(3);
    const drift = edges(graph, 'GRANTS', legacy).find((e) => e.properties.sourceEvidence === 'KxoPnjxNXk6KbHyNng8aK5aVm0Qz8PqR7sT6uV2wX3y');
    expect(drift?.since).toBe('2026-11-22T21:47:00.000Z');
  });
});

describe('Entra ID: credential expiry', () => {
  it('an expired secret is status expired; one expiring within 30 days keeps its date', async () => {
    const { graph } = await entra('credential-expiry');
    const expired = node(graph, 'credential', 'Legacy Reporting: reporting-2024');
    expect(expired).toMatchObject({ status: 'expired', properties: { expiresAt: '2026-10-01T00:00:00.000Z' } });
    const soon = node(graph, 'credential', 'Workday HR Sync: workday-prod');
    expect(soon.status).toBe('active');
    const days = (Date.parse(String(soon.properties.expiresAt)) - FIXED_NOW.getTime()) / 86_400_000;
    expect(days).toBeGreaterThan(0);
    expect(days).toBeLessThan(30);
  });
});

describe('Entra ID: partial failure', () => {
  it('continues with what it could read and marks the rest incomplete', async () => {
    const { graph, stats } = await entra('partial-failure', { maxRetries: 2, backoffMs: 5 });
    expect(stats?.status).toBe('partial');
    expect(stats?.errors.map((e) => e.type).sort()).toEqual(['ENTITY_NOT_FOUND', 'SERVER_ERROR']);
    // What succeeded is there...
    expect(countByType(graph.nodes)).toMatchObject({ human_identity: 4, identity: 6, credential: 7 });
    expect(edges(graph, 'GRANTS', servicePrincipal(graph, 'ServiceNow Integration - Directory Sync'))).toHaveLength(1);
    // ...and what failed can't be deleted by the diff.
    expect(graph.extractionScope?.completeNodeTypes).toEqual(['credential', 'human_identity', 'identity']);
    expect(graph.extractionScope?.completeEdgeTypes).toEqual(['AUTHENTICATES_AS', 'OWNED_BY']);
    expect(graph.evidenceCompleteness.sources.signIns).toMatchObject({ status: 'unavailable_no_access', recordCount: 0 });
    // An optional collection failing every retry is unavailable, with the reason (issue 12).
    expect(graph.evidenceCompleteness.sources.directoryRoles).toMatchObject({ status: 'unavailable_error', notes: expect.stringMatching(/HTTP 503/) });
  });
});

describe('Entra ID: rate limiting', () => {
  it('backs off (honouring Retry-After), retries, and ends with the same graph as the happy path', async () => {
    const happy = (await entra('happy-path')).graph;
    const started = Date.now();
    const { graph, stats } = await entra('rate-limiting', { timeoutMs: 500 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect(stats?.status).toBe('completed');
    expect(stats?.retries).toBe(4);
    const users = server.requestsFor('entra-id', 'rate-limiting').filter((r) => r.path === '/v1.0/users');
    expect(users.slice(0, 3).map((r) => r.status)).toEqual([429, 429, 200]);
    expect((users[1]?.at ?? 0) - (users[0]?.at ?? 0)).toBeGreaterThanOrEqual(990);
    const strip = (g: NormalizedGraph) => ({ nodes: g.nodes, edges: g.edges });
    expect(strip(graph)).toEqual(strip(happy));
  });
});

describe('Entra ID: empty response', () => {
  it('returns an empty graph whose scope forbids deleting identities and people', async () => {
    const { graph, stats } = await entra('empty-response');
    expect(graph.nodes).toEqual([]);
    expect(stats?.warnings.join('\n')).toMatch(/servicePrincipals: returned no records/);
    expect(graph.extractionScope?.completeNodeTypes).not.toContain('identity');
    expect(graph.extractionScope?.completeNodeTypes).not.toContain('human_identity');
  });
});

describe('Entra ID: incremental (delta) and audit log', () => {
  it('follows delta links and reports removals as temporal markers', async () => {
    const { entraIdConnector } = await import('../../../connectors/entra-id/index.ts');
    const { entraConfig } = await import('../../support/connectors-fixtures.ts');
    const config = entraConfig(server, 'happy-path');
    const first = await entraIdConnector.extractIncremental?.(config, FIXED_NOW.toISOString());
    expect(first?.entities.filter((e) => e.sourceType === 'servicePrincipal')).toHaveLength(3);
    const second = await entraIdConnector.extractIncremental?.(config, FIXED_NOW.toISOString(), first?.deltaToken);
    const graph = await entraIdConnector.transform(second!);
    expect(graph.temporalMarkers).toEqual([expect.objectContaining({ markerType: 'deleted', nodeId: expect.stringContaining('9e0f1a2b-3c4d-4e5f-8a6b-7c8d9e0f1a2b') })]);
    expect(graph.nodes.map((n) => n.displayName)).toEqual(['Workday HR Sync (prod)']);
    expect(graph.extractionScope).toEqual({ completeNodeTypes: [], completeEdgeTypes: [] });
  });

  it('maps directoryAudits to the seed event types', async () => {
    const { entraIdConnector } = await import('../../../connectors/entra-id/index.ts');
    const { entraConfig, ENTRA_TENANT } = await import('../../support/connectors-fixtures.ts');
    const audit = await entraIdConnector.extractAuditLogs!(entraConfig(server, 'happy-path'), { syncId: 'a1', since: '2026-11-01T00:00:00Z' });
    expect(audit.auditRecords).toHaveLength(4);
    const mapped = audit.auditRecords.map((r) => entraIdConnector.mapAuditRecord!(r, ENTRA_TENANT));
    expect(mapped.map((m) => m && [m.eventType, m.entityType])).toEqual([
      ['permission_granted', 'identity'],
      ['status_changed', 'human_identity'],
      ['credential_created', 'credential'],
      null, // "Add member to group" is not in the seed table
    ]);
    expect(audit.nextCursor.cursorState.lastActivityDatetime).toBe('2026-11-21T10:00:00.000Z');
    const later = await entraIdConnector.extractAuditLogs!(entraConfig(server, 'happy-path'), { syncId: 'a2', since: '2026-11-15T00:00:00Z' });
    expect(later.auditRecords.map((r) => r.operation)).toEqual(['Add service principal credentials', 'Add member to group']);
  });
});
