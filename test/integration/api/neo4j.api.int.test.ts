import { existsSync } from 'node:fs';
import { describe, it } from 'vitest';
import type { StorageAdapter } from '../../../src/storage/StorageAdapter.ts';
import { neo4jUri } from '../../support/services.ts';
import { defineApiSuite } from './api-suite.ts';

// The same suite on the real Neo4j of this test run (test/global-setup.ts). Loaded by path so
// this file does not break the build while the adapter is still being finished elsewhere.
const ADAPTER = new URL('../../../src/storage/neo4j/Neo4jStorageAdapter.ts', import.meta.url);

if (existsSync(ADAPTER)) {
  defineApiSuite('neo4j', {
    setup: async () => {
      const { Neo4jStorageAdapter } = (await import(ADAPTER.href)) as { Neo4jStorageAdapter: { connect(c: { uri: string }): Promise<StorageAdapter> } };
      return Neo4jStorageAdapter.connect({ uri: neo4jUri() });
    },
  });
} else {
  describe.skip('GraphQL API over HTTP: neo4j (src/storage/neo4j/Neo4jStorageAdapter.ts not present)', () => it('skipped', () => {}));
}
