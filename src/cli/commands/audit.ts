import { parseArgs } from 'node:util';
import { intOption, tenantOf } from '../command.ts';
import type { Command } from '../command.ts';

export const auditCommand: Command = {
  name: 'audit',
  summary: "list the product's own audit trail for a tenant (packs, exports, syncs, keys, refusals), newest first",
  usage: 'authgraph audit --tenant <id | _system> [--limit N] [--json]',
  async run(args, ctx) {
    const { values } = parseArgs({ args, options: { tenant: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } } });
    const records = await (await ctx.audit()).list(tenantOf(values, ctx), { limit: intOption(values.limit, '--limit', 50) });
    if (values.json) {
      ctx.out(JSON.stringify(records, null, 2));
      return 0;
    }
    for (const r of records) {
      const keys = Object.entries(r.businessKeys).map(([k, v]) => `${k}=${v}`).join(' ');
      ctx.out(`${r.occurredAt}  ${r.severity.padEnd(5)} ${r.source.padEnd(4)} ${r.eventType.padEnd(26)} ${keys}`);
    }
    ctx.out(`${records.length} audit record(s)`);
    return 0;
  },
};
