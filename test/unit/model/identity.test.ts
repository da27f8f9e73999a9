import { describe, expect, it } from 'vitest';
import { makeEdgeId, parseNormalizedGraph } from '../../../src/model/index.ts';
import type { NormalizedGraph } from '../../../src/model/index.ts';
import { MemoryStorageAdapter } from '../../../src/storage/memory/MemoryStorageAdapter.ts';
import { applyGraph } from '../../../src/sync/apply-graph.ts';
import { SAMPLE_IDS, freshTenant, sampleTenant } from '../../support/sample-tenant.ts';
import { syntheticTenant } from '../../../bench/synthetic/tenant.ts';

// Identity of data: ids follow from their parts, and edges join nodes that exist.

const issuesOf = (graph: unknown) => {
  const parsed = parseNormalizedGraph(graph);
  return parsed.ok ? [] : parsed.issues;
};

describe('ids derived from their parts', () => {
  it('refuses a node whose id does not match sourceSystem, sourceScope and sourceId, naming the derived id', () => {
    const graph = structuredClone(sampleTenant('ids')) as NormalizedGraph;
    graph.nodes[2]!.sourceId = 'someone-else';
    expect(issuesOf(graph)).toEqual([{ path: 'nodes[2].nodeId', message: expect.stringMatching(/does not match its parts .*someone-else/) }]);
  });

  it('refuses an edge whose ends changed under the same id (it would keep its old target otherwise)', () => {
    const graph = structuredClone(sampleTenant('ids')) as NormalizedGraph;
    const i = graph.edges.findIndex((e) => e.targetNodeId === SAMPLE_IDS.graphPrincipal);
    graph.edges[i]!.targetNodeId = SAMPLE_IDS.payrollPrincipal;
    expect(issuesOf(graph)).toEqual([{ path: `edges[${i}].edgeId`, message: expect.stringMatching(/does not match its parts/) }]);
  });

  it('re-derives a legacy AUTHENTICATES_VIA edge id when it becomes USES', () => {
    const graph = structuredClone(sampleTenant('ids')) as NormalizedGraph;
    const i = graph.edges.findIndex((e) => e.edgeType === 'USES');
    const e = graph.edges[i]!;
    const legacy = { ...e, edgeType: 'AUTHENTICATES_VIA', edgeId: makeEdgeId('AUTHENTICATES_VIA' as never, e.sourceNodeId, e.targetNodeId) };
    graph.edges[i] = legacy as never;
    const parsed = parseNormalizedGraph(graph);
    expect(parsed.ok && parsed.value.edges[i]!.edgeId).toBe(e.edgeId);
  });
});

