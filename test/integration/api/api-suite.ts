import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorSyncLauncher } from '../../../src/api/sync-launcher.ts';
import { startDemoSources } from '../../../src/sync/demo-sources.ts';
import type { StorageAdapter } from '../../../src/storage/StorageAdapter.ts';
import { applyGraph } from '../../../src/sync/apply-graph.ts';
import { SAMPLE_IDS, freshTenant, sampleTenant } from '../../support/sample-tenant.ts';
import { VERDICT_IDS, VERDICT_SUMMARY, verdictTenant } from '../../support/verdict-tenant.ts';
import { codesOf, instrument, postGraphQL, startTestApi } from './support.ts';
import type { InstrumentedStorage, TestApi } from './support.ts';

export interface ApiSuiteHarness {
  setup: () => Promise<StorageAdapter>;
}

const CHAINS = `query Chains($to: ID, $from: ID, $first: Int, $after: String, $maxDepth: Int) {
  executionChains(to: $to, from: $from, first: $first, after: $after, maxDepth: $maxDepth) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      node {
        id kind depth
        automation { id displayName automationSubtype }
        identity { id displayName identitySubtype ownershipState }
        hops {
          position
          from { id }
          to { id __typename }
          edge { id edgeType source { id } target { id } provenance { origin rule } }
          evidence { crossSystemLink { edgeType properties { evidenceReferences { matchingField matchingValue issuingTenantId } } } }
        }
      }
    }
  }
}`;

const OWNERSHIP = `query Ownership($id: ID!) {
  ownership(nodeId: $id) { state recordedState node { id } owners { displayName via active inactiveReason node { id } } signals { kind detail } }
}`;

/**
 * The API end to end over HTTP, on the sample tenant, for one StorageAdapter. Each adapter's test
 * file calls this once (like test/contract); the suite owns the data (fresh tenants) and server.
 */
