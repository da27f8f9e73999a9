import { describe, expect, it } from 'vitest';
import { computeDrift } from '../../../src/drift/compute-drift.ts';
import { publishFindings } from '../../../src/drift/publish-findings.ts';
import { Envelope } from '../../../src/events/envelope.ts';
import { TOPICS } from '../../../src/events/topics.ts';
import { MemoryStorageAdapter } from '../../../src/storage/memory/MemoryStorageAdapter.ts';
import { Neo4jStorageAdapter } from '../../../src/storage/neo4j/Neo4jStorageAdapter.ts';
import type { StorageAdapter } from '../../../src/storage/StorageAdapter.ts';
import { neo4jUri } from '../../support/services.ts';
import { applyGraph } from '../../../src/sync/apply-graph.ts';
import { loadSampleHistory, sampleSyncs } from '../../support/sample-history.ts';
import { SAMPLE_IDS, freshTenant, sampleTenant } from '../../support/sample-tenant.ts';
import { VERDICT_IDS, verdictTenant } from '../../support/verdict-tenant.ts';
import { makeEdgeId } from '../../../src/model/index.ts';
import { messageOf } from '../../../src/events/outbox-messages.ts';

const PROFILE = SAMPLE_IDS.oauthProfile;
const SP = SAMPLE_IDS.graphPrincipal;
const PRIV_ROLE = 'entra_id:72f988bf-86f1-41af-91ab-2d7cd011db47:role-privroleadmin';
const APP_ROLE_PERM = 'entra_id:72f988bf-86f1-41af-91ab-2d7cd011db47:perm-06b708a9';
const NEW_SECRET = 'entra_id:72f988bf-86f1-41af-91ab-2d7cd011db47:key-8b1d';
const SECRET = 'entra_id:72f988bf-86f1-41af-91ab-2d7cd011db47:key-2f6c';

const brief = (r: Awaited<ReturnType<typeof computeDrift>>) => r.findings.map((f) => [f.type, f.severity, f.entityIds[0]]);

// The same findings from both adapters: drift reads only through the StorageAdapter.
describe.each([
  ['memory', async (): Promise<StorageAdapter> => MemoryStorageAdapter.create()],
  ['neo4j', async (): Promise<StorageAdapter> => Neo4jStorageAdapter.connect({ uri: neo4jUri() })],
])('drift on the sample history: %s', (_name, open) => {
  it('finds the unapproved grant, the new secret and the expired profile still in use (sync 1 → 3)', async () => {
    const storage = await open();
    try {
      const tenantId = freshTenant('drift');
      await loadSampleHistory(storage, tenantId);
      const report = await computeDrift(storage, tenantId, { since: 'sample-sync-1', until: 'sample-sync-3' });
      expect(brief(report)).toEqual([
        ['scope_expanded', 'critical', SP],
        ['credential_added', 'medium', NEW_SECRET],
        ['credential_expired_in_use', 'high', PROFILE],
      ]);
      const early = await computeDrift(storage, tenantId, { since: 'sample-sync-1', until: 'sample-sync-2' });
      expect(early.findings.map((f) => f.type)).toEqual(['credential_expiring', 'credential_expiring', 'scope_expanded', 'scope_expanded']);
    } finally {
      await storage.close();
    }
  });
});

