import { parseArgs } from 'node:util';
import { CHAIN_KINDS, ChainKind, MAX_PATH_DEPTH } from '../../model/index.ts';
import { findChainVerdicts, verdictId } from '../../analysis/chain-verdicts.ts';
import { DEFAULT_CHAIN_DEPTH } from '../../analysis/execution-chains.ts';
import { resolveAsOf } from '../../storage/as-of.ts';
import { UsageError, intOption, tenantOf } from '../command.ts';
import type { Command } from '../command.ts';
import { formatVerdict } from '../format.ts';

export const pathsCommand: Command = {
  name: 'paths',
  summary: 'print chain verdicts: execution chains, partial chains with their stop reason, latent paths, inbound OAuth',
  usage: `authgraph paths --tenant <id> [--from <automationId>] [--to <identityId>] [--kind <${CHAIN_KINDS.join('|')}>[,…]] [--max-depth N≤${MAX_PATH_DEPTH}] [--as-of <time|syncId>] [--json]`,
  async run(args, ctx) {
    const { values } = parseArgs({
      args,
      options: {
        tenant: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        kind: { type: 'string', multiple: true },
        'max-depth': { type: 'string' },
        'as-of': { type: 'string' },
        json: { type: 'boolean' },
      },
    });
    const kinds = (values.kind ?? []).flatMap((k) => k.split(',')).map((k) => {
      const parsed = ChainKind.safeParse(k.trim());
      if (!parsed.success) throw new UsageError(`--kind must be one of ${CHAIN_KINDS.join(', ')}; got "${k}"`);
      return parsed.data;
    });
    const maxDepth = intOption(values['max-depth'], '--max-depth', DEFAULT_CHAIN_DEPTH);
    if (maxDepth > MAX_PATH_DEPTH) throw new UsageError(`--max-depth is capped at ${MAX_PATH_DEPTH}`);
    const storage = await ctx.storage();
    const tenantId = tenantOf(values, ctx);
    const asOf = await resolveAsOf(storage, tenantId, values['as-of']);
    const verdicts = await findChainVerdicts(storage, tenantId, {
      ...(asOf ? { asOf } : {}),
      ...(values.from ? { from: values.from } : {}),
      ...(values.to ? { to: values.to } : {}),
      ...(kinds.length ? { kinds } : {}),
      maxDepth,
    });
    if (values.json) {
      const json = verdicts.map((v) => ({
        chainId: verdictId(v),
        kind: v.kind,
        entryPoint: v.entryPoint,
        depth: v.path.depth,
        nodes: v.path.nodes.map((n) => n.nodeId),
        edges: v.path.edges.map((e) => e.edgeType),
        stop: v.stop,
      }));
      ctx.out(JSON.stringify(json, null, 2));
      return 0;
    }
    verdicts.forEach((v, i) => ctx.out(`chain ${i + 1}: ${formatVerdict(v)}\n`));
    ctx.out(`${verdicts.length} chain(s)`);
    return 0;
  },
};
