import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChainVerdicts } from '../../../src/analysis/chain-verdicts.ts';
import { ReplayServer } from '../../../src/connector/replay-server.ts';
import type { TenantCollection } from '../../../src/sync/run-connectors.ts';
import { MemoryStorageAdapter } from '../../../src/storage/memory/MemoryStorageAdapter.ts';
import { applyGraph } from '../../../src/sync/apply-graph.ts';
import { ENTRA_TENANT, SN_INSTANCE } from '../../support/connectors-fixtures.ts';
import { edges, graphOf, node, runScenario } from '../../support/connectors-harness.ts';
import { postGraphQL, startTestApi } from '../api/support.ts';
import type { TestApi } from '../api/support.ts';

// Issue 12 over the real connectors: fixtures/servicenow/chain-verdicts holds one of every chain
// verdict beside the happy path (a latent path, both partial kinds, an inbound OAuth client), read
// over HTTP with the Entra happy path, stored, and asked through the analysis and the API.

let server: ReplayServer;
let run: TenantCollection;
let storage: MemoryStorageAdapter;
let api: TestApi;
const TENANT = 'acme';
beforeAll(async () => {
  server = await new ReplayServer().start();
  run = await runScenario(server, { entra: 'happy-path', servicenow: 'chain-verdicts' });
  storage = MemoryStorageAdapter.create();
  // One run: a cross-system edge may end at a node another graph of the same run brings.
  const runNodeIds = new Set(run.graphs.flatMap((g) => g.nodes.map((n) => n.nodeId)));
  for (const g of run.graphs) await applyGraph(storage, g, { runNodeIds });
  api = await startTestApi(storage);
});
afterAll(async () => {
  await api?.close();
  await storage?.close();
  await server?.close();
});

const names = (ids: string[], all: { nodeId: string; displayName: string }[]) => ids.map((id) => all.find((n) => n.nodeId === id)?.displayName ?? id);

