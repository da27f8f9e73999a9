// Mutation testing of the code that decides verdicts (npm run test:mutation; slow, outside npm
// test). A mutant that survives is a change to the logic that no test notices: strengthen the test.
// One folder at a time: npm run test:mutation -- --mutate 'src/diff/**/*.ts'
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  mutate: ['src/diff/**/*.ts', 'src/resolve/**/*.ts', 'src/analysis/**/*.ts', 'src/model/**/*.ts'],
  coverageAnalysis: 'perTest',
  // Two cores: one mutant run per core.
  concurrency: 2,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 80, low: 60, break: null },
  // Module-level constants (enum lists, regexes) run once at import: mutating them costs a full
  // run each and says little the type checker does not.
  ignoreStatic: true,
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