describe.each([
  ['memory', async (): Promise<StorageAdapter> => MemoryStorageAdapter.create()],
  ['neo4j', async (): Promise<StorageAdapter> => Neo4jStorageAdapter.connect({ uri: neo4jUri() })],
])('drift of partial chains: %s', (_name, open) => {
  it('partial_chain_added when automations reach a basic-auth connection and a dangling credential; removed when the connection gains a credential', async () => {
    const storage = await open();
    try {
      const tenantId = freshTenant('drift-partial');
      const day = (d: number) => `2026-03-0${d}T06:00:00.000Z`;
      await applyGraph(storage, { ...sampleTenant(tenantId), syncId: 'p-1', transformedAt: day(1) });
      const withPartials = verdictTenant(tenantId);
      await applyGraph(storage, { ...withPartials, syncId: 'p-2', transformedAt: day(2) });
      // The vendor connection now uses the Graph OAuth profile: its chain reaches an identity.
      const uses = { edgeId: makeEdgeId('USES', VERDICT_IDS.vendorApi, SAMPLE_IDS.oauthProfile), edgeType: 'USES' as const, sourceNodeId: VERDICT_IDS.vendorApi, targetNodeId: SAMPLE_IDS.oauthProfile, properties: {} };
      await applyGraph(storage, { ...withPartials, edges: [...withPartials.edges, uses], syncId: 'p-3', transformedAt: day(3) });

      const partialTypes = new Set(['partial_chain_added', 'partial_chain_removed', 'chain_added', 'chain_removed']);
      const added = (await computeDrift(storage, tenantId, { since: 'p-1', until: 'p-2' })).findings.filter((f) => partialTypes.has(f.type));
      expect(added.map((f) => [f.type, f.severity, f.entityIds[0], f.entityIds.at(-1)])).toEqual([
        ['partial_chain_added', 'medium', VERDICT_IDS.crmJob, VERDICT_IDS.crmProfile],
        ['partial_chain_added', 'medium', VERDICT_IDS.vendorRule, VERDICT_IDS.vendorApi],
      ]);
      expect(added[1]!.summary).toBe('new partial chain, stops_at_connection: Push incident to vendor → Vendor API — authenticates with a stored user name and password (basic auth): no credential record to follow to an identity');
      expect(added[0]!.after).toMatchObject({ stop: { reason: 'stops_at_credential', searched: { value: VERDICT_IDS.crmClientId } } });
      expect(added.every((f) => f.eventIds.length > 0)).toBe(true);

      const fixed = (await computeDrift(storage, tenantId, { since: 'p-2', until: 'p-3' })).findings.filter((f) => partialTypes.has(f.type));
      expect(fixed.map((f) => [f.type, f.entityIds[0], f.entityIds.at(-1)])).toEqual([
        ['chain_added', VERDICT_IDS.vendorRule, SAMPLE_IDS.graphPrincipal],
        ['partial_chain_removed', VERDICT_IDS.vendorRule, VERDICT_IDS.vendorApi],
      ]);
      // Rerun over the same window: the same finding ids.
      const again = (await computeDrift(storage, tenantId, { since: 'p-2', until: 'p-3' })).findings.filter((f) => partialTypes.has(f.type));
      expect(again.map((f) => f.findingId)).toEqual(fixed.map((f) => f.findingId));
    } finally {
      await storage.close();
    }
  });
});

