// commitSync is all or nothing on Neo4j: a sync's graph changes, events and sync record share one
// transaction, so a failure part-way leaves the stored graph and history exactly as they were.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffGraphs } from '../../src/diff/index.ts';
import { canonicalJson } from '../../src/model/index.ts';
import type { GraphEvent, NormalizedGraph, SyncCommit, SyncState } from '../../src/model/index.ts';
import { StorageError } from '../../src/storage/errors.ts';
import { Neo4jStorageAdapter } from '../../src/storage/neo4j/Neo4jStorageAdapter.ts';
import { applyGraph } from '../../src/sync/apply-graph.ts';
import { syntheticTenant } from '../../bench/synthetic/tenant.ts';
import { SAMPLE_IDS, sampleTenant } from '../support/sample-tenant.ts';
import { neo4jUri, uniqueTenant } from '../support/services.ts';

const sorted = (items: unknown[]) => items.map((i) => canonicalJson(i)).sort();

describe('Neo4j commitSync atomicity', () => {
  let storage: Neo4jStorageAdapter;
  const tenants: string[] = [];
  const tenant = () => {
    const id = uniqueTenant('atomic');
    tenants.push(id);
    return id;
  };

  beforeAll(async () => {
    storage = await Neo4jStorageAdapter.connect({ uri: neo4jUri() });
  });
  afterAll(async () => {
    for (const id of tenants) await storage.purgeTenant(id);
    await storage.close();
  });

  const snapshot = async (tenantId: string, graph: NormalizedGraph) => {
    const stored = await storage.getGraphForConnector(tenantId, graph.connectorId);
    return {
      nodes: sorted(stored.nodes),
      edges: sorted(stored.edges),
      tombstone: await storage.getNode(tenantId, SAMPLE_IDS.payrollPrincipal),
      events: (await storage.queryEvents(tenantId, { limit: 10_000 })).map((e) => e.eventId),
      syncs: (await storage.listSyncStates(tenantId)).map((s) => s.syncId),
    };
  };

  /** The next sync of the sample: one identity gone, one renamed, one new edge. */
  const secondSync = (tenantId: string, graph: NormalizedGraph): SyncCommit => {
    const next: NormalizedGraph = {
      ...graph,
      syncId: 'sync-2',
      transformedAt: '2026-01-16T06:00:00.000Z',
      nodes: graph.nodes
        .filter((n) => n.nodeId !== SAMPLE_IDS.payrollPrincipal)
        .map((n) => (n.nodeId === SAMPLE_IDS.bob ? { ...n, displayName: 'Robert' } : n)),
      edges: [
        ...graph.edges.filter((e) => e.sourceNodeId !== SAMPLE_IDS.payrollPrincipal),
        { edgeId: 'OWNED_BY:new', edgeType: 'OWNED_BY', sourceNodeId: SAMPLE_IDS.flow, targetNodeId: SAMPLE_IDS.bob, properties: {} },
      ],
    };
    const { changes, result } = diffGraphs(graph, next);
    const syncState: SyncState = { syncId: 'sync-2', tenantId, connectorId: graph.connectorId, mode: 'full', status: 'completed', startedAt: next.transformedAt, errors: [] };
    return { connectorId: graph.connectorId, changes, events: result.events, syncState };
  };

  it('a statement failing after the graph writes rolls the graph writes back', async () => {
    const tenantId = tenant();
    const graph = sampleTenant(tenantId);
    await applyGraph(storage, graph);
    const before = await snapshot(tenantId, graph);

    const commit = secondSync(tenantId, graph);
    expect(commit.changes.upsertNodes.length).toBeGreaterThan(0);
    expect(commit.changes.removeEdgeIds.length).toBeGreaterThan(0);
    // The events are written after every graph change; the last one holds a value Neo4j cannot
    // store (a map as a property), so the transaction fails at its very end.
    const broken = { ...commit.events.at(-1)!, eventId: 'broken', relationshipType: { not: 'a scalar' } } as unknown as GraphEvent;
    const failing = await storage.commitSync(tenantId, { ...commit, events: [...commit.events, broken] }).catch((e: unknown) => e);
    expect(failing).toBeInstanceOf(StorageError);
    expect((failing as StorageError).code).toBe('INVALID_INPUT');

    expect(await snapshot(tenantId, graph)).toEqual(before);
    expect(before.tombstone?.status).toBe('active');

    // The same commit without the bad event goes through whole.
    await storage.commitSync(tenantId, commit);
    const after = await snapshot(tenantId, graph);
    expect(after.tombstone?.status).toBe('deleted');
    expect(after.events).toHaveLength(before.events.length + commit.events.length);
    expect(after.syncs).toContain('sync-2');
  });

  it('a transaction the server ends part-way leaves nothing behind', async () => {
    const tenantId = tenant();
    // Thousands of rows take seconds to write here; the server ends the transaction after 300 ms.
    const graph = syntheticTenant({ nodes: 20_000, tenantId, seed: 3 });
    const { changes, result } = diffGraphs({ nodes: [], edges: [] }, graph);
    const syncState: SyncState = { syncId: graph.syncId, tenantId, connectorId: graph.connectorId, mode: 'full', status: 'completed', startedAt: graph.transformedAt, errors: [] };
    const hurried = await Neo4jStorageAdapter.connect({ uri: neo4jUri(), applySchema: false, transactionTimeoutMs: 300 });
    const settled = await hurried
      .commitSync(tenantId, { connectorId: graph.connectorId, changes, events: result.events, syncState })
      .then(() => 'committed' as const, (e: unknown) => e)
      .finally(() => hurried.close());

    const stored = await storage.getGraphForConnector(tenantId, graph.connectorId);
    if (settled === 'committed') {
      // A machine fast enough to beat the timeout: then all of it must be there.
      expect(stored.nodes).toHaveLength(graph.nodes.length);
      return;
    }
    expect(settled).toBeInstanceOf(StorageError);
    expect((settled as StorageError).message).toMatch(/TransactionTimedOut/);
    expect(stored.nodes).toEqual([]);
    expect(stored.edges).toEqual([]);
    expect(await storage.queryEvents(tenantId, { limit: 10 })).toEqual([]);
    expect(await storage.listSyncStates(tenantId)).toEqual([]);
    expect(await storage.getNode(tenantId, graph.nodes[0]!.nodeId)).toBeNull();
  });
});
