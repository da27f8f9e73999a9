import type { AppConfig } from '../config/app-config.ts';
import type { StorageAdapter } from './StorageAdapter.ts';

/**
 * The configured store: the embedded SQLite file (default), Neo4j, or the process-private memory
 * store. Each is loaded lazily so one never needs another's native module or driver.
 */
export async function openStorage(config: AppConfig, options: { ephemeral?: boolean } = {}): Promise<StorageAdapter> {
  if (config.store === 'neo4j') {
    const { Neo4jStorageAdapter } = await import('./neo4j/Neo4jStorageAdapter.ts');
    const connect = (uri: string) =>
      Neo4jStorageAdapter.connect({ uri, ...(config.NEO4J_USER ? { user: config.NEO4J_USER, password: config.NEO4J_PASSWORD ?? '' } : {}) });
    const { placement } = config;
    if (!placement) return connect(config.NEO4J_URI!);
    // Tenants over several servers: every server is reached now, so one that is down or
    // misnamed stops the start, not a tenant's first request.
    const { placedStorage } = await import('./placed-storage.ts');
    const connected = await Promise.allSettled(placement.serverNames.map(async (name) => [name, await connect(placement.uriOf(name))] as const));
    const stores = new Map(connected.flatMap((c) => (c.status === 'fulfilled' ? [c.value] : [])));
    const failed = connected.flatMap((c, i) =>
      c.status === 'rejected' ? [`${placement.serverNames[i]} (${placement.uriOf(placement.serverNames[i]!)}): ${(c.reason as Error).message}`] : [],
    );
    if (failed.length) {
      await Promise.all([...stores.values()].map((s) => s.close()));
      throw new Error(`tenant placement: cannot reach ${failed.join('; ')}`);
    }
    return placedStorage(stores, (tenantId) => placement.serverOf(tenantId), placement.defaultServer);
  }
  if (config.store === 'memory' || options.ephemeral) {
    const { MemoryStorageAdapter } = await import('./memory/MemoryStorageAdapter.ts');
    return MemoryStorageAdapter.create();
  }
  const { SqliteStorageAdapter } = await import('./sqlite/SqliteStorageAdapter.ts');
  return SqliteStorageAdapter.open({
    filePath: config.AUTHGRAPH_DB,
    ...(config.AUTHGRAPH_DB_BUSY_TIMEOUT_MS !== undefined ? { busyTimeoutMs: config.AUTHGRAPH_DB_BUSY_TIMEOUT_MS } : {}),
  });
}
