import { defineConfig } from 'vitest/config';

// One run: unit tests (pure logic), contract tests (every StorageAdapter) and integration tests
// (real Neo4j, Kafka and HTTP). Real servers start once per run in the global setup.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'connectors/**/*.test.ts'],
    // Fault tests stop the shared servers: they run afterwards, alone (vitest.faults.config.ts).
    exclude: ['test/faults/**', '**/node_modules/**'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
