import { Neo4jStorageAdapter } from '../../src/storage/neo4j/Neo4jStorageAdapter.ts';
import { neo4jUri } from '../support/services.ts';
import { defineStorageAdapterContract } from './storage-adapter.contract.ts';

// The contract again on Neo4j, with every sync commit staged (staged-commit.ts: creates written
// under a staging tenant in several transactions, then switched in one with the rest): the path a
// commit too large for one transaction takes must behave exactly as the one-transaction path.
// Small batches (50 rows) and staging transactions (200 rows), so the larger commits here are
// staged in several of each (test/integration/neo4j-staged-commit.int.test.ts stages a few rows
// at a time).
defineStorageAdapterContract('neo4j (every commit staged)', {
  setup: () => Neo4jStorageAdapter.connect({ uri: neo4jUri(), singleTransactionRows: 1, transactionRows: 200, batchSize: 50 }),
});
