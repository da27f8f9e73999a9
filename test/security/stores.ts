import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStorageAdapter } from '../../src/storage/memory/MemoryStorageAdapter.ts';
import { Neo4jStorageAdapter } from '../../src/storage/neo4j/Neo4jStorageAdapter.ts';
import { SqliteStorageAdapter } from '../../src/storage/sqlite/SqliteStorageAdapter.ts';
import type { StorageAdapter } from '../../src/storage/StorageAdapter.ts';
import { neo4jUri } from '../support/services.ts';

/**
 * A store the security probes run against: the adapter the API is served from, and the
 * environment that points the CLI at the same kind of store. Adding a store is one entry here.
 */
export interface SecurityStore {
  name: string;
  open(): Promise<StorageAdapter>;
  /**
   * AUTHGRAPH_* variables for a CLI process on this kind of store (its own, empty one). Absent for
   * a store that lives in one process: every CLI command is a process of its own.
   */
  cliEnv?: () => Record<string, string>;
}

const scratch = (name: string) => mkdtempSync(join(tmpdir(), `authgraph-security-${name}-`));

export const SECURITY_STORES: SecurityStore[] = [
  { name: 'memory', open: async () => MemoryStorageAdapter.create() },
  {
    name: 'sqlite',
    open: async () => SqliteStorageAdapter.open({ filePath: join(scratch('sqlite'), 'authgraph.db') }),
    cliEnv: () => ({ AUTHGRAPH_STORE: 'sqlite', AUTHGRAPH_DB: join(scratch('sqlite-cli'), 'authgraph.db') }),
  },
  { name: 'neo4j', open: () => Neo4jStorageAdapter.connect({ uri: neo4jUri() }), cliEnv: () => ({ AUTHGRAPH_STORE: 'neo4j', NEO4J_URI: neo4jUri() }) },
];
