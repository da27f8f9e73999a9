// History on Neo4j beyond the contract suite: as-of reads agree with the memory adapter (the
// reference) over several syncs of a synthetic tenant, history grows with changes only, is written
// in the sync's own transaction, and never shows in current reads.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mutateTenant, syntheticTenant } from '../../bench/synthetic/tenant.ts';
import { CHAIN_EDGE_TYPES, findExecutionChains } from '../../src/analysis/execution-chains.ts';
import { ownershipOf } from '../../src/analysis/ownership-report.ts';
import { diffGraphs } from '../../src/diff/index.ts';
import { NODE_TYPES, canonicalJson } from '../../src/model/index.ts';
import type { ExecutionPath, GraphEvent, NormalizedGraph, NormalizedNode, SyncState } from '../../src/model/index.ts';
import { StorageError } from '../../src/storage/errors.ts';
import { MemoryStorageAdapter } from '../../src/storage/memory/MemoryStorageAdapter.ts';
import { Neo4jStorageAdapter } from '../../src/storage/neo4j/Neo4jStorageAdapter.ts';
import type { ReadAt, StorageAdapter } from '../../src/storage/StorageAdapter.ts';
import { applyGraph } from '../../src/sync/apply-graph.ts';
import { commitChanges } from '../support/hand-writes.ts';
import { SAMPLE_IDS, sampleTenant } from '../support/sample-tenant.ts';
import { neo4jUri, uniqueTenant } from '../support/services.ts';

const json = (items: unknown[]) => items.map((i) => canonicalJson(i));
/** Paths as compared: the edge ids and every node as it stood (json), in order. */
const pathKeys = (paths: ExecutionPath[]) => paths.map((p) => `${p.edges.map((e) => e.edgeId).join('>')} ${json(p.nodes).join(' ')}`);
const day = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000).toISOString();