describe('chain verdicts from the connectors (fixtures/servicenow/chain-verdicts)', () => {
  it('the connectors see the edges: an uncalled script include, a dangling OAuth profile, an inbound OAuth client', () => {
    expect(run.connectors.map((c) => c.status)).toEqual(['completed', 'completed']);
    const sn = graphOf(run, 'servicenow');
    const entra = graphOf(run, 'entra_id');
    const legacy = node(sn, 'automation', 'LegacyGraphClient');
    expect(edges(sn, 'INVOKES', legacy, node(sn, 'connection', 'Microsoft Graph Directory'))).toHaveLength(1);
    expect(sn.edges.filter((e) => e.edgeType === 'CALLS' && e.targetNodeId === legacy.nodeId)).toEqual([]);
    const salesforce = node(sn, 'connection', 'Salesforce Accounts');
    const profile = node(sn, 'credential', 'Salesforce Sales Cloud default_profile');
    expect(edges(sn, 'INVOKES', node(sn, 'automation', 'Push account to Salesforce'), salesforce)).toHaveLength(1);
    expect(edges(sn, 'USES', salesforce, profile)).toHaveLength(1);
    expect(edges(sn, 'AUTHENTICATES_AS', profile)).toEqual([]);

    const client = node(sn, 'credential', 'Workday HR Sync (inbound)');
    const user = node(sn, 'identity', 'HR Export Integration');
    expect(client.properties).toMatchObject({ credentialSubtype: 'oauth_client', clientId: '1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a', applicationUserNodeId: user.nodeId });
    const workday = entra.nodes.find((n) => n.nodeType === 'identity' && n.displayName === 'Workday HR Sync' && n.properties.identitySubtype === 'service_principal')!;
    const [inbound, ...more] = edges(entra, 'AUTHENTICATES_TO', workday, user);
    expect(more).toEqual([]);
    expect(inbound?.properties.evidenceReferences).toEqual({
      issuingSystemId: '1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a',
      issuingTenantId: ENTRA_TENANT,
      targetSystemId: '1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a',
      targetInstanceId: SN_INSTANCE,
      targetRecordSysId: '0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c53',
      matchingField: 'client_id',
      matchingValue: '1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a',
      targetUserBinding: 'oauth_entity.user -> sys_user.user_name = svc_hr_export',
    });
    expect(inbound?.properties.provenance).toMatchObject({ origin: 'resolver', rule: 'inbound_oauth_client' });
    // Both sources read whole in one run: the Entra graph may now drop a link that is gone.
    expect(entra.extractionScope?.completeEdgeTypes).toContain('AUTHENTICATES_TO');
  });

  it('stored, they are exactly these verdicts', async () => {
    const verdicts = await findChainVerdicts(storage, TENANT, {});
    const all = [...run.graphs.flatMap((g) => g.nodes)];
    expect(verdicts.map((v) => [v.kind, names(v.path.nodes.map((n) => n.nodeId), all).join(' > '), v.stop?.reason ?? null])).toEqual([
      ['inbound_oauth', 'Workday HR Sync > HR Export Integration', null],
      ['runs_as', 'Offboard leaver > ServiceNow system context', null],
      ['authenticates_as', 'Sync user to Entra on update > EntraDirectorySync > Microsoft Graph Directory > Entra ID - Directory Sync default_profile > ServiceNow Integration - Directory Sync', null],
      ['authenticates_as', 'Look up caller in Entra for P1 > Microsoft Graph Directory > Entra ID - Directory Sync default_profile > ServiceNow Integration - Directory Sync', null],
      ['partial', 'Push account to Salesforce > Salesforce Accounts > Salesforce Sales Cloud default_profile', 'stops_at_credential'],
      ['latent', 'LegacyGraphClient > Microsoft Graph Directory > Entra ID - Directory Sync default_profile > ServiceNow Integration - Directory Sync', null],
      ['authenticates_as', 'Nightly Entra group reconciliation > EntraDirectorySync > Microsoft Graph Directory > Entra ID - Directory Sync default_profile > ServiceNow Integration - Directory Sync', null],
      ['runs_as', 'Nightly Entra group reconciliation > Entra Directory Sync', null],
      ['partial', 'Weekly HR case export > Workday Export', 'stops_at_connection'],
      ['runs_as', 'Weekly HR case export > HR Export Integration', null],
    ]);
    const credentialStop = verdicts.find((v) => v.stop?.reason === 'stops_at_credential')!.stop;
    expect(credentialStop).toMatchObject({
      detail: `client id 3MVG9A2kN3Bn17hsWsLDatw0d5Y7PcLr2kQp matches no identity: searched the appId of 3 identities (entra_id:${ENTRA_TENANT}), case-insensitively; a deleted app or another tenant's app`,
      searched: { field: 'clientId', value: '3MVG9A2kN3Bn17hsWsLDatw0d5Y7PcLr2kQp', against: 'appId', candidates: 3, scopes: [`entra_id:${ENTRA_TENANT}`] },
    });
  });

  it('the API answers them, and the inbound chain leads to the roles of the user it runs as', async () => {
    const key = api.key(TENANT, 'reader');
    const q = `{ executionChains(kinds: [partial, latent, inbound_oauth], first: 20) { totalCount edges { node {
      kind entryPoint complete start { displayName } identity { displayName edges(types: [HAS_ROLE]) { target { displayName } } }
      stop { reason node { displayName } detail searched { candidates } } } } } }`;
    const r = await postGraphQL(api.server.graphqlUrl, q, {}, key);
    expect(r.body.errors).toBeUndefined();
    const chains = r.body.data!.executionChains.edges.map((e: any) => e.node);
    expect(chains).toEqual([
      { kind: 'inbound_oauth', entryPoint: true, complete: true, start: { displayName: 'Workday HR Sync' }, identity: { displayName: 'HR Export Integration', edges: [{ target: { displayName: 'hr_read' } }] }, stop: null },
      {
        kind: 'partial', entryPoint: true, complete: false, start: { displayName: 'Push account to Salesforce' }, identity: null,
        stop: { reason: 'stops_at_credential', node: { displayName: 'Salesforce Sales Cloud default_profile' }, detail: expect.stringContaining('matches no identity'), searched: { candidates: 3 } },
      },
      { kind: 'latent', entryPoint: false, complete: true, start: { displayName: 'LegacyGraphClient' }, identity: { displayName: 'ServiceNow Integration - Directory Sync', edges: [] }, stop: null },
      {
        kind: 'partial', entryPoint: true, complete: false, start: { displayName: 'Weekly HR case export' }, identity: null,
        stop: { reason: 'stops_at_connection', node: { displayName: 'Workday Export' }, detail: 'authenticates with a stored user name and password (basic auth): no credential record to follow to an identity', searched: null },
      },
    ]);
  });
});
