import type { AppConfig } from '../config/app-config.ts';
import { MemoryStorageAdapter } from './memory/MemoryStorageAdapter.ts';
import type { StorageAdapter } from './StorageAdapter.ts';

/** The configured store: the embedded memory store (file-backed) unless Neo4j is configured. */
export async function openStorage(config: AppConfig, options: { ephemeral?: boolean } = {}): Promise<StorageAdapter> {
  if (config.store === 'neo4j') {
    throw new Error('the Neo4j store is not wired into the CLI yet');
  }
  return options.ephemeral ? MemoryStorageAdapter.create() : MemoryStorageAdapter.open({ filePath: config.AUTHGRAPH_STATE_FILE });
}