describe('dangling edges', () => {
  it('stores the rest, refuses an edge whose end is in neither the graph nor the store, and the sync record says so', async () => {
    const storage = MemoryStorageAdapter.create();
    const tenantId = freshTenant('dangling');
    const graph = sampleTenant(tenantId);
    const ghost = 'entra_id:72f988bf-86f1-41af-91ab-2d7cd011db47:ghost';
    const dangling = { ...graph.edges.find((e) => e.edgeType === 'AUTHENTICATES_AS')!, targetNodeId: ghost, edgeId: '' };
    dangling.edgeId = makeEdgeId(dangling.edgeType, dangling.sourceNodeId, ghost);
    await applyGraph(storage, { ...graph, edges: [...graph.edges, dangling] });
    const [record] = await storage.listSyncStates(tenantId);
    expect(record!.status).toBe('partial');
    expect(record!.errors).toEqual([{ type: 'DANGLING_EDGE', operation: 'load', message: expect.stringContaining(`${dangling.edgeId} (AUTHENTICATES_AS) not stored: ${ghost}`) }]);
    expect((await storage.getEdgesForNode(tenantId, dangling.sourceNodeId, 'outgoing')).map((e) => e.edgeId)).not.toContain(dangling.edgeId);
    expect(await storage.getNode(tenantId, SAMPLE_IDS.graphPrincipal)).not.toBeNull();
  });

  it('keeps an edge whose far end another connector stored earlier', async () => {
    const storage = MemoryStorageAdapter.create();
    const tenantId = freshTenant('cross');
    const graph = sampleTenant(tenantId);
    await applyGraph(storage, graph);
    const other = { ...graph, connectorId: 'other', syncId: 'other-1', nodes: [], edges: graph.edges.slice(0, 1) };
    await applyGraph(storage, other);
    const records = await storage.listSyncStates(tenantId, { connectorId: 'other' });
    expect(records[0]!.status).toBe('completed');
  });

  it('checks only the edges the connector does not store under the same id yet (the store holds no edge without its ends)', async () => {
    const storage = MemoryStorageAdapter.create();
    const tenantId = freshTenant('checked');
    const graph = sampleTenant(tenantId);
    await applyGraph(storage, graph);
    const other = { ...graph, connectorId: 'other', syncId: 'other-1', nodes: [], edges: graph.edges.slice(0, 1) };
    await applyGraph(storage, other);
    // The same edge again: its ends are in no graph of this run, but the edge is stored, so the
    // store is not asked for them.
    const asked: string[][] = [];
    const getNodes = storage.getNodes.bind(storage);
    storage.getNodes = (t, ids, at) => {
      asked.push([...ids]);
      return getNodes(t, ids, at);
    };
    await applyGraph(storage, { ...other, syncId: 'other-2' });
    expect(asked).toEqual([]);
    expect((await storage.listSyncStates(tenantId, { connectorId: 'other' }))[0]!.status).toBe('completed');
  });

  it('a few new edges beside many stored nodes: an end in the graph is found in it, one nowhere is refused', async () => {
    // Under one new edge in eight nodes the check looks for the new edges' ends in one pass over
    // the nodes rather than a table of every node id: the same verdicts either way.
    const storage = MemoryStorageAdapter.create();
    const tenantId = freshTenant('few-new');
    const graph = syntheticTenant({ nodes: 2_000, seed: 3, tenantId });
    await applyGraph(storage, graph);
    const [from, to] = [graph.nodes.find((n) => n.nodeType === 'automation')!, graph.nodes.find((n) => n.nodeType === 'human_identity')!];
    const kept = { edgeId: makeEdgeId('CREATED_BY', from.nodeId, to.nodeId), edgeType: 'CREATED_BY' as const, sourceNodeId: from.nodeId, targetNodeId: to.nodeId, properties: {} };
    const ghost = 'custom:synthetic.example.com:ghost';
    const refused = { ...kept, targetNodeId: ghost, edgeId: makeEdgeId('CREATED_BY', from.nodeId, ghost) };
    expect(graph.edges.some((e) => e.edgeId === kept.edgeId)).toBe(false);
    const result = await applyGraph(storage, { ...graph, syncId: 'few-new-2', edges: [...graph.edges, kept, refused] });
    expect(result.warnings.map((w) => w.message)).toEqual([expect.stringContaining(`${refused.edgeId} (CREATED_BY) not stored: ${ghost}`)]);
    expect(result.events.map((e) => [e.eventType, e.edgeId, e.entityType])).toEqual([['relationship_added', kept.edgeId, 'automation']]);
    expect((await storage.getEdgesForNode(tenantId, from.nodeId, 'outgoing')).map((e) => e.edgeId)).toContain(kept.edgeId);
  });

  it('a refused edge ahead of stored ones leaves the diff of the rest as it is without it', async () => {
    // The extraction is classified against the stored hashes before the check, per edge by
    // position: refusing an edge must not shift the others' classification.
    const tenantId = freshTenant('refused-first');
    const graph = sampleTenant(tenantId);
    const changed = { ...graph.edges[1]!, properties: { ...graph.edges[1]!.properties, note: 'changed' } };
    const next = { ...graph, syncId: 'sync-2', edges: [graph.edges[0]!, changed, ...graph.edges.slice(3)] };
    const ghost = 'entra_id:72f988bf-86f1-41af-91ab-2d7cd011db47:ghost';
    const template = graph.edges.find((e) => e.edgeType === 'AUTHENTICATES_AS')!;
    const dangling = { ...template, targetNodeId: ghost, edgeId: makeEdgeId(template.edgeType, template.sourceNodeId, ghost) };
    const synced = async (edges: NormalizedGraph['edges']) => {
      const storage = MemoryStorageAdapter.create();
      await applyGraph(storage, graph);
      return applyGraph(storage, { ...next, edges });
    };
    const without = await synced(next.edges);
    const withRefused = await synced([dangling, ...next.edges]);
    expect(without.events.length).toBeGreaterThan(0);
    expect(withRefused.status).toBe('partial');
    expect(withRefused.events).toEqual(without.events);
    expect({ ...withRefused, status: without.status, warnings: [] }).toEqual(without);
  });
});
