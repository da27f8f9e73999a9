import { parseArgs } from 'node:util';
import { MAX_PATH_DEPTH } from '../../model/index.ts';
import { DEFAULT_CHAIN_DEPTH, chainId, findExecutionChains } from '../../analysis/execution-chains.ts';
import { resolveAsOf } from '../../storage/as-of.ts';
import { UsageError, intOption, tenantOf } from '../command.ts';
import type { Command } from '../command.ts';
import { formatChain } from '../format.ts';

export const pathsCommand: Command = {
  name: 'paths',
  summary: 'print execution chains (automation → connection → credential → identity)',
  usage: `authgraph paths --tenant <id> (--from <automationId> | --to <identityId>) [--max-depth N≤${MAX_PATH_DEPTH}] [--as-of <time|syncId>] [--json]`,
  async run(args, ctx) {
    const { values } = parseArgs({
      args,
      options: { tenant: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, 'max-depth': { type: 'string' }, 'as-of': { type: 'string' }, json: { type: 'boolean' } },
    });
    if (!values.from && !values.to) throw new UsageError('give --from <automationId> or --to <identityId>');
    const maxDepth = intOption(values['max-depth'], '--max-depth', DEFAULT_CHAIN_DEPTH);
    if (maxDepth > MAX_PATH_DEPTH) throw new UsageError(`--max-depth is capped at ${MAX_PATH_DEPTH}`);
    const storage = await ctx.storage();
    const tenantId = tenantOf(values, ctx);
    const asOf = await resolveAsOf(storage, tenantId, values['as-of']);
    const chains = await findExecutionChains(storage, tenantId, {
      ...(asOf ? { asOf } : {}),
      ...(values.from ? { from: values.from } : {}),
      ...(values.to ? { to: values.to } : {}),
      maxDepth,
    });
    if (values.json) {
      ctx.out(JSON.stringify(chains.map((c) => ({ chainId: chainId(c), depth: c.depth, nodes: c.nodes.map((n) => n.nodeId), edges: c.edges.map((e) => e.edgeType) })), null, 2));
      return 0;
    }
    chains.forEach((c, i) => ctx.out(`chain ${i + 1} (${c.depth} hops, ${chainId(c)}):\n${formatChain(c)}\n`));
    ctx.out(`${chains.length} chain(s)`);
    return 0;
  },
};
