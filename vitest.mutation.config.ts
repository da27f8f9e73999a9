import { defineConfig } from 'vitest/config';

// The tests StrykerJS runs against each mutant of src/diff, src/resolve, src/analysis and
// src/model (stryker.config.mjs): the unit tests and the in-process storage contract (memory,
// SQLite), which need no servers. Real-server suites are too slow to run once per mutant; they
// stay in `npm test`.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/contract/memory.contract.test.ts', 'test/contract/sqlite.contract.test.ts'],
    testTimeout: 60_000,
  },
});
