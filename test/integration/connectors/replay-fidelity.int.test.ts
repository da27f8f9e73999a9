import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphApi, odataPages } from '../../../connectors/entra-id/client.ts';
import { parseEntraConfig } from '../../../connectors/entra-id/config.ts';
import { transformEntra } from '../../../connectors/entra-id/transform.ts';
import { ReplayServer } from '../../../src/connector/replay-server.ts';
import type { RawExtraction } from '../../../src/connector/types.ts';
import { FIXED_NOW, entraConfig } from '../../support/connectors-fixtures.ts';
import { graphOf, node, runScenario } from '../../support/connectors-harness.ts';

// Issue 12: the replay server answers like the real APIs, so a connector that forgets to ask for a
// field fails here as it would in production: Graph's /users without $select has no
// accountEnabled or employeeLeaveDateTime, navigation properties need $expand, and the Table API
// answers sysparm_fields only.

let server: ReplayServer;
beforeAll(async () => {
  server = await new ReplayServer().start();
});
afterAll(async () => server.close());

const graph = async (path: string) => {
  const config = entraConfig(server, 'happy-path');
  const api = graphApi(config, parseEntraConfig(config));
  const rows: Record<string, unknown>[] = [];
  for await (const page of odataPages(api.http, api.url(path.split('?')[0]!, Object.fromEntries(new URLSearchParams(path.split('?')[1] ?? ''))))) rows.push(...page);
  return rows;
};

describe('Graph: $select, $expand and default property sets', () => {
  it('/users without $select answers the default set only', async () => {
    const [first] = await graph('users');
    expect(Object.keys(first!).sort()).toEqual(['displayName', 'id', 'jobTitle', 'mail', 'userPrincipalName']);
  });

  it('$select answers exactly the fields asked for', async () => {
    const rows = await graph('users?$select=id,accountEnabled,employeeLeaveDateTime');
    expect(rows.map((r) => Object.keys(r).sort())).toEqual(rows.map(() => ['accountEnabled', 'employeeLeaveDateTime', 'id']));
  });

  it('navigation properties come only with $expand', async () => {
    expect((await graph('servicePrincipals')).some((sp) => 'owners' in sp)).toBe(false);
    const expanded = await graph('servicePrincipals?$expand=owners');
    expect(expanded.find((sp) => sp.displayName === 'ServiceNow Integration - Directory Sync')?.owners).toEqual([
      expect.objectContaining({ '@odata.type': '#microsoft.graph.user', displayName: 'Bob Marsh' }),
    ]);
    // Full property set for service principals: appRoles come without asking.
    expect(expanded.find((sp) => sp.displayName === 'Microsoft Graph')?.appRoles).toHaveLength(5);
  });

  it('a connector that forgot $select on /users would call a departed owner active: the fixture catches it', async () => {
    const users = await graph('users');
    const raw: RawExtraction = {
      syncId: 'forgetful',
      connectorId: 'entra-contoso',
      tenantId: 'acme',
      extractedAt: FIXED_NOW.toISOString(),
      sourceScope: '4a1c2e9d-7b3f-4c55-9e2a-0d8f6b1a3c77',
      syncMode: 'full',
      entities: users.map((u) => ({ sourceId: String(u.id), sourceType: 'user', properties: u, extractedAt: FIXED_NOW.toISOString() })),
      relationships: [],
      metadata: { apiCallCount: 0, totalEntitiesDiscovered: users.length, paginationComplete: true, errors: [], warnings: [], collections: {}, retries: 0, durationMs: 0 },
    };
    const forgetful = transformEntra(raw);
    expect(node(forgetful, 'human_identity', 'Bob Marsh')).toMatchObject({ status: 'active', properties: { accountEnabled: true } });
    expect(node(forgetful, 'human_identity', 'Bob Marsh').properties.departedAt).toBeUndefined();
    // The real connector asks for every field it reads.
    const real = graphOf(await runScenario(server, { entra: 'happy-path' }), 'entra_id');
    expect(node(real, 'human_identity', 'Bob Marsh')).toMatchObject({ status: 'disabled', properties: { accountEnabled: false, departedAt: '2026-09-30T17:00:00.000Z' } });
  });
});

describe('ServiceNow: sysparm_fields', () => {
  const table = async (query: string) => {
    const response = await fetch(`${server.scenarioUrl('servicenow', 'happy-path')}/api/now/table/sys_user?${query}`, {
      headers: { Authorization: `Basic ${Buffer.from('svc_authgraph_reader:fixture-snow-password-7Hk!x').toString('base64')}`, Accept: 'application/json' },
    });
    return ((await response.json()) as { result: Record<string, unknown>[] }).result;
  };

  it('answers only the fields asked for, and every field without sysparm_fields', async () => {
    const some = await table('sysparm_fields=sys_id,user_name,no_such_field&sysparm_limit=2');
    expect(some).toEqual([
      { sys_id: 'a1e5b7c90f1a4b2c8d3e4f5a6b7c8d01', user_name: 'svc_entra_sync' },
      { sys_id: 'a1e5b7c90f1a4b2c8d3e4f5a6b7c8d05', user_name: 'svc_hr_export' },
    ]);
    const all = await table('sysparm_limit=1');
    expect(Object.keys(all[0]!)).toEqual(expect.arrayContaining(['sys_id', 'user_name', 'active', 'manager', 'web_service_access_only']));
  });
});
