import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReplayServer } from '../../../src/connector/replay-server.ts';
import type { NormalizedGraph } from '../../../src/model/index.ts';
import { FIXED_NOW, SN_INSTANCE } from '../../support/connectors-fixtures.ts';
import { countByType, edges, graphOf, node, runScenario } from '../../support/connectors-harness.ts';

// The seed's seven scenarios for the ServiceNow connector (run alone: no Entra graph, so no
// cross-system edges), over HTTP against recorded Table API pages.
let server: ReplayServer;
beforeAll(async () => {
  server = await new ReplayServer().start();
});
afterAll(async () => server.close());

const sn = async (scenario: string, policy = {}) => {
  const run = await runScenario(server, { servicenow: scenario }, policy);
  return { run, graph: graphOf(run, 'servicenow'), stats: run.connectors[0] };
};
const props = (g: NormalizedGraph, id: string): Record<string, unknown> => g.nodes.find((n) => n.nodeId === id)?.properties ?? {};

describe('ServiceNow: happy path', () => {
  it('extracts every table into the expected node and edge counts', async () => {
    const { graph, stats, run } = await sn('happy-path');
    expect(stats?.status).toBe('completed');
    expect(countByType(graph.nodes)).toEqual({
      identity: 3, // two integration users + the system execution context
      human_identity: 3,
      resource: 9,
      role: 8, // 6 sys_user_role + 2 groups
      permission: 6,
      automation: 8,
      credential: 5, // 2 oauth_entity + 2 profiles + 1 certificate
      connection: 2,
      execution_evidence: 1,
    });
    expect(countByType(graph.edges)).toMatchObject({ CALLS: 3, INVOKES: 3, RUNS_AS: 3, TRIGGERS_ON: 3, USES: 1, HAS_ROLE: 6, MEMBER_OF: 3, CREATED_BY: 8 });
    expect(run.resolved.byType).toEqual({ CALLS: 3, INVOKES: 3, RUNS_AS: 3, TRIGGERS_ON: 3 });
    expect(graph.nodes[0]?.nodeId).toMatch(/^servicenow:contoso\.service-now\.com:/);
  });

  it('finds the execution chain inside the instance: business rule → script include → REST message → OAuth profile', async () => {
    const { graph } = await sn('happy-path');
    const br = node(graph, 'automation', 'Sync user to Entra on update');
    const si = node(graph, 'automation', 'EntraDirectorySync');
    const rest = node(graph, 'connection', 'Microsoft Graph Directory');
    const profile = node(graph, 'credential', 'Entra ID - Directory Sync default_profile');
    const calls = edges(graph, 'CALLS', br, si);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.properties).toMatchObject({ callType: 'include', provenance: { origin: 'resolver', rule: 'script_text_script_include' } });
    const invokes = edges(graph, 'INVOKES', si, rest);
    expect(invokes[0]?.properties).toMatchObject({ httpMethod: 'PATCH', restMethod: 'patch user', provenance: { origin: 'resolver', rule: 'script_text_rest_message' } });
    expect(invokes[0]?.properties.provenance?.sourceRecordIds).toEqual(['sys_script_include/9c1d2e3f4a5b6c7d8e9f0a1b2c3d4e51', 'sys_rest_message/1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d61']);
    expect(edges(graph, 'USES', rest, profile)).toHaveLength(1);
    expect(profile.properties).toMatchObject({ credentialSubtype: 'oauth_profile', clientId: '8F3A2B1C-6D4E-4F5A-9B8C-7D6E5F4A3B2C', instanceUrl: SN_INSTANCE });
    expect(br.properties.securityRelevance).toBe('active_external');
    expect(node(graph, 'automation', 'Incident default assignment').properties.securityRelevance).toBe('internal_inventory');
  });

  it('resolves RUNS_AS and TRIGGERS_ON from reference fields', async () => {
    const { graph } = await sn('happy-path');
    const job = node(graph, 'automation', 'Nightly Entra group reconciliation');
    expect(edges(graph, 'RUNS_AS', job, node(graph, 'identity', 'Entra Directory Sync'))[0]?.properties.runAsType).toBe('configured');
    expect(edges(graph, 'RUNS_AS', node(graph, 'automation', 'Offboard leaver'), node(graph, 'identity', 'ServiceNow system context'))[0]?.properties.runAsType).toBe('system');
    const trig = edges(graph, 'TRIGGERS_ON', node(graph, 'automation', 'Sync user to Entra on update'), node(graph, 'resource', 'User'));
    expect(trig[0]?.properties).toMatchObject({ triggerType: 'event', provenance: { detail: 'after update on sys_user' } });
  });

  it('classifies tables, roles and integration users', async () => {
    const { graph } = await sn('happy-path');
    expect(node(graph, 'resource', 'HR Case').properties).toMatchObject({ businessDomain: 'hr', sensitivity: 'confidential', containsPii: true });
    expect(node(graph, 'resource', 'Incident').properties.businessDomain).toBe('it_ops');
    expect(node(graph, 'role', 'security_admin').properties.isPrivileged).toBe(true);
    expect(node(graph, 'permission', 'itil role').properties).toMatchObject({ normalizedAction: 'update', scope: 'incident,problem,change' });
    expect(edges(graph, 'APPLIES_TO', node(graph, 'permission', 'itil role')).length).toBe(2); // incident, problem (change is change_request)
    const svc = node(graph, 'identity', 'Entra Directory Sync');
    expect(svc.properties).toMatchObject({ identitySubtype: 'integration_user', ownershipState: 'owned', securityRelevance: 'active_external', lastActivityAt: '2026-11-25T02:00:09.000Z' });
    expect(graph.evidenceCompleteness.sources.syslog_transaction).toMatchObject({ status: 'available', recordCount: 4 });
  });

  it('uses config tableClassification over name patterns', async () => {
    const { serviceNowConnector } = await import('../../../connectors/servicenow/index.ts');
    const { serviceNowConfig } = await import('../../support/connectors-fixtures.ts');
    const config = serviceNowConfig(server, 'happy-path', {}, { tableClassification: { u_vendor_contract: { domain: 'legal', sensitivity: 'restricted' } } });
    const graph = await serviceNowConnector.transform(await serviceNowConnector.extract(config, { syncId: 's', syncMode: 'full' }));
    expect(node(graph, 'resource', 'Vendor Contract').properties).toMatchObject({ businessDomain: 'legal', sensitivity: 'restricted', classificationBasis: 'configured' });
  });
});

