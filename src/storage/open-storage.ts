import type { AppConfig } from '../config/app-config.ts';
import type { StorageAdapter } from './StorageAdapter.ts';

/**
 * The configured store: the embedded SQLite file (default), Neo4j, or the process-private memory
 * store. Each is loaded lazily so one never needs another's native module or driver.
 */
export async function openStorage(config: AppConfig, options: { ephemeral?: boolean } = {}): Promise<StorageAdapter> {
  if (config.store === 'neo4j') {
    const { Neo4jStorageAdapter } = await import('./neo4j/Neo4jStorageAdapter.ts');
    return Neo4jStorageAdapter.connect({
      uri: config.NEO4J_URI!,
      ...(config.NEO4J_USER ? { user: config.NEO4J_USER, password: config.NEO4J_PASSWORD ?? '' } : {}),
    });
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
