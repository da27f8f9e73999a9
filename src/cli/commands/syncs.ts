import { parseArgs } from 'node:util';
import { intOption, tenantOf } from '../command.ts';
import type { Command } from '../command.ts';

export const syncsCommand: Command = {
  name: 'syncs',
  summary: 'list recent sync records',
  usage: 'authgraph syncs --tenant <id> [--connector <id>] [--limit N] [--json]',
  async run(args, ctx) {
    const { values } = parseArgs({ args, options: { tenant: { type: 'string' }, connector: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } } });
    const syncs = await (await ctx.storage()).listSyncStates(tenantOf(values, ctx), {
      ...(values.connector ? { connectorId: values.connector } : {}),
      limit: intOption(values.limit, '--limit', 20),
    });
    if (values.json) {
      ctx.out(JSON.stringify(syncs, null, 2));
      return 0;
    }
    for (const s of syncs) {
      const c = s.counts;
      const counts = c ? `+${c.nodesCreated} ~${c.nodesUpdated} -${c.nodesDeleted} nodes, ${c.events} events` : '';
      ctx.out(`${s.startedAt}  ${s.connectorId.padEnd(16)} ${s.mode.padEnd(11)} ${s.status.padEnd(9)} ${s.syncId}  ${counts}`);
      for (const e of s.errors) ctx.out(`    ${e.type}: ${e.message}`);
    }
    ctx.out(`${syncs.length} sync(s)`);
    return 0;
  },
};