describe('ServiceNow: orphaned owner', () => {
  it('svc_entra_sync is orphaned when its manager is deactivated', async () => {
    const { graph } = await sn('orphaned-owner');
    const svc = node(graph, 'identity', 'Entra Directory Sync');
    expect(svc.properties.ownershipState).toBe('orphaned');
    expect(node(graph, 'human_identity', 'Alice Nguyen')).toMatchObject({ status: 'disabled', properties: { accountEnabled: false } });
    expect(node(graph, 'identity', 'HR Export Integration').properties.ownershipState).toBe('unattributed');
  });
});

describe('ServiceNow: scope drift', () => {
  it('the integration user gains privileged roles', async () => {
    const { graph } = await sn('scope-drift');
    const svc = node(graph, 'identity', 'Entra Directory Sync');
    const roles = edges(graph, 'HAS_ROLE', svc).map((e) => props(graph, e.targetNodeId));
    expect(roles.map((r) => r.roleName).sort()).toEqual(['admin', 'itil', 'rest_service', 'security_admin']);
    expect(roles.filter((r) => r.isPrivileged).map((r) => r.roleName).sort()).toEqual(['admin', 'security_admin']);
    const custom = node(graph, 'permission', 'x_contoso_integration_writer role');
    expect(custom.properties).toMatchObject({ normalizedAction: 'update', mappingBasis: 'rule_4' });
  });
});

describe('ServiceNow: credential expiry', () => {
  it('an expired certificate is status expired; another expires within 30 days', async () => {
    const { graph } = await sn('credential-expiry');
    expect(node(graph, 'credential', 'workday-mtls-client')).toMatchObject({ status: 'expired', properties: { credentialSubtype: 'certificate', expiresAt: '2026-11-01T23:59:59.000Z' } });
    const soon = node(graph, 'credential', 'graph-jwt-signing');
    expect(soon.status).toBe('active');
    expect((Date.parse(String(soon.properties.expiresAt)) - FIXED_NOW.getTime()) / 86_400_000).toBeLessThan(30);
    expect(node(graph, 'credential', 'digicert-root-g2').status).toBe('active');
  });
});

