import { Neo4jStorageAdapter } from '../../../src/storage/neo4j/Neo4jStorageAdapter.ts';
import { neo4jUri } from '../../support/services.ts';
import { defineApiSuite } from './api-suite.ts';

// The same suite on the real Neo4j of this test run (test/global-setup.ts); tenants keep tests apart.
defineApiSuite('neo4j', { setup: () => Neo4jStorageAdapter.connect({ uri: neo4jUri() }) });
