import { Neo4jStorageAdapter } from '../../src/storage/neo4j/Neo4jStorageAdapter.ts';
import { neo4jUri } from '../support/services.ts';
import { defineStorageAdapterContract } from './storage-adapter.contract.ts';

// The same contract as the memory adapter, against the real Neo4j server of this test run
// (test/global-setup.ts; NEO4J_URI points it at an external one). Tests share the server and
// stay apart by tenant id, so nothing is wiped.
defineStorageAdapterContract('neo4j', {
  setup: () => Neo4jStorageAdapter.connect({ uri: neo4jUri() }),
});
