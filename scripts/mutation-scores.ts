// The mutation score per folder (issue 16), as a Markdown table to paste into a note or
// docs/mutation.md: reads every Stryker JSON report under reports/mutation/ (the all-folder run's
// mutation.json and the per-folder runs' <folder>.json; the newest report wins for a file that
// appears in several) and counts mutant states the way Stryker's score does:
//   score = (killed + timeout) / (killed + timeout + survived + no coverage)
// Compile and runtime errors and ignored mutants (Stryker disable comments) are not counted.
// `--survivors <path prefix>` lists the surviving and uncovered mutants under it, one a line
// (file:line mutator → replacement | source line), to find the test that should have failed.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { machineLoad } from '../bench/report.ts';

const DIR = 'reports/mutation';
const FOLDERS = ['src/diff', 'src/resolve', 'src/analysis', 'src/model'] as const;
const TARGET = 80;

interface Mutant {
  status: string;
  mutatorName: string;
  replacement?: string;
  location: { start: { line: number } };
}
interface Report {
  files: Record<string, { source: string; mutants: Mutant[] }>;
}
interface Counts {
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
  ignored: number;
  errors: number;
}

const reports = readdirSync(DIR)
  .filter((f) => f.endsWith('.json') && !f.endsWith('.incremental.json'))
  .map((f) => ({ file: join(DIR, f), mtime: statSync(join(DIR, f)).mtimeMs }))
  .sort((a, b) => a.mtime - b.mtime);
if (!reports.length) throw new Error(`no Stryker JSON report in ${DIR}: run npm run test:mutation first`);

// Later (newer) reports overwrite a file's mutants from older ones.
const byFile = new Map<string, Mutant[]>();
const sources = new Map<string, string[]>();
const dates = new Map<string, Date>();
for (const { file, mtime } of reports) {
  const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
  for (const [path, { source, mutants }] of Object.entries(report.files)) {
    const key = path.replaceAll('\\', '/');
    byFile.set(key, mutants);
    sources.set(key, source.split('\n'));
    dates.set(key, new Date(mtime));
  }
}

const inFolder = (path: string, folder: string) => path.startsWith(`${folder}/`) || path.includes(`/${folder}/`);

function count(folder: string): Counts {
  const c: Counts = { killed: 0, timeout: 0, survived: 0, noCoverage: 0, ignored: 0, errors: 0 };
  for (const [path, mutants] of byFile) {
    if (!inFolder(path, folder)) continue;
    for (const { status } of mutants) {
      if (status === 'Killed') c.killed++;
      else if (status === 'Timeout') c.timeout++;
      else if (status === 'Survived') c.survived++;
      else if (status === 'NoCoverage') c.noCoverage++;
      else if (status === 'Ignored') c.ignored++;
      else c.errors++;
    }
  }
  return c;
}

const survivorsAt = process.argv.indexOf('--survivors');
if (survivorsAt !== -1) {
  const prefix = process.argv[survivorsAt + 1] ?? '';
  for (const [path, mutants] of [...byFile].sort(([a], [b]) => a.localeCompare(b))) {
    if (!path.includes(prefix)) continue;
    for (const m of [...mutants].sort((a, b) => a.location.start.line - b.location.start.line)) {
      if (m.status !== 'Survived' && m.status !== 'NoCoverage') continue;
      const line = m.location.start.line;
      const code = (sources.get(path)?.[line - 1] ?? '').trim().slice(0, 100);
      console.log(`${path}:${line} ${m.status} ${m.mutatorName} → ${JSON.stringify((m.replacement ?? '').slice(0, 60))} | ${code}`);
    }
  }
  process.exit(0);
}

const lines = [
  '| Folder | Mutants | Killed | Timeout | Survived | No coverage | Ignored | Errors | Score | Target ≥ 80% | Measured (UTC) |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |',
];
for (const folder of FOLDERS) {
  const c = count(folder);
  const detected = c.killed + c.timeout;
  const valid = detected + c.survived + c.noCoverage;
  const total = valid + c.ignored + c.errors;
  if (!total) {
    lines.push(`| ${folder} | – | – | – | – | – | – | – | not measured | → NOT met | – |`);
    continue;
  }
  const score = (detected / valid) * 100;
  const measured = Math.max(...[...dates].filter(([path]) => inFolder(path, folder)).map(([, d]) => d.getTime()));
  const when = new Date(measured).toISOString().slice(0, 16).replace('T', ' ');
  lines.push(
    `| ${folder} | ${total} | ${c.killed} | ${c.timeout} | ${c.survived} | ${c.noCoverage} | ${c.ignored} | ${c.errors} | ${score.toFixed(1)}% | ${score >= TARGET ? '→ met' : '→ NOT met'} | ${when} |`,
  );
}
const newest = new Date(Math.max(...[...dates.values()].map((d) => d.getTime())));
console.log(lines.join('\n'));
console.log(`\nReports: ${reports.map((r) => r.file).join(', ')} (newest ${newest.toISOString()}); now ${machineLoad()}`);
