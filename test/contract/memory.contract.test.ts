import { describe, expect, it } from 'vitest';
import { MemoryStorageAdapter } from '../../src/storage/memory/MemoryStorageAdapter.ts';
import { applyGraph } from '../../src/sync/apply-graph.ts';
import { freshTenant, sampleTenant } from '../support/sample-tenant.ts';
import { defineStorageAdapterContract } from './storage-adapter.contract.ts';

defineStorageAdapterContract('memory', { setup: async () => MemoryStorageAdapter.create() });

describe('memory adapter history', () => {
  it('grows with the changes, not with the number of syncs', async () => {
    const storage = MemoryStorageAdapter.create();
    const tenantId = freshTenant();
    const graph = sampleTenant(tenantId);
    await applyGraph(storage, graph);
    const before = storage.historyStats(tenantId);
    expect(before).toMatchObject({ nodeVersions: graph.nodes.length, edgeVersions: graph.edges.length });
    // Ten unchanged syncs add nothing; one rename adds one version.
    for (let i = 2; i <= 11; i++) await applyGraph(storage, { ...graph, syncId: `s-${i}`, transformedAt: `2026-01-${String(i + 10).padStart(2, '0')}T00:00:00.000Z` });
    expect(storage.historyStats(tenantId)).toEqual(before);
    const renamed = { ...graph, syncId: 's-12', transformedAt: '2026-02-01T00:00:00.000Z', nodes: graph.nodes.map((n, i) => (i === 0 ? { ...n, displayName: 'renamed' } : n)) };
    await applyGraph(storage, renamed);
    expect(storage.historyStats(tenantId).nodeVersions).toBe(before.nodeVersions + 1);
  });
});
