import { defineConfig } from 'vitest/config';

// The tests StrykerJS runs against each mutant of src/diff, src/resolve, src/analysis and
// src/model (stryker.config.mjs). By default the unit tests and the storage contract on the memory
// adapter (the chain analysis is read through a StorageAdapter; in-process, ~2 s in all): a
// folder's ~1,000 mutants take minutes on one core. AUTHGRAPH_MUTATION_SUITE=full adds the
// SQLite contract and the connector suites that run real connectors against the replay server:
// each mutant then costs seconds (a whole folder takes hours on the shared 2-core machine). None needs Neo4j or Kafka;
// real-server suites are too slow to run once per mutant and stay in `npm test`.
const full = process.env.AUTHGRAPH_MUTATION_SUITE === 'full';

export default defineConfig({
  test: {
    include: [
      'test/unit/**/*.test.ts',
      'test/contract/memory.contract.test.ts',
      ...(full
        ? [
            'test/contract/sqlite.contract.test.ts',
            ...[
              'chain-verdicts',
              'conformance',
              'entra-connects',
              'entra-scenarios',
              'github-scenarios',
              'permission-truth',
              'replay-fidelity',
              'sync-events',
            ].map((name) => `test/integration/connectors/${name}.int.test.ts`),
          ]
        : []),
    ],
    testTimeout: 60_000,
  },
});
