import { parseArgs } from 'node:util';
import { ownershipOf } from '../../analysis/ownership-report.ts';
import { resolveAsOf } from '../../storage/as-of.ts';
import { UsageError, tenantOf } from '../command.ts';
import type { Command } from '../command.ts';
import { formatOwnership } from '../format.ts';

export const ownershipCommand: Command = {
  name: 'ownership',
  summary: 'show the ownership state of a node and the signals behind it',
  usage: 'authgraph ownership <nodeId> --tenant <id> [--as-of <time|syncId>] [--json]',
  async run(args, ctx) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { tenant: { type: 'string' }, 'as-of': { type: 'string' }, json: { type: 'boolean' } } });
    const nodeId = positionals[0];
    if (!nodeId) throw new UsageError('name the node');
    const storage = await ctx.storage();
    const tenantId = tenantOf(values, ctx);
    const report = await ownershipOf(storage, tenantId, nodeId, await resolveAsOf(storage, tenantId, values['as-of']));
    if (!report) {
      ctx.err(`no node ${nodeId} in this tenant`);
      return 1;
    }
    ctx.out(values.json ? JSON.stringify(report, null, 2) : formatOwnership(report));
    return 0;
  },
};