describe('drift detection on the sample tenant (scope drift and credential expiry)', () => {
  it('sync 1 → 2: two unapproved grants to the chained principal, and its OAuth profile about to expire', async () => {
    const storage = MemoryStorageAdapter.create();
    const tenantId = freshTenant('drift');
    await loadSampleHistory(storage, tenantId, 2);
    const report = await computeDrift(storage, tenantId, { since: 'sample-sync-1', until: 'sample-sync-2' });
    // Ordered by time, then type: the window's end is also when both grants became visible.
    expect(brief(report)).toEqual([
      ['credential_expiring', 'medium', PROFILE],
      ['credential_expiring', 'low', SECRET], // expires too, but no chain runs on it
      ['scope_expanded', 'critical', SP],
      ['scope_expanded', 'critical', SP],
    ]);
    const [, , perm, role] = report.findings;
    expect(role!.entityIds).toEqual([SP, PRIV_ROLE]);
    expect(perm!.entityIds).toEqual([SP, APP_ROLE_PERM]);
    expect(role!.chainIds).toHaveLength(2);
    expect(role!.eventIds).toHaveLength(1);
    expect(role!.after).toMatchObject({ grant: 'Privileged Role Administrator', privileged: true, approved: false });
    expect(report.findings[0]!.after).toEqual({ expiresAt: '2026-02-01T00:00:00Z', daysLeft: 9 });
    expect(report.findings[0]!.chainIds).toHaveLength(2);
  });

  it('sync 1 → 3: the approved role drops out, the unapproved permission stays, the profile is expired in use, a secret was added', async () => {
    const storage = MemoryStorageAdapter.create();
    const tenantId = freshTenant('drift');
    await loadSampleHistory(storage, tenantId);
    const report = await computeDrift(storage, tenantId, { since: 'sample-sync-1', until: 'sample-sync-3' });
    expect(brief(report)).toEqual([
      ['scope_expanded', 'critical', SP],
      ['credential_added', 'medium', NEW_SECRET], // it authenticates as a principal that chains run as
      ['credential_expired_in_use', 'high', PROFILE],
    ]);
    expect(report.findings[0]!.entityIds).toEqual([SP, APP_ROLE_PERM]);
    // Its cost follows the change: the events of the window and what they touch. No chain runs
    // through the new secret (no connection uses it), so no identity's chains are compared.
    expect(report.examined.events).toBeLessThan(20);
    expect(report.examined.identities).toBe(0);
  });

  it('sync 2 → 3 and a window with no change', async () => {
    const storage = MemoryStorageAdapter.create();
    const tenantId = freshTenant('drift');
    await loadSampleHistory(storage, tenantId);
    const twoThree = await computeDrift(storage, tenantId, { since: 'sample-sync-2', until: 'sample-sync-3' });
    expect(brief(twoThree)).toEqual([
      ['credential_added', 'medium', NEW_SECRET],
      ['credential_expired_in_use', 'high', PROFILE],
    ]);
    const quiet = await computeDrift(storage, tenantId, { since: 'sample-sync-3', until: '2026-02-05T07:00:00.000Z', expiringWithinDays: 1 });
    expect(quiet.examined.events).toBe(0);
    expect(brief(quiet)).toEqual([['credential_expired_in_use', 'high', PROFILE]]);
  });

  it('finds new chains, lost chains and orphaning from owner changes', async () => {
    const storage = MemoryStorageAdapter.create();
    const tenantId = freshTenant('drift');
    const [one] = sampleSyncs(tenantId);
    await applyGraph(storage, one!);
    // Sync 2: the nightly job stops calling GraphClient (its chain is gone); Carol, owner of the
    // HR flow and its integration user, leaves.
    const two = {
      ...one!,
      syncId: 's2',
      transformedAt: '2026-03-01T00:00:00.000Z',
      nodes: one!.nodes.map((n) =>
        n.nodeId === 'servicenow:contoso.service-now.com:u-carol' && n.nodeType === 'human_identity'
          ? { ...n, status: 'disabled' as const, properties: { ...n.properties, accountEnabled: false, departedAt: '2026-02-28T00:00:00.000Z' } }
          : n,
      ),
      edges: one!.edges.filter((e) => !(e.edgeType === 'CALLS' && e.sourceNodeId === SAMPLE_IDS.scheduledJob)),
    };
    await applyGraph(storage, two);
    const report = await computeDrift(storage, tenantId, { since: one!.syncId, until: 's2' });
    const types = report.findings.map((f) => [f.type, f.entityIds[0]]);
    expect(types).toContainEqual(['chain_removed', SAMPLE_IDS.scheduledJob]);
    expect(types).toContainEqual(['became_orphaned', SAMPLE_IDS.hrIntegrationUser]);
    expect(types).toContainEqual(['became_orphaned', SAMPLE_IDS.flow]);
    // And back: the chain returns in sync 3.
    await applyGraph(storage, { ...one!, syncId: 's3', transformedAt: '2026-04-01T00:00:00.000Z', nodes: two.nodes });
    const back = await computeDrift(storage, tenantId, { since: 's2', until: 's3' });
    expect(back.findings.filter((f) => f.type === 'chain_added').map((f) => f.entityIds[0])).toEqual([SAMPLE_IDS.scheduledJob]);
  });

  it('follows an owner into what they own only when their standing changed, not on a rename', async () => {
    const storage = MemoryStorageAdapter.create();
    const tenantId = freshTenant('drift');
    const [one] = sampleSyncs(tenantId);
    await applyGraph(storage, one!);
    const BOB = 'servicenow:contoso.service-now.com:u-bob';
    const CAROL = 'servicenow:contoso.service-now.com:u-carol';
    // Sync 2: Bob is renamed (he still answers for what he owns); Carol leaves.
    const two = {
      ...one!,
      syncId: 's2',
      transformedAt: '2026-03-01T00:00:00.000Z',
      nodes: one!.nodes.map((n) =>
        n.nodeType !== 'human_identity'
          ? n
          : n.nodeId === BOB
            ? { ...n, displayName: 'Bob Okafor-Smith' }
            : n.nodeId === CAROL
              ? { ...n, status: 'disabled' as const, properties: { ...n.properties, accountEnabled: false, departedAt: '2026-02-28T00:00:00.000Z' } }
              : n,
      ),
    };
    await applyGraph(storage, two);
    // Count who drift asks "what do you own?" (the incoming edges of a person).
    const askedWhatTheyOwn: string[] = [];
    const counting = new Proxy(storage, {
      get(target, name, receiver) {
        if (name === 'getEdgesForNode') {
          return (t: string, nodeId: string, direction: string, at?: unknown) => {
            if (direction === 'incoming' && (nodeId === BOB || nodeId === CAROL)) askedWhatTheyOwn.push(nodeId);
            return target.getEdgesForNode(t, nodeId, direction as 'incoming', at as undefined);
          };
        }
        const value = Reflect.get(target, name, receiver) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const report = await computeDrift(counting, tenantId, { since: one!.syncId, until: 's2' });
    expect(report.examined.events).toBeGreaterThan(1); // Bob's rename is an event in the window too
    expect(new Set(askedWhatTheyOwn)).toEqual(new Set([CAROL]));
    const orphaned = report.findings.filter((f) => f.type === 'became_orphaned').map((f) => f.entityIds[0]);
    expect(orphaned).toEqual(expect.arrayContaining([SAMPLE_IDS.hrIntegrationUser, SAMPLE_IDS.flow]));
    expect(report.findings.some((f) => f.entityIds[0] === 'servicenow:contoso.service-now.com:7f3a91c2db1e')).toBe(false);
  });

  it('publishes findings through the outbox once: a rerun queues nothing new', async () => {
    const storage = MemoryStorageAdapter.create();
    const tenantId = freshTenant('drift');
    await loadSampleHistory(storage, tenantId);
    const report = await computeDrift(storage, tenantId, { since: 'sample-sync-1', until: 'sample-sync-3' });
    expect(await publishFindings(storage, report)).toBe(3);
    const again = await computeDrift(storage, tenantId, { since: 'sample-sync-1', until: 'sample-sync-3' });
    expect(again.findings.map((f) => f.findingId)).toEqual(report.findings.map((f) => f.findingId));
    expect(await publishFindings(storage, again)).toBe(0);
    const rows = ((await storage.pendingOutbox(10_000)).map(messageOf)).filter((m) => m.topic === TOPICS.driftFindings);
    expect(rows).toHaveLength(3);
    expect(rows.map((m) => Envelope.parse(JSON.parse(m.payload)).kind)).toEqual(['drift_finding', 'drift_finding', 'drift_finding']);
  });

  it('rejects a window that ends before it starts, and unknown sync ids', async () => {
    const storage = MemoryStorageAdapter.create();
    const tenantId = freshTenant('drift');
    await loadSampleHistory(storage, tenantId);
    await expect(computeDrift(storage, tenantId, { since: 'sample-sync-3', until: 'sample-sync-1' })).rejects.toThrow(/before it starts/);
    await expect(computeDrift(storage, tenantId, { since: 'nope' })).rejects.toThrow(/sync nope/);
  });
});

describe('GraphQL drift', () => {
  it('answers the same findings as the library, for the caller tenant only, and validates its input', async () => {
    const { startTestApi, postGraphQL, codesOf } = await import('../api/support.ts');
    const storage = MemoryStorageAdapter.create();
    const tenantId = freshTenant('drift-api');
    await loadSampleHistory(storage, tenantId);
    const api = await startTestApi(storage);
    try {
      const query = 'query D($since: String!, $until: String) { drift(since: $since, until: $until) { since until findings { findingId type severity entityIds chainIds eventIds after observedAt } examined { events identities } } }';
      const r = await postGraphQL(api.server.graphqlUrl, query, { since: 'sample-sync-1', until: 'sample-sync-3' }, api.key(tenantId, 'reader'));
      expect(r.body.errors).toBeUndefined();
      const expected = await computeDrift(storage, tenantId, { since: 'sample-sync-1', until: 'sample-sync-3' });
      expect(r.body.data!.drift.findings.map((f: { findingId: string }) => f.findingId)).toEqual(expected.findings.map((f) => f.findingId));
      expect(r.body.data!.drift.findings[0]).toMatchObject({ type: 'scope_expanded', severity: 'critical' });
      // Another tenant's key sees its own (empty) history: the sync id is unknown there.
      expect(codesOf(await postGraphQL(api.server.graphqlUrl, query, { since: 'sample-sync-1' }, api.key(freshTenant('other'), 'reader')))).toEqual(['BAD_USER_INPUT']);
      expect(codesOf(await postGraphQL(api.server.graphqlUrl, query, { since: 'sample-sync-3', until: 'sample-sync-1' }, api.key(tenantId, 'reader')))).toEqual(['BAD_USER_INPUT']);
    } finally {
      await api.close();
    }
  });
});

describe('GraphQL reads as of a sync', () => {
  it('answers ownership and execution chains as the graph stood at a sync or time', async () => {
    const { startTestApi, postGraphQL, codesOf } = await import('../api/support.ts');
    const storage = MemoryStorageAdapter.create();
    const tenantId = freshTenant('asof-api');
    await loadSampleHistory(storage, tenantId);
    const api = await startTestApi(storage);
    const key = api.key(tenantId, 'reader');
    try {
      const owners = 'query O($id: ID!, $asOf: String) { ownership(nodeId: $id, asOf: $asOf) { state owners { displayName via } } }';
      const now = await postGraphQL(api.server.graphqlUrl, owners, { id: SP }, key);
      const then = await postGraphQL(api.server.graphqlUrl, owners, { id: SP, asOf: 'sample-sync-2' }, key);
      expect(now.body.data!.ownership.owners.map((o: { displayName: string }) => o.displayName)).toContain('Dana Whitfield');
      expect(then.body.data!.ownership.owners.map((o: { displayName: string }) => o.displayName)).not.toContain('Dana Whitfield');
      const chains = 'query C($to: ID!, $asOf: String) { executionChains(to: $to, asOf: $asOf) { totalCount } }';
      expect((await postGraphQL(api.server.graphqlUrl, chains, { to: SP, asOf: 'sample-sync-1' }, key)).body.data!.executionChains.totalCount).toBe(2);
      expect((await postGraphQL(api.server.graphqlUrl, chains, { to: SP, asOf: '2026-01-01T00:00:00Z' }, key)).body.data!.executionChains.totalCount).toBe(0);
      expect(codesOf(await postGraphQL(api.server.graphqlUrl, chains, { to: SP, asOf: 'no-such-sync' }, key))).toEqual(['BAD_USER_INPUT']);
    } finally {
      await api.close();
    }
  });
});