describe('ServiceNow: partial failure', () => {
  it('reports each table as it ended and keeps failed types out of the extraction scope', async () => {
    const { graph, stats } = await sn('partial-failure', { maxRetries: 1, backoffMs: 5 });
    expect(stats?.status).toBe('partial');
    const sources = graph.evidenceCompleteness.sources;
    expect(sources.syslog_transaction?.status).toBe('unavailable_no_access');
    expect(sources.sys_hub_flow?.status).toBe('unavailable_not_enabled');
    // Optional tables that fail are unavailable with the reason (issue 12); what was read is kept.
    expect(sources.sys_script_include).toMatchObject({ status: 'unavailable_error', notes: expect.stringMatching(/HTTP 500/) });
    expect(sources.sys_user_role).toMatchObject({ status: 'unavailable_error', recordCount: 3 });
    expect(sources.sys_user_role?.notes).toMatch(/not JSON.*; 3 record\(s\) read before it$/);
    expect(stats?.errors.map((e) => e.type).sort()).toEqual(['PARSE_ERROR', 'SERVER_ERROR']);
    // Partial data is kept...
    expect(countByType(graph.nodes)).toMatchObject({ automation: 5, role: 5, connection: 2 });
    // Direct calls from readable scripts survive; the script include's call is gone with its table.
    expect(edges(graph, 'INVOKES').map((e) => e.sourceNodeId.split(':').pop()?.split('/')[0]).sort()).toEqual(['sys_script', 'sysauto_script']);
    // ...but types fed by a failed table can't be deleted by the diff.
    const scope = graph.extractionScope;
    expect(scope?.completeNodeTypes).not.toContain('automation');
    expect(scope?.completeNodeTypes).not.toContain('role');
    expect(scope?.completeNodeTypes).not.toContain('execution_evidence');
    expect(scope?.completeNodeTypes).toEqual(expect.arrayContaining(['connection', 'credential', 'human_identity', 'identity', 'resource']));
    expect(scope?.completeEdgeTypes).not.toContain('CALLS');
    expect(scope?.completeEdgeTypes).not.toContain('INVOKES');
    expect(scope?.completeEdgeTypes).toContain('USES');
  });

  it('a forbidden required table is fatal: the connector fails and yields no graph', async () => {
    server.inject('servicenow', 'partial-failure', { path: '/api/now/table/sys_script', kind: 'status', status: 403 });
    const run = await runScenario(server, { servicenow: 'partial-failure' }, { maxRetries: 0 });
    server.clearFaults('servicenow', 'partial-failure');
    expect(run.graphs).toEqual([]);
    expect(run.connectors[0]).toMatchObject({ status: 'failed', failure: { type: 'PERMISSION_DENIED' } });
  });
});

describe('ServiceNow: rate limiting', () => {
  it('waits out 429s, a hang and a 503, and ends with the happy-path graph', async () => {
    const happy = (await sn('happy-path')).graph;
    const { graph, stats } = await sn('rate-limiting', { timeoutMs: 500 });
    expect(stats?.status).toBe('completed');
    const log = server.requestsFor('servicenow', 'rate-limiting');
    const users = log.filter((r) => r.path === '/api/now/table/sys_user');
    expect(users.slice(0, 3).map((r) => r.status)).toEqual([429, 429, 200]);
    expect((users[1]?.at ?? 0) - (users[0]?.at ?? 0)).toBeGreaterThanOrEqual(990);
    expect(log.filter((r) => r.fault === 'hang')).toHaveLength(1);
    const strip = (g: NormalizedGraph) => ({ nodes: g.nodes, edges: g.edges });
    expect(strip(graph)).toEqual(strip(happy));
  });
});

describe('ServiceNow: empty response', () => {
  it('an instance that answers nothing yields only the synthetic system node and a scope that deletes no people', async () => {
    const { graph } = await sn('empty-response');
    expect(graph.nodes.map((n) => n.displayName)).toEqual(['ServiceNow system context']);
    expect(graph.extractionScope?.completeNodeTypes).not.toContain('human_identity');
    expect(graph.extractionScope?.completeNodeTypes).not.toContain('identity');
    expect(graph.extractionScope?.completeNodeTypes).not.toContain('resource');
  });
});

describe('ServiceNow: audit log', () => {
  it('maps sys_audit rows to event types and redacts audited secret values', async () => {
    const { serviceNowConnector } = await import('../../../connectors/servicenow/index.ts');
    const { serviceNowConfig } = await import('../../support/connectors-fixtures.ts');
    const audit = await serviceNowConnector.extractAuditLogs!(serviceNowConfig(server, 'happy-path'), { syncId: 'a', since: '2025-01-01T00:00:00Z' });
    expect(audit.auditRecords.map((r) => r.operation)).toEqual(['oauth_entity.client_secret update', 'sys_user.title update', 'sys_user.active update', 'sys_user_has_role insert']);
    const mapped = audit.auditRecords.map((r) => serviceNowConnector.mapAuditRecord!(r, 'contoso.service-now.com'));
    expect(mapped.map((m) => m && [m.eventType, m.entityId.split(':').pop()])).toEqual([
      null,
      null,
      ['status_changed', 'sys_user/c3a7d9eb2b3c4d4e8f5a6b7c8d9e0f03'],
      ['role_assigned', 'sys_user/a1e5b7c90f1a4b2c8d3e4f5a6b7c8d01'],
    ]);
    expect(JSON.stringify(audit)).not.toMatch(/secret-in-audit/);
    expect(audit.nextCursor.cursorState).toEqual({ lastSysUpdatedOn: '2026-10-01T08:00:00.000Z', lastSysId: 'aa01b2c3d4e5f60718293a4b5c6d7e01' });
  });
});
