import { defineConfig } from 'vitest/config';

// The tests StrykerJS runs against each mutant of src/diff, src/resolve, src/analysis and
// src/model (stryker.config.mjs): the unit tests, the in-process storage contract (memory,
// SQLite) and the connector suites that run real connectors against the in-process replay server
// (the resolver's cross-system edges are only exercised there). None needs Neo4j or Kafka;
// real-server suites are too slow to run once per mutant and stay in `npm test`.
export default defineConfig({
  test: {
    include: [
      'test/unit/**/*.test.ts',
      'test/contract/memory.contract.test.ts',
      'test/contract/sqlite.contract.test.ts',
      ...['chain-verdicts', 'conformance', 'entra-connects', 'entra-scenarios', 'github-scenarios', 'permission-truth', 'replay-fidelity', 'sync-events'].map(
        (name) => `test/integration/connectors/${name}.int.test.ts`,
      ),
    ],
    testTimeout: 60_000,
  },
});
