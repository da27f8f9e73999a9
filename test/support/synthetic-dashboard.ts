import { mutateTenant, syntheticTenant } from '../../bench/synthetic/tenant.ts';
import { ApiKeyStore, issueApiKey } from '../../src/api/auth/api-keys.ts';
import { startApiServer } from '../../src/api/server.ts';
import type { ApiServer } from '../../src/api/server.ts';
import type { SyncState } from '../../src/model/index.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStorageAdapter } from '../../src/storage/memory/MemoryStorageAdapter.ts';
import { SqliteStorageAdapter } from '../../src/storage/sqlite/SqliteStorageAdapter.ts';
import type { StorageAdapter } from '../../src/storage/StorageAdapter.ts';
import { applyGraph } from '../../src/sync/apply-graph.ts';

// The synthetic tenant (bench/synthetic) behind a real API server, for the dashboard's browser
// tests and bench/dashboard.bench.ts: a baseline sync, then a sync changing `fraction` of it, so
// there is drift to show and an older moment to look at.

export const SYNTHETIC_TENANT = 'tenant-synthetic';
export const BASE_SYNC = 'synthetic-base';
export const NEXT_SYNC = 'synthetic-next';

export interface SyntheticDashboard {
  server: ApiServer;
  storage: StorageAdapter;
  /** An operator key of the synthetic tenant. */
  key: string;
  close(): Promise<void>;
}

export async function startSyntheticDashboard(nodes: number, fraction = 0.01, store: 'memory' | 'sqlite' = 'memory'): Promise<SyntheticDashboard> {
  // A SQLite file of its own (hundreds of MB at 100k nodes), removed on close.
  const dir = store === 'sqlite' ? mkdtempSync(join(tmpdir(), 'authgraph-dashboard-')) : undefined;
  const storage: StorageAdapter = dir ? SqliteStorageAdapter.open({ filePath: join(dir, 'authgraph.db') }) : MemoryStorageAdapter.create();
  const tenantId = SYNTHETIC_TENANT;
  const base = syntheticTenant({ nodes, seed: 21, tenantId, connectorId: 'synthetic', syncId: BASE_SYNC, transformedAt: '2026-01-01T00:00:00.000Z' });
  // The baseline as one sync without events (as after an initial import), valid from its time.
  const at = base.transformedAt;
  const baseline: SyncState = { syncId: BASE_SYNC, tenantId, connectorId: 'synthetic', mode: 'full', status: 'completed', startedAt: at, completedAt: at, validAt: at, errors: [] };
  await storage.commitSync(tenantId, { connectorId: 'synthetic', changes: { upsertNodes: base.nodes, upsertEdges: base.edges, removeEdgeIds: [] }, events: [], syncState: baseline });
  await applyGraph(storage, mutateTenant(base, fraction, 9, NEXT_SYNC));
  const { key, record } = issueApiKey({ tenantId, role: 'operator', label: 'synthetic' });
  const server = await startApiServer({ storage, keys: new ApiKeyStore([record]), port: 0, playground: false });
  return {
    server,
    storage,
    key,
    close: async () => {
      await server.close();
      await storage.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
