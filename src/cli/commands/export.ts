import { parseArgs } from 'node:util';
import { MAX_PATH_DEPTH } from '../../model/index.ts';
import { DEFAULT_CHAIN_DEPTH } from '../../analysis/execution-chains.ts';
import { buildEvidencePack } from '../../evidence/build-pack.ts';
import { EvidencePackError } from '../../evidence/errors.ts';
import { writePackDir } from '../../evidence/pack-dir.ts';
import { packFiles, sha256 } from '../../evidence/pack-files.ts';
import { UsageError, intOption, tenantOf } from '../command.ts';
import type { Command } from '../command.ts';
import { OAA_USAGE, exportOaa } from './export-oaa.ts';

export const exportCommand: Command = {
  name: 'export',
  summary: 'export an evidence pack for a chain or an identity, or the tenant as a Veza OAA payload',
  usage:
    'authgraph export evidence (--chain <chainId> | --identity <identityId>) [--as-of <iso time | syncId>] --tenant <id> --out <dir> [--max-depth N]\n' +
    `       ${OAA_USAGE}`,
  async run(args, ctx) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        tenant: { type: 'string' },
        chain: { type: 'string' },
        identity: { type: 'string' },
        'as-of': { type: 'string' },
        out: { type: 'string' },
        'max-depth': { type: 'string' },
      },
    });
    if (positionals.length !== 1 || !['evidence', 'oaa'].includes(positionals[0]!)) throw new UsageError('export what? `evidence` or `oaa`');
    if (positionals[0] === 'oaa') {
      if (values.chain || values.identity || values['max-depth']) throw new UsageError('export oaa exports the whole tenant: no --chain, --identity or --max-depth');
      return exportOaa(values, ctx);
    }
    if (!values.chain === !values.identity) throw new UsageError('give exactly one of --chain <chainId> or --identity <identityId>');
    if (!values.out) throw new UsageError('name the output directory with --out');
    const maxDepth = intOption(values['max-depth'], '--max-depth', DEFAULT_CHAIN_DEPTH);
    if (maxDepth > MAX_PATH_DEPTH) throw new UsageError(`--max-depth is capped at ${MAX_PATH_DEPTH}`);
    const tenantId = tenantOf(values, ctx);
    try {
      const pack = await buildEvidencePack(
        await ctx.storage(),
        tenantId,
        values.chain ? { chainId: values.chain } : { identityId: values.identity! },
        { maxDepth, ...(values['as-of'] ? { asOf: values['as-of'] } : {}) },
      );
      const files = packFiles(pack);
      await writePackDir(values.out, files);
      await ctx.note({
        tenantId,
        eventType: 'EXPORT_WRITTEN',
        severity: 'INFO',
        businessKeys: { ...(values.chain ? { chainId: values.chain } : { identityId: values.identity! }), ...(values['as-of'] ? { asOf: values['as-of'] } : {}) },
        extra: { out: values.out, chains: pack.chains.length, files: files.map((f) => ({ name: f.name, sha256: sha256(f.bytes) })) },
      });
      const entities = pack.history.length;
      ctx.out(`wrote an evidence pack to ${values.out}: ${pack.chains.length} chain(s), ${entities} entities, ${pack.syncs.length} sync record(s)`);
      ctx.out(`graph state at ${pack.time.effectiveAt ?? 'unknown'} (${pack.time.basis.replaceAll('_', ' ')})`);
      for (const f of files) ctx.out(`  ${f.name.padEnd(14)} ${sha256(f.bytes)}`);
      return 0;
    } catch (error) {
      if (error instanceof EvidencePackError) {
        ctx.err(`${error.code}: ${error.message}`);
        return 1;
      }
      throw error;
    }
  },
};