describe('Neo4j history', () => {
  let neo4j: Neo4jStorageAdapter;
  const tenants: string[] = [];
  const tenant = (prefix: string) => {
    const id = uniqueTenant(prefix);
    tenants.push(id);
    return id;
  };

  beforeAll(async () => {
    neo4j = await Neo4jStorageAdapter.connect({ uri: neo4jUri() });
  });
  afterAll(async () => {
    for (const id of tenants) await neo4j.purgeTenant(id);
    await neo4j.close();
  });

  it('answers every read as the memory adapter does, as of each sync, between syncs and now', async () => {
    const tenantId = tenant('history-parity');
    const memory = MemoryStorageAdapter.create();
    // Four syncs a day apart: renames, deletions and new nodes (mutateTenant), and a credential on
    // chains deleted for good; changed edge properties; then a deleted node back with its edges.
    const one = syntheticTenant({ nodes: 250, seed: 5, tenantId, transformedAt: day(0) });
    const onChains = one.nodes.find(
      (n) =>
        n.nodeType === 'credential' &&
        one.edges.some((e) => e.edgeType === 'USES' && e.targetNodeId === n.nodeId) &&
        one.edges.some((e) => e.edgeType === 'AUTHENTICATES_AS' && e.sourceNodeId === n.nodeId),
    )!;
    const mutated = mutateTenant(one, 0.05, 3, 'p-2');
    const two: NormalizedGraph = {
      ...mutated,
      nodes: mutated.nodes.filter((n) => n.nodeId !== onChains.nodeId),
      edges: mutated.edges.filter((e) => e.sourceNodeId !== onChains.nodeId && e.targetNodeId !== onChains.nodeId),
    };
    const three: NormalizedGraph = {
      ...mutateTenant(two, 0.05, 4, 'p-3'),
      transformedAt: day(2),
    };
    three.edges = three.edges.map((e, i) => (i % 25 === 0 ? { ...e, properties: { note: `changed ${i}` } } : e));
    const gone = one.nodes.find((n) => n !== onChains && !three.nodes.some((m) => m.nodeId === n.nodeId))!;
    const four: NormalizedGraph = {
      ...three,
      syncId: 'p-4',
      transformedAt: day(3),
      nodes: [...three.nodes, gone],
      edges: [...three.edges, ...one.edges.filter((e) => e.sourceNodeId === gone.nodeId && three.nodes.some((n) => n.nodeId === e.targetNodeId))],
    };
    for (const graph of [one, two, three, four]) {
      await applyGraph(memory, graph);
      await applyGraph(neo4j, graph);
    }

    const sampleIds = [gone.nodeId, ...one.nodes.filter((_, i) => i % 23 === 0).map((n) => n.nodeId)];
    const identities = [
      one.edges.find((e) => e.edgeType === 'AUTHENTICATES_AS' && e.sourceNodeId === onChains.nodeId)!.targetNodeId,
      ...one.nodes.filter((n) => n.nodeType === 'identity').map((n) => n.nodeId),
    ];
    const moments: (string | undefined)[] = [day(-1), day(0), '2026-01-01T12:00:00.000Z', day(1), day(2), '2026-01-03T01:02:03+01:00', day(3), day(10), undefined];
    const seen: string[] = [];
    for (const asOf of moments) {
      const at: ReadAt | undefined = asOf ? { asOf } : undefined;
      const both = async <T>(read: (s: StorageAdapter) => Promise<T>) => [await read(memory), await read(neo4j)] as const;
      const label = `as of ${asOf ?? 'now'}`;

      for (const type of NODE_TYPES) {
        const [m, n] = await both((s) => s.getNodesByType(tenantId, type, at));
        expect(json(n), `${label}: ${type}`).toEqual(json(m));
      }
      let after: string | undefined;
      for (let page = 0; page < 100; page++) {
        const query = { first: 97, includeDeleted: true, ...(after ? { after } : {}) };
        const [m, n] = await both((s) => s.listNodes(tenantId, query, at));
        expect(json(n.nodes), `${label}: page ${page}`).toEqual(json(m.nodes));
        expect(n.hasNextPage).toBe(m.hasNextPage);
        if (!m.hasNextPage) break;
        after = m.nodes.at(-1)!.nodeId;
      }
      const [mNodes, nNodes] = await both((s) => s.getNodes(tenantId, sampleIds, at));
      expect(json(nNodes), label).toEqual(json(mNodes));
      for (const id of sampleIds) {
        const [m, n] = await both((s) => s.getEdgesForNode(tenantId, id, 'both', at));
        expect(json(n), `${label}: edges of ${id}`).toEqual(json(m));
      }
      const fromEvery = { startNodeType: 'automation' as const, traverseEdgeTypes: CHAIN_EDGE_TYPES, endNodeType: 'identity' as const, maxDepth: 6, limit: 5_000 };
      const [mPaths, nPaths] = await both((s) => s.queryPaths(tenantId, fromEvery, at));
      expect(pathKeys(nPaths), `${label}: paths from every automation`).toEqual(pathKeys(mPaths));
      seen.push(`${(await memory.listNodes(tenantId, { first: 10_000, includeDeleted: true }, at)).nodes.filter((n) => n.deletedAt).length} tombstones, ${mPaths.length} paths, ${(await memory.getNode(tenantId, gone.nodeId, at))?.status}`);
      const filtered = { ...fromEvery, startNodeFilters: { automationSubtype: 'business_rule' }, limit: 7 };
      const [mSome, nSome] = await both((s) => s.queryPaths(tenantId, filtered, at));
      expect(pathKeys(nSome), `${label}: filtered and limited`).toEqual(pathKeys(mSome));
      for (const to of identities.slice(0, 8)) {
        const [m, n] = await both((s) => findExecutionChains(s, tenantId, { to, ...(asOf ? { asOf } : {}) }));
        expect(pathKeys(n), `${label}: chains to ${to}`).toEqual(pathKeys(m));
        const [mOwner, nOwner] = await both((s) => ownershipOf(s, tenantId, to, asOf));
        expect(nOwner).toEqual(mOwner);
      }
    }
    // The moments differ (so the comparison above compared something): nothing before the first
    // sync, tombstones and paths that come and go, the deleted node back at the end.
    expect(seen[0]).toBe('0 tombstones, 0 paths, undefined');
    expect(new Set(seen.slice(1)).size).toBeGreaterThanOrEqual(4);
    const goneStatus = seen.map((s) => s.split(', ')[2]);
    expect(goneStatus.slice(0, 3)).toEqual(['undefined', 'active', 'active']);
    expect(goneStatus).toContain('deleted');
    expect(goneStatus.slice(-3)).toEqual(['active', 'active', 'active']);
  }, 180_000);

  it('grows with the changes, not with the number of syncs, and keeps history out of current reads', async () => {
    const tenantId = tenant('history-growth');
    const graph = sampleTenant(tenantId);
    await applyGraph(neo4j, graph);
    const first = await neo4j.historyStats(tenantId);
    expect(first).toMatchObject({ archivedNodeVersions: 0, archivedEdgeVersions: 0, liveNodes: graph.nodes.length, liveEdges: graph.edges.length });
    for (let i = 2; i <= 6; i++) await applyGraph(neo4j, { ...graph, syncId: `g-${i}`, transformedAt: day(20 + i) });
    expect(await neo4j.historyStats(tenantId)).toEqual(first);

    // One rename, one edge gone: one archived version each.
    const cut = graph.edges.find((e) => e.sourceNodeId === SAMPLE_IDS.oauthProfile)!;
    const next: NormalizedGraph = {
      ...graph,
      syncId: 'g-7',
      transformedAt: day(30),
      nodes: graph.nodes.map((n) => (n.nodeId === SAMPLE_IDS.businessRule ? { ...n, displayName: 'renamed' } : n)),
      edges: graph.edges.filter((e) => e.edgeId !== cut.edgeId),
    };
    await applyGraph(neo4j, next);
    expect(await neo4j.historyStats(tenantId)).toMatchObject({ archivedNodeVersions: 1, archivedEdgeVersions: 1, liveEdges: graph.edges.length - 1 });

    // Current reads see neither the archived edge nor the archived version.
    const current = await neo4j.getEdgesForNode(tenantId, SAMPLE_IDS.oauthProfile, 'both');
    expect(current.map((e) => e.edgeId)).not.toContain(cut.edgeId);
    expect((await neo4j.getGraphForConnector(tenantId, graph.connectorId)).edges).toHaveLength(graph.edges.length - 1);
    expect((await neo4j.getNode(tenantId, SAMPLE_IDS.businessRule))?.displayName).toBe('renamed');
    const past = await neo4j.getEdgesForNode(tenantId, SAMPLE_IDS.oauthProfile, 'both', { asOf: day(29) });
    expect(past.map((e) => e.edgeId)).toContain(cut.edgeId);

    // A tombstone drops its current edges and keeps their history.
    const payrollEdges = await neo4j.getEdgesForNode(tenantId, SAMPLE_IDS.payrollPrincipal, 'both');
    expect(payrollEdges.length).toBeGreaterThan(0);
    const payroll = (await neo4j.getNode(tenantId, SAMPLE_IDS.payrollPrincipal))!;
    await commitChanges(neo4j, tenantId, { upsertNodes: [{ ...payroll, status: 'deleted', deletedAt: day(32) } as NormalizedNode] }, { connectorId: graph.connectorId, at: day(32) });
    expect(await neo4j.getEdgesForNode(tenantId, SAMPLE_IDS.payrollPrincipal, 'both')).toEqual([]);
    expect(json(await neo4j.getEdgesForNode(tenantId, SAMPLE_IDS.payrollPrincipal, 'both', { asOf: day(31) }))).toEqual(json(payrollEdges));
    expect((await neo4j.getNode(tenantId, SAMPLE_IDS.payrollPrincipal, { asOf: day(31) }))?.status).toBe('active');
  });

  it('hand-made commits are valid from the moment they are made', async () => {
    const tenantId = tenant('history-single');
    const graph = sampleTenant(tenantId);
    await applyGraph(neo4j, graph);
    const rule = (await neo4j.getNode(tenantId, SAMPLE_IDS.businessRule))!;
    const before = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await commitChanges(neo4j, tenantId, { upsertNodes: [{ ...rule, displayName: 'by hand' }] }, { connectorId: graph.connectorId });
    const edge = (await neo4j.getEdgesForNode(tenantId, SAMPLE_IDS.businessRule, 'outgoing'))[0]!;
    await commitChanges(neo4j, tenantId, { removeEdgeIds: [edge.edgeId] }, { connectorId: graph.connectorId });
    expect((await neo4j.getNode(tenantId, SAMPLE_IDS.businessRule, { asOf: before }))?.displayName).toBe(rule.displayName);
    expect((await neo4j.getNode(tenantId, SAMPLE_IDS.businessRule))?.displayName).toBe('by hand');
    expect((await neo4j.getEdgesForNode(tenantId, SAMPLE_IDS.businessRule, 'outgoing', { asOf: before })).map((e) => e.edgeId)).toContain(edge.edgeId);
    expect((await neo4j.getEdgesForNode(tenantId, SAMPLE_IDS.businessRule, 'outgoing', { asOf: new Date().toISOString() })).map((e) => e.edgeId)).not.toContain(
      edge.edgeId,
    );
    // Writing the same content again is no new version.
    const stats = await neo4j.historyStats(tenantId);
    await commitChanges(neo4j, tenantId, { upsertNodes: [{ ...rule, displayName: 'by hand' }] }, { connectorId: graph.connectorId });
    expect(await neo4j.historyStats(tenantId)).toEqual(stats);
  });

  it('writes history in the sync’s transaction: a failed sync leaves none', async () => {
    const tenantId = tenant('history-atomic');
    const graph = sampleTenant(tenantId);
    await applyGraph(neo4j, graph);
    const stats = await neo4j.historyStats(tenantId);
    const next: NormalizedGraph = {
      ...graph,
      syncId: 'a-2',
      transformedAt: day(40),
      nodes: graph.nodes.filter((n) => n.nodeId !== SAMPLE_IDS.payrollPrincipal).map((n) => (n.nodeId === SAMPLE_IDS.bob ? { ...n, displayName: 'Robert' } : n)),
      edges: graph.edges.filter((e) => e.sourceNodeId !== SAMPLE_IDS.payrollPrincipal),
    };
    const { changes, result } = diffGraphs(graph, next);
    const syncState: SyncState = { syncId: 'a-2', tenantId, connectorId: graph.connectorId, mode: 'full', status: 'completed', startedAt: day(40), validAt: day(40), errors: [] };
    // The last event holds a value Neo4j cannot store, so the transaction fails after every graph write.
    const broken = { ...result.events.at(-1)!, eventId: 'broken', relationshipType: { not: 'a scalar' } } as unknown as GraphEvent;
    const failing = await neo4j.commitSync(tenantId, { connectorId: graph.connectorId, changes, events: [...result.events, broken], syncState }).catch((e: unknown) => e);
    expect(failing).toBeInstanceOf(StorageError);
    expect(await neo4j.historyStats(tenantId)).toEqual(stats);
    expect((await neo4j.getNode(tenantId, SAMPLE_IDS.bob, { asOf: day(41) }))?.displayName).not.toBe('Robert');

    await neo4j.commitSync(tenantId, { connectorId: graph.connectorId, changes, events: result.events, syncState });
    const after = await neo4j.historyStats(tenantId);
    expect(after.archivedNodeVersions).toBe(2); // Robert's old name, Payroll before its tombstone
    expect(after.archivedEdgeVersions).toBe(changes.removeEdgeIds.length);
  });

  it('rejects an asOf that is not an ISO timestamp', async () => {
    const tenantId = tenant('history-invalid');
    for (const read of [
      () => neo4j.getNode(tenantId, 'x', { asOf: 'last tuesday' }),
      () => neo4j.getEdgesForNode(tenantId, 'x', 'both', { asOf: "2026' OR 1=1" }),
      () => neo4j.queryPaths(tenantId, { startNodeType: 'identity', traverseEdgeTypes: ['CALLS'], maxDepth: 2 }, { asOf: '2026-13-45T00:00:00Z' }),
    ]) {
      const error = await read().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StorageError);
      expect((error as StorageError).code).toBe('INVALID_INPUT');
    }
  });
});
