import { defineConfig } from 'vitest/config';

// The fault tests stop and restart the jar servers of scripts/services.mjs themselves, so their
// run uses those servers even where Docker would offer Testcontainers.
process.env.AUTHGRAPH_TESTCONTAINERS ??= '0';

// Fault tests stop and restart the real Neo4j and Kafka, so they run after the main suite, one
// file at a time, with nothing else sharing the servers.
export default defineConfig({
  test: {
    include: ['test/faults/**/*.fault.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 240_000,
    pool: 'forks',
  },
});
