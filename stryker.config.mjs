// Mutation testing of the code that decides verdicts (npm run test:mutation; slow, outside npm
// test). A mutant that survives is a change to the logic that no test notices: strengthen the test.
//
// STRYKER_FOLDER=diff|resolve|analysis|model limits a run to one folder and gives it its own
// report and incremental file (reports/mutation/<folder>.json), so folders can be measured one
// at a time on a shared machine and `node scripts/mutation-scores.mjs` still sees all of them.
// Without it the run covers all four folders and writes reports/mutation/mutation.json.
const folders = ['diff', 'resolve', 'analysis', 'model'];
const folder = process.env.STRYKER_FOLDER;
if (folder !== undefined && !folders.includes(folder)) {
  throw new Error(`STRYKER_FOLDER must be one of ${folders.join(', ')}`);
}
// STRYKER_REPORT names the report of a narrower run (`--mutate src/model/legacy.ts`), so it does
// not replace the folder's report; the score table takes the newest report of each file.
const name = process.env.STRYKER_REPORT ?? folder ?? 'mutation';
if (!/^[a-z0-9-]+$/.test(name)) throw new Error('STRYKER_REPORT must be lower-case letters, digits and dashes');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  mutate: (folder ? [folder] : folders).map((f) => `src/${f}/**/*.ts`),
  coverageAnalysis: 'perTest',
  // The machine is shared: one mutant run at a time unless told otherwise (--concurrency).
  concurrency: 1,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  // Killed mutants are not rerun unless their code or the tests covering them changed.
  incremental: true,
  incrementalFile: `reports/mutation/${name}.incremental.json`,
  thresholds: { high: 80, low: 60, break: null },
  // Module-level constants (enum lists, regexes) run once at import: mutating them costs a full
  // run each and says little the type checker does not.
  ignoreStatic: true,
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
