import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStorageAdapter } from '../../src/storage/sqlite/SqliteStorageAdapter.ts';
import { applyGraph } from '../../src/sync/apply-graph.ts';
import { freshTenant, sampleTenant } from '../support/sample-tenant.ts';
import { defineStorageAdapterContract } from './storage-adapter.contract.ts';

const tempDb = () => join(mkdtempSync(join(tmpdir(), 'authgraph-sqlite-')), 'nested', 'authgraph.db');

defineStorageAdapterContract('sqlite', { setup: async () => SqliteStorageAdapter.open({ filePath: tempDb() }) });

describe('sqlite adapter', () => {
  it('creates its file owner-only, and keeps state, history and records across reopenings', async () => {
    const filePath = tempDb();
    const tenantId = freshTenant();
    const first = SqliteStorageAdapter.open({ filePath });
    expect(statSync(filePath).mode & 0o777).toBe(0o600);
    const graph = sampleTenant(tenantId);
    const result = await applyGraph(first, graph);
    await first.close();
    const second = SqliteStorageAdapter.open({ filePath });
    expect((await second.getGraphForConnector(tenantId, graph.connectorId)).nodes).toHaveLength(graph.nodes.length);
    expect(await second.queryEvents(tenantId, { limit: 1000 })).toHaveLength(result.events.length);
    expect((await applyGraph(second, { ...graph, syncId: 'again', transformedAt: '2026-02-01T00:00:00.000Z' })).events).toEqual([]);
    expect((await second.lastCompletedSync(tenantId, graph.connectorId))?.syncId).toBe('again');
    await second.close();
  });

  it('grows history with the changes, not with the number of syncs', async () => {
    const storage = SqliteStorageAdapter.open({ filePath: tempDb() });
    const tenantId = freshTenant();
    const graph = sampleTenant(tenantId);
    await applyGraph(storage, graph);
    const before = storage.historyStats(tenantId);
    expect(before).toMatchObject({ nodeVersions: graph.nodes.length, edgeVersions: graph.edges.length });
    for (let i = 2; i <= 11; i++) await applyGraph(storage, { ...graph, syncId: `s-${i}`, transformedAt: `2026-01-${String(i + 10).padStart(2, '0')}T00:00:00.000Z` });
    expect(storage.historyStats(tenantId)).toEqual(before);
    const renamed = { ...graph, syncId: 's-12', transformedAt: '2026-02-01T00:00:00.000Z', nodes: graph.nodes.map((n, i) => (i === 0 ? { ...n, displayName: 'renamed' } : n)) };
    await applyGraph(storage, renamed);
    expect(storage.historyStats(tenantId).nodeVersions).toBe(before.nodeVersions + 1);
    await storage.close();
  });
});
