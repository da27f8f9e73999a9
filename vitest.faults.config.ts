import { defineConfig } from 'vitest/config';

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
