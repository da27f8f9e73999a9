import type { AppConfig } from '../config/app-config.ts';
import { MemoryStorageAdapter } from './memory/MemoryStorageAdapter.ts';
import type { StorageAdapter } from './StorageAdapter.ts';

/** The configured store: the embedded memory store (file-backed) unless Neo4j is configured. */
export async function openStorage(config: AppConfig, options: { ephemeral?: boolean } = {}): Promise<StorageAdapter> {
  if (config.store === 'neo4j') {
    // Loaded lazily so the embedded default never needs the driver at start-up.
    const { Neo4jStorageAdapter } = await import('./neo4j/Neo4jStorageAdapter.ts');
    return Neo4jStorageAdapter.connect({
      uri: config.NEO4J_URI!,
      ...(config.NEO4J_USER ? { user: config.NEO4J_USER, password: config.NEO4J_PASSWORD ?? '' } : {}),
    });
  }
  return options.ephemeral ? MemoryStorageAdapter.create() : MemoryStorageAdapter.open({ filePath: config.AUTHGRAPH_STATE_FILE });
}
