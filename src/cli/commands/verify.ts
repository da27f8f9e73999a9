import { parseArgs } from 'node:util';
import { verifyPackDir } from '../../evidence/pack-dir.ts';
import { UsageError } from '../command.ts';
import type { Command } from '../command.ts';

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'check an evidence pack directory against its manifest (exit 1 on any modified, missing or extra file)',
  usage: 'authgraph verify <pack dir> [--json]',
  async run(args, ctx) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' } } });
    const dir = positionals[0];
    if (!dir || positionals.length > 1) throw new UsageError('name one pack directory');
    const result = await verifyPackDir(dir);
    if (values.json) {
      ctx.out(JSON.stringify(result, null, 2));
      return result.ok ? 0 : 1;
    }
    for (const p of result.problems) {
      const line =
        p.problem === 'modified'
          ? `MODIFIED ${p.path}: sha256 ${p.actual}, manifest says ${p.expected}`
          : p.problem === 'manifest_invalid'
            ? `INVALID ${p.path}: ${p.detail}`
            : `${p.problem.toUpperCase()} ${p.path}`;
      ctx.err(line);
    }
    if (result.ok) ctx.out(`OK: ${result.intact.length} file(s) match ${dir}/manifest.json`);
    else ctx.err(`FAILED: ${result.problems.length} problem(s); ${result.intact.length} file(s) intact`);
    return result.ok ? 0 : 1;
  },
};