export function defineApiSuite(name: string, harness: ApiSuiteHarness): void {
  describe(`GraphQL API over HTTP: ${name}`, () => {
    let inner: StorageAdapter;
    let store: InstrumentedStorage;
    let api: TestApi;
    const tenantA = freshTenant('api-a');
    const tenantB = freshTenant('api-b');
    const tenantV = freshTenant('api-v');
    let reader: string;
    const gql = (query: string, variables: Record<string, unknown> = {}, key: string | undefined = reader) =>
      postGraphQL(api.server.graphqlUrl, query, variables, key);

    beforeAll(async () => {
      inner = await harness.setup();
      store = instrument(inner);
      await applyGraph(inner, sampleTenant(tenantA));
      // Tenant B: only the people, from another connector, so ids overlap and data differs.
      const sample = sampleTenant(tenantB);
      await applyGraph(inner, { ...sample, connectorId: 'b-directory', syncId: 'b-sync-1', nodes: sample.nodes.filter((n) => n.nodeType === 'human_identity'), edges: [] });
      await applyGraph(inner, verdictTenant(tenantV));
      api = await startTestApi(store.storage);
      reader = api.key(tenantA, 'reader');
    });
    afterAll(async () => {
      await api?.close();
      await inner?.close();
    });

    describe('execution chains', () => {
      it('finds the two 4-hop chains to SN-Graph-Integration, each hop with its evidence', async () => {
        const r = await gql(CHAINS, { to: SAMPLE_IDS.graphPrincipal });
        expect(r.body.errors).toBeUndefined();
        const chains = r.body.data!.executionChains;
        expect(chains.totalCount).toBe(2);
        const nodes = chains.edges.map((e: any) => e.node);
        expect(nodes.map((c: any) => c.automation.id)).toEqual([SAMPLE_IDS.businessRule, SAMPLE_IDS.scheduledJob]);
        for (const chain of nodes) {
          expect(chain).toMatchObject({ kind: 'authenticates_as', depth: 4, identity: { displayName: 'SN-Graph-Integration', ownershipState: 'orphaned' } });
          expect(chain.hops.map((h: any) => h.edge.edgeType)).toEqual(['CALLS', 'INVOKES', 'USES', 'AUTHENTICATES_AS']);
          expect(chain.hops.map((h: any) => h.to.id)).toEqual([SAMPLE_IDS.scriptInclude, SAMPLE_IDS.restMessage, SAMPLE_IDS.oauthProfile, SAMPLE_IDS.graphPrincipal]);
          for (const hop of chain.hops) {
            expect(hop.edge.source.id).toBe(hop.from.id);
            expect(hop.edge.target.id).toBe(hop.to.id);
            expect(hop.edge.provenance?.origin).toMatch(/^(resolver|source_record)$/);
          }
          expect(chain.hops[3].evidence.crossSystemLink).toMatchObject({
            edgeType: 'AUTHENTICATES_TO',
            properties: { evidenceReferences: { matchingField: 'client_id', issuingTenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47' } },
          });
          expect(chain.hops[0].evidence.crossSystemLink).toBeNull();
        }
        expect(nodes[0].id).not.toBe(nodes[1].id);
      });

      it('finds the RUNS_AS chain, and chains from an automation', async () => {
        const runsAs = await gql(CHAINS, { to: SAMPLE_IDS.hrIntegrationUser });
        const [chain] = runsAs.body.data!.executionChains.edges.map((e: any) => e.node);
        expect(runsAs.body.data!.executionChains.totalCount).toBe(1);
        expect(chain).toMatchObject({ kind: 'runs_as', depth: 1, automation: { id: SAMPLE_IDS.flow, automationSubtype: 'flow_designer_flow' }, identity: { displayName: 'svc_hr_integration' } });
        const from = await gql(CHAINS, { from: SAMPLE_IDS.businessRule });
        expect(from.body.data!.executionChains.edges.map((e: any) => e.node.identity.id)).toEqual([SAMPLE_IDS.graphPrincipal]);
      });

      it('a page of chains reads storage a fixed number of times, not once per hop', async () => {
        store.reset();
        // maxDepth 6: a query no earlier test asked, so the chains are computed, not remembered.
        const r = await gql(CHAINS, { to: SAMPLE_IDS.graphPrincipal, maxDepth: 6 });
        const hops = r.body.data!.executionChains.edges.flatMap((e: any) => e.node.hops).length;
        expect(hops).toBe(8);
        // Two walks: back along chain edges, and back along AUTHENTICATES_TO (inbound OAuth); and
        // the tenant's data version, which keys the shared answer.
        expect(Object.fromEntries(store.calls)).toEqual({ dataVersion: 1, getNodes: 1, queryPaths: 2, getEdgesForNode: 1 });
        // A page of nodes with their edges' far ends: the far ends are batched, not read one by one.
        store.reset();
        const page = await gql(`{ nodes(first: 30) { edges { node { id edges(direction: both) { source { id } target { displayName } } } } } }`);
        expect(page.body.errors).toBeUndefined();
        expect(store.calls.get('listNodes')).toBe(1);
        expect(store.calls.get('getNodes') ?? 0).toBeLessThanOrEqual(1);
      });

      it('refuses a `to` that is not an identity, and one that does not exist', async () => {
        expect(codesOf(await gql(CHAINS, { to: SAMPLE_IDS.businessRule }))).toEqual(['BAD_USER_INPUT']);
        const missing = await gql(CHAINS, { to: 'entra_id:nowhere:x' });
        expect(codesOf(missing)).toEqual(['NOT_FOUND']);
        expect(missing.body.data).toBeNull();
      });
    });

    describe('chain verdicts (issue 12)', () => {
      const VERDICTS = `query V($kinds: [ChainKind!], $to: ID, $from: ID) {
        executionChains(kinds: $kinds, to: $to, from: $from, first: 50) {
          totalCount
          edges { node {
            id kind depth entryPoint complete
            start { id __typename }
            automation { id }
            identity { id displayName }
            stop { reason detail node { id displayName __typename } searched { field value against candidates scopes } }
            nodes { displayName }
            hops { edge { edgeType } evidence { evidenceReferences { matchingField matchingValue targetUserBinding targetRecordSysId } } }
          } }
        }
      }`;
      const verdicts = async (variables: Record<string, unknown>) => {
        const r = await gql(VERDICTS, variables, api.key(tenantV, 'reader'));
        expect(r.body.errors).toBeUndefined();
        return r.body.data!.executionChains.edges.map((e: any) => e.node);
      };

      it('answers every kind by default, partial chains and latent paths included', async () => {
        const all = await verdicts({});
        expect(all.map((c: any) => [c.kind, c.nodes.map((n: any) => n.displayName).join(' > '), c.stop?.reason ?? null])).toEqual(VERDICT_SUMMARY);
      });

      it('partial chains say where and why they stop, and what was searched', async () => {
        const partial = await verdicts({ kinds: ['partial'] });
        expect(partial).toHaveLength(2);
        const [credential, connection] = partial;
        expect(credential).toMatchObject({
          kind: 'partial',
          entryPoint: true,
          complete: false,
          automation: { id: VERDICT_IDS.crmJob },
          identity: null,
          stop: {
            reason: 'stops_at_credential',
            node: { id: VERDICT_IDS.crmProfile, displayName: 'CRM OAuth profile', __typename: 'Credential' },
            searched: { field: 'clientId', value: VERDICT_IDS.crmClientId, against: 'appId', candidates: 2, scopes: ['entra_id:72f988bf-86f1-41af-91ab-2d7cd011db47'] },
          },
        });
        expect(credential.stop.detail).toBe(
          `client id ${VERDICT_IDS.crmClientId} matches no identity: searched the appId of 2 identities (entra_id:72f988bf-86f1-41af-91ab-2d7cd011db47), case-insensitively; a deleted app or another tenant's app`,
        );
        expect(connection).toMatchObject({
          kind: 'partial',
          depth: 1,
          identity: null,
          stop: {
            reason: 'stops_at_connection',
            detail: 'authenticates with a stored user name and password (basic auth): no credential record to follow to an identity',
            node: { id: VERDICT_IDS.vendorApi, __typename: 'Connection' },
            searched: null,
          },
        });
        // A `to` query never returns a partial chain: they end at no identity.
        expect(await verdicts({ kinds: ['partial'], to: SAMPLE_IDS.graphPrincipal })).toEqual([]);
      });

      it('a script include nothing calls is a latent path, not an execution chain', async () => {
        const toPrincipal = await verdicts({ to: SAMPLE_IDS.graphPrincipal });
        expect(toPrincipal.map((c: any) => [c.kind, c.entryPoint, c.start.id])).toEqual([
          ['authenticates_as', true, SAMPLE_IDS.businessRule],
          ['authenticates_as', true, SAMPLE_IDS.scheduledJob],
          ['latent', false, VERDICT_IDS.latentInclude],
        ]);
        const executing = await verdicts({ to: SAMPLE_IDS.graphPrincipal, kinds: ['authenticates_as', 'runs_as'] });
        expect(executing.map((c: any) => c.start.id)).toEqual([SAMPLE_IDS.businessRule, SAMPLE_IDS.scheduledJob]);
      });

      it('inbound OAuth: an Entra app authenticates to a ServiceNow user, with the binding as evidence', async () => {
        const [inbound] = await verdicts({ kinds: ['inbound_oauth'] });
        expect(inbound).toMatchObject({
          kind: 'inbound_oauth',
          entryPoint: true,
          complete: true,
          start: { id: SAMPLE_IDS.payrollPrincipal, __typename: 'Identity' },
          automation: null,
          identity: { id: SAMPLE_IDS.hrIntegrationUser },
          hops: [{ edge: { edgeType: 'AUTHENTICATES_TO' }, evidence: { evidenceReferences: { matchingField: 'client_id', targetUserBinding: 'oauth_entity.user -> sys_user.user_name', targetRecordSysId: 'oauth-client-payroll' } } }],
        });
      });

      it('an evidence pack of a partial chain carries its stop', async () => {
        const [partial] = await verdicts({ kinds: ['partial'] });
        const r = await gql(`query P($id: ID) { evidencePack(chainId: $id) }`, { id: partial.id }, api.key(tenantV, 'operator'));
        expect(r.body.errors).toBeUndefined();
        const pack = r.body.data!.evidencePack;
        expect(pack.chains).toEqual([
          expect.objectContaining({ chainId: partial.id, kind: 'partial', identityId: null, stop: expect.objectContaining({ reason: 'stops_at_credential', nodeId: VERDICT_IDS.crmProfile }) }),
        ]);
      });

      it('refuses an empty kinds list', async () => {
        expect(codesOf(await gql(VERDICTS, { kinds: [] }, api.key(tenantV, 'reader')))).toEqual(['BAD_USER_INPUT']);
      });
    });

    describe('paths, nodes, ownership, evidence', () => {
      it('answers a PathQuery and validates it with the model schema', async () => {
        const q = `query P($q: PathQueryInput!) { paths(query: $q) { totalCount edges { node { depth endNode { __typename id } edges { edgeType } } } } }`;
        const r = await gql(q, { q: { startNodeId: SAMPLE_IDS.graphPrincipal, traverseEdgeTypes: ['HAS_ROLE', 'GRANTS'], maxDepth: 2 } });
        expect(r.body.errors).toBeUndefined();
        const ends = r.body.data!.paths.edges.map((e: any) => e.node.endNode.__typename).sort();
        expect(ends).toEqual(['Permission', 'Role']);
        const filtered = await gql(q, { q: { startNodeType: 'identity', startNodeFilters: { identitySubtype: 'integration_user' }, traverseEdgeTypes: ['HAS_ROLE'], endNodeType: 'role', maxDepth: 1 } });
        expect(filtered.body.data!.paths.totalCount).toBe(1);
        expect(codesOf(await gql(q, { q: { startNodeId: SAMPLE_IDS.graphPrincipal, traverseEdgeTypes: ['HAS_ROLE'], maxDepth: 11 } }))).toEqual(['BAD_USER_INPUT']);
        expect(codesOf(await gql(q, { q: { traverseEdgeTypes: ['HAS_ROLE'], maxDepth: 2 } }))).toEqual(['BAD_USER_INPUT']);
        expect(codesOf(await gql(q, { q: { startNodeType: 'identity', startNodeFilters: { 'x) DETACH DELETE n //': 1 }, traverseEdgeTypes: ['HAS_ROLE'], maxDepth: 1 } }))).toEqual(['BAD_USER_INPUT']);
      });

      it('reads typed nodes by id and by type with filters', async () => {
        const r = await gql(`{
          node(id: "${SAMPLE_IDS.oauthProfile}") { __typename id displayName ... on Credential { credentialSubtype } }
          nodes(type: role, filter: { properties: { isPrivileged: true } }) { edges { node { ... on Role { roleName isPrivileged } } } }
        }`);
        expect(r.body.errors).toBeUndefined();
        expect(r.body.data!.node).toMatchObject({ __typename: 'Credential', credentialSubtype: 'oauth_profile' });
        expect(r.body.data!.nodes.edges.every((e: any) => e.node.isPrivileged === true)).toBe(true);
        expect(r.body.data!.nodes.edges.length).toBeGreaterThan(0);
      });

      it('gives the ownership verdicts: orphaned, owned, unattributed, with their signals', async () => {
        const orphaned = (await gql(OWNERSHIP, { id: SAMPLE_IDS.graphPrincipal })).body.data!.ownership;
        expect(orphaned).toMatchObject({ state: 'orphaned', recordedState: 'orphaned', owners: [{ displayName: 'Alice Meyer', via: 'OWNED_BY', active: false, node: { id: SAMPLE_IDS.alice } }] });
        expect(orphaned.signals.map((s: any) => s.kind)).toContain('owner_inactive');
        const owned = (await gql(OWNERSHIP, { id: SAMPLE_IDS.hrIntegrationUser })).body.data!.ownership;
        expect(owned).toMatchObject({ state: 'owned', owners: [{ displayName: 'Carol Jensen', active: true }] });
        const unattributed = (await gql(OWNERSHIP, { id: SAMPLE_IDS.payrollPrincipal })).body.data!.ownership;
        expect(unattributed.state).toBe('unattributed');
        expect(unattributed.signals.map((s: any) => s.kind).sort()).toEqual(['maintainer_hint_ignored', 'no_owner_edges']);
      });

      it('reports evidence completeness from the latest sync, and the connectors seen', async () => {
        const r = await gql(`{
          evidenceCompleteness(connectorId: "sample") { connectorId syncId complete sources { key sourceTable status recordCount notes } }
          connectors { id configured syncCount lastSync { syncId status } evidenceCompleteness { complete } }
        }`);
        expect(r.body.errors).toBeUndefined();
        expect(r.body.data!.evidenceCompleteness).toEqual({
          connectorId: 'sample',
          syncId: 'sample-sync-1',
          complete: false,
          sources: [
            { key: 'signIns', sourceTable: 'auditLogs/signIns', status: 'available', recordCount: 412, notes: null },
            { key: 'syslog_transaction', sourceTable: 'syslog_transaction', status: 'unavailable_no_access', recordCount: null, notes: '403 for the integration account' },
          ],
        });
        expect(r.body.data!.connectors).toEqual([{ id: 'sample', configured: false, syncCount: 1, lastSync: { syncId: 'sample-sync-1', status: 'completed' }, evidenceCompleteness: { complete: false } }]);
        expect(codesOf(await gql(`{ evidenceCompleteness(connectorId: "nope") { complete } }`))).toEqual(['NOT_FOUND']);
      });

      it('answers the posture: counts from the store, the listed nodes, each connector’s last sync', async () => {
        const POSTURE = `query P($asOf: String, $top: Int) { posture(asOf: $asOf, top: $top, expiringWithinDays: 30) {
          at asOfSyncId expiringWithinDays
          identitiesByOwnership { state count }
          chainsByKind { kind count }
          privilegedReachable { count top { nodeId chains node { displayName } } }
          credentialsExpired { count } credentialsExpiring { count top { nodeId expiresAt } }
          connectors { connectorId lastSync { syncId status } evidenceCompleteness { complete } }
        }
        execution: executionChains(first: 1, kinds: [authenticates_as, runs_as], asOf: $asOf) { totalCount }
        all: executionChains(first: 1, asOf: $asOf) { totalCount } }`;
        const r = await gql(POSTURE, { asOf: 'sample-sync-1', top: 1 });
        expect(r.body.errors).toBeUndefined();
        const p = r.body.data!.posture;
        expect(p).toMatchObject({ at: '2026-01-15T06:00:00.000Z', asOfSyncId: 'sample-sync-1', expiringWithinDays: 30 });
        expect(p.identitiesByOwnership).toEqual([
          { state: 'owned', count: 1 },
          { state: 'orphaned', count: 1 },
          { state: 'unattributed', count: 1 },
          { state: 'disputed', count: 0 },
        ]);
        expect(p.chainsByKind).toEqual([
          { kind: 'authenticates_as', count: 2 },
          { kind: 'runs_as', count: 1 },
          { kind: 'inbound_oauth', count: 0 },
          { kind: 'partial', count: 0 },
          { kind: 'latent', count: 0 },
        ]);
        // The same chains Query.executionChains lists.
        const sum = (kinds: string[]) => p.chainsByKind.filter((c: any) => kinds.includes(c.kind)).reduce((n: number, c: any) => n + c.count, 0);
        expect(sum(['authenticates_as', 'runs_as'])).toBe(r.body.data!.execution.totalCount);
        expect(sum(['authenticates_as', 'runs_as', 'inbound_oauth', 'partial', 'latent'])).toBe(r.body.data!.all.totalCount);
        expect(p.privilegedReachable).toEqual({ count: 2, top: [{ nodeId: SAMPLE_IDS.graphPrincipal, chains: 2, node: { displayName: 'SN-Graph-Integration' } }] });
        expect(p.connectors).toEqual([{ connectorId: 'sample', lastSync: { syncId: 'sample-sync-1', status: 'completed' }, evidenceCompleteness: { complete: false } }]);
        // Before the first sync nothing was there; another tenant sees only its own (no chains).
        const before = (await gql(POSTURE, { asOf: '2026-01-01T00:00:00Z' })).body.data!.posture;
        expect(before.chainsByKind.every((c: any) => c.count === 0)).toBe(true);
        expect(before.connectors).toEqual([]);
        const other = (await gql(POSTURE, {}, api.key(tenantB, 'reader'))).body.data!.posture;
        expect(other.chainsByKind.every((c: any) => c.count === 0)).toBe(true);
        expect(other.identitiesByOwnership.every((c: any) => c.count === 0)).toBe(true);
        expect(codesOf(await gql(POSTURE, { asOf: 'no-such-sync' }))).toEqual(['BAD_USER_INPUT']);
        expect(codesOf(await gql(POSTURE, { top: 1000 }))).toEqual(['BAD_USER_INPUT']);
      });
    });

    describe('pagination', () => {
      it('walks nodes, chains and events page by page with no gaps or repeats', async () => {
        const walk = async (query: string, field: string, first: number) => {
          const seen: string[] = [];
          let after: string | null = null;
          for (let page = 0; page < 50; page++) {
            const r = await gql(query, { first, after });
            expect(r.body.errors).toBeUndefined();
            const conn = r.body.data![field];
            seen.push(...conn.edges.map((e: any) => e.node.id));
            if (!conn.pageInfo.hasNextPage) return seen;
            after = conn.pageInfo.endCursor;
          }
          throw new Error('did not end');
        };
        const nodesQ = `query($first: Int, $after: String) { nodes(first: $first, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id } } } }`;
        const all = (await gql(nodesQ, { first: 100 })).body.data!.nodes.edges.map((e: any) => e.node.id);
        expect(all).toHaveLength(21);
        expect(await walk(nodesQ, 'nodes', 4)).toEqual(all);
        expect([...all].sort()).toEqual(all);

        const chainsQ = `query($first: Int, $after: String) { executionChains(first: $first, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id } } } }`;
        const chains = await walk(chainsQ, 'executionChains', 1);
        expect(chains).toHaveLength(3);
        expect(new Set(chains).size).toBe(3);

        const eventsQ = `query($first: Int, $after: String) { events(first: $first, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id } } } }`;
        const events = await walk(eventsQ, 'events', 7);
        expect(events).toHaveLength(44);
        expect(events).toEqual((await gql(eventsQ, { first: 100 })).body.data!.events.edges.map((e: any) => e.node.id));
        expect(codesOf(await gql(eventsQ, { first: 5, after: 'not-a-cursor' }))).toEqual(['BAD_USER_INPUT']);
        expect(codesOf(await gql(nodesQ, { first: 5, after: 'bm9wZQ' }))).toEqual(['BAD_USER_INPUT']);
      });

      it('filters events (seed EventQuery)', async () => {
        const r = await gql(`{ events(first: 100, filter: { entityId: "${SAMPLE_IDS.graphPrincipal}", eventType: relationship_added, orderBy: desc }) {
          edges { node { eventType entityId targetEntityId relationshipType entity { displayName } } } } }`);
        const events = r.body.data!.events.edges.map((e: any) => e.node);
        expect(events.length).toBeGreaterThan(0);
        expect(events.every((e: any) => e.eventType === 'relationship_added' && (e.entityId === SAMPLE_IDS.graphPrincipal || e.targetEntityId === SAMPLE_IDS.graphPrincipal))).toBe(true);
        const none = await gql(`{ events(filter: { since: "2030-01-01T00:00:00Z" }) { edges { cursor } } }`);
        expect(none.body.data!.events.edges).toEqual([]);
      });
    });

    describe('authentication, roles and tenant isolation', () => {
      it('refuses a missing or wrong key with UNAUTHENTICATED and no data', async () => {
        for (const key of [undefined, 'agk_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', `${reader.slice(0, -2)}xx`, 'Bearer nonsense']) {
          const r = await postGraphQL(api.server.graphqlUrl, `{ viewer { tenantId } nodes { edges { node { id } } } }`, {}, key);
          expect(r.status).toBe(401);
          expect(codesOf(r)).toEqual(['UNAUTHENTICATED']);
          expect(r.body.data).toBeUndefined();
        }
        const bearer = await fetch(api.server.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${reader}` }, body: JSON.stringify({ query: '{ viewer { tenantId role } }' }) });
        expect(await bearer.json()).toEqual({ data: { viewer: { tenantId: tenantA, role: 'reader' } } });
      });

      it('enforces roles: sync records need an operator', async () => {
        const q = `{ syncs { syncId status errors { message } } }`;
        const asReader = await gql(q);
        expect(codesOf(asReader)).toEqual(['FORBIDDEN']);
        expect(asReader.body.data ?? null).toBeNull();
        const asOperator = await gql(q, {}, api.key(tenantA, 'operator'));
        expect(asOperator.body.data!.syncs).toEqual([{ syncId: 'sample-sync-1', status: 'completed', errors: [] }]);
        expect(codesOf(await gql(`{ connectors { lastSync { errors { message } } } }`))).toEqual(['FORBIDDEN']);
      });

      it("scopes every answer to the key's tenant: another tenant's ids are NOT_FOUND", async () => {
        const b = api.key(tenantB, 'reader');
        const own = await gql(`{ viewer { tenantId } nodes(first: 100) { edges { node { id nodeType } } } connectors { id } }`, {}, b);
        expect(own.body.data!.viewer.tenantId).toBe(tenantB);
        expect(own.body.data!.nodes.edges.map((e: any) => e.node.nodeType)).toEqual(['human_identity', 'human_identity', 'human_identity']);
        expect(own.body.data!.connectors).toEqual([{ id: 'b-directory' }]);
        for (const query of [
          `{ node(id: "${SAMPLE_IDS.graphPrincipal}") { id } }`,
          `{ ownership(nodeId: "${SAMPLE_IDS.graphPrincipal}") { state } }`,
          `{ executionChains(to: "${SAMPLE_IDS.graphPrincipal}") { totalCount } }`,
          `{ evidenceCompleteness(connectorId: "sample") { complete } }`,
        ]) {
          const r = await gql(query, {}, b);
          expect(codesOf(r)).toEqual(['NOT_FOUND']);
          expect(r.body.data).toBeNull();
        }
        const events = await gql(`{ events(filter: { entityId: "${SAMPLE_IDS.graphPrincipal}" }) { edges { cursor } } }`, {}, b);
        expect(events.body.data!.events.edges).toEqual([]);
        // No argument can name a tenant: the schema has none.
        expect(codesOf(await gql(`{ nodes(tenantId: "${tenantA}") { edges { cursor } } }`, {}, b))).toEqual(['BAD_USER_INPUT']);
      });
    });

    describe('triggerSync', () => {
      it('lets an operator start a sync of their own instance and follow it in syncs', async () => {
        const sources = await startDemoSources();
        const tenantC = freshTenant('api-sync');
        const instances = sources.instances.map((i) => ({ ...i, config: { ...i.config, tenantId: tenantC } }));
        const syncing = await startTestApi(store.storage, undefined, (api) => connectorSyncLauncher(api, instances, () => {}));
        const connectorId = instances[0]!.config.connectorId;
        const trigger = `mutation($id: ID!) { triggerSync(connectorId: $id, mode: full) { runId connectorId mode startedAt } }`;
        const call = (key: string, id = connectorId) => postGraphQL(syncing.server.graphqlUrl, trigger, { id }, key);
        try {
          const listed = await postGraphQL(syncing.server.graphqlUrl, `{ connectors { id sourceSystem configured syncCount lastSync { syncId } } }`, {}, syncing.key(tenantC, 'reader'));
          expect(listed.body.data!.connectors).toEqual(
            instances
              .map((i) => ({ id: i.config.connectorId, sourceSystem: i.connector.sourceSystem, configured: true, syncCount: 0, lastSync: null }))
              .sort((a, b) => (a.id < b.id ? -1 : 1)),
          );
          expect(codesOf(await call(syncing.key(tenantC, 'reader')))).toEqual(['FORBIDDEN']);
          expect(codesOf(await call(syncing.key(tenantA, 'operator')))).toEqual(['NOT_FOUND']);
          expect(codesOf(await call(syncing.key(tenantC, 'operator'), 'no-such-connector'))).toEqual(['NOT_FOUND']);
          const started = await call(syncing.key(tenantC, 'admin'));
          expect(started.body.errors).toBeUndefined();
          const run = started.body.data!.triggerSync;
          expect(run).toMatchObject({ connectorId, mode: 'full' });
          let status: string | undefined;
          for (let i = 0; i < 300 && status !== 'completed' && status !== 'partial' && status !== 'failed'; i++) {
            await new Promise((r) => setTimeout(r, 200));
            const syncs = await postGraphQL(syncing.server.graphqlUrl, `{ syncs(connectorId: "${connectorId}") { syncId status } }`, {}, syncing.key(tenantC, 'operator'));
            status = syncs.body.data!.syncs.find((x: any) => x.syncId.startsWith(run.runId))?.status;
          }
          expect(status).toBe('completed');
          const nodes = await postGraphQL(syncing.server.graphqlUrl, `{ nodes(first: 1) { edges { node { id } } } }`, {}, syncing.key(tenantC, 'reader'));
          expect(nodes.body.data!.nodes.edges).toHaveLength(1);
        } finally {
          await syncing.close();
          await sources.close();
        }
      });
    });

    describe('malformed and hostile queries', () => {
      it('refuses deep nesting, huge pages and unknown enums', async () => {
        const deep = `{ node(id: "${SAMPLE_IDS.businessRule}") { ${'edges { target { '.repeat(6)} id ${'} } '.repeat(6)} } }`;
        const tooDeep = await gql(deep);
        expect(new Set(codesOf(tooDeep))).toEqual(new Set(['QUERY_TOO_COMPLEX']));
        expect(tooDeep.body.data).toBeUndefined();
        const huge = await gql(`{ nodes(first: 1000) { edges { cursor } } }`);
        expect(codesOf(huge)).toEqual(['BAD_USER_INPUT']);
        expect(huge.body.errors![0]!.message).toContain('first');
        expect(codesOf(await gql(`{ nodes(first: 99999999999) { edges { cursor } } }`))).toEqual(['BAD_USER_INPUT']);
        expect(codesOf(await gql(`query($n: Int) { nodes(first: $n) { edges { cursor } } }`, { n: -1 }))).toEqual(['BAD_USER_INPUT']);
        expect(codesOf(await gql(`{ nodes(type: autonomous_identity) { edges { cursor } } }`))).toEqual(['BAD_USER_INPUT']);
        expect(codesOf(await gql(`{ nodes { edges { node { id ... on Identity { nope } } } } }`))).toEqual(['BAD_USER_INPUT']);
        expect(codesOf(await gql(`{ nodes { `))).toEqual(['BAD_USER_INPUT']);
      });

      it('allows introspection but caps what it may cost', async () => {
        const intro = await gql(getIntrospectionQuery());
        expect(intro.body.errors).toBeUndefined();
        expect(intro.body.data!.__schema.types.some((t: any) => t.name === 'ExecutionChain')).toBe(true);
        const amplified = Array.from({ length: 200 }, (_, i) => `s${i}: __schema { types { name fields { name type { name } } } }`).join('\n');
        expect(codesOf(await gql(`{ ${amplified} }`))).toEqual(['QUERY_TOO_COMPLEX']);
      });

      it('refuses alias-based amplification and oversized documents', async () => {
        const one = (i: number) => `c${i}: executionChains(first: 100) { edges { node { hops { edge { id } from { id } to { id } } } } }`;
        const aliases = await gql(`{ ${Array.from({ length: 20 }, (_, i) => one(i)).join('\n')} }`);
        expect(codesOf(aliases)).toEqual(['QUERY_TOO_COMPLEX']);
        expect(aliases.body.data).toBeUndefined();
        const tokens = await gql(`{ ${Array.from({ length: 3000 }, (_, i) => `v${i}: viewer { role }`).join(' ')} }`);
        expect(codesOf(tokens)).toEqual(['QUERY_TOO_COMPLEX']);
        const body = await fetch(api.server.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': reader }, body: `{"query":"${' '.repeat(1_100_000)}"}` });
        expect(body.status).toBe(413);
        const notJson = await fetch(api.server.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': reader }, body: '{"query": ' });
        expect(notJson.status).toBe(400);
      });

      it('masks unexpected errors: no stack trace, no Cypher, a stable code', async () => {
        store.failNext('queryPaths', new Error('Neo.ClientError.Statement.SyntaxError: MATCH (n:Node {tenantId: $tenantId}) RETURN n'));
        const r = await gql(CHAINS, { to: SAMPLE_IDS.graphPrincipal, maxDepth: 5 });
        expect(codesOf(r)).toEqual(['INTERNAL_SERVER_ERROR']);
        expect(r.body.errors![0]!.message).toBe('internal server error');
        expect(r.text).not.toMatch(/MATCH|Neo\.|stacktrace|at .*\.ts/);
      });

      it('stops a query that runs past the timeout with TIMEOUT', async () => {
        const slow = await startTestApi(store.storage, { queryTimeoutMs: 150 });
        try {
          store.delayNext('queryPaths', 1_000);
          const r = await postGraphQL(slow.server.graphqlUrl, CHAINS, { to: SAMPLE_IDS.graphPrincipal, maxDepth: 4 }, slow.key(tenantA, 'reader'));
          expect(codesOf(r)).toEqual(['TIMEOUT']);
          expect(r.body.data).toBeNull();
        } finally {
          await slow.close();
        }
      });
    });
  });
}
