import { parseArgs } from 'node:util';
import { computeDrift } from '../../drift/compute-drift.ts';
import { publishFindings } from '../../drift/publish-findings.ts';
import { UsageError, intOption, tenantOf } from '../command.ts';
import type { Command } from '../command.ts';

export const driftCommand: Command = {
  name: 'drift',
  summary: 'what changed in who-can-run-as-what between two times or syncs',
  usage: 'authgraph drift --tenant <id> --since <time|syncId> [--until <time|syncId>] [--within-days N] [--publish] [--json]',
  async run(args, ctx) {
    const { values } = parseArgs({
      args,
      options: {
        tenant: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        'within-days': { type: 'string' },
        publish: { type: 'boolean' },
        json: { type: 'boolean' },
      },
    });
    if (!values.since) throw new UsageError('give --since <time|syncId>');
    const storage = await ctx.storage();
    const report = await computeDrift(storage, tenantOf(values, ctx), {
      since: values.since,
      ...(values.until ? { until: values.until } : {}),
      expiringWithinDays: intOption(values['within-days'], '--within-days', 30),
    });
    const published = values.publish ? await publishFindings(storage, report, 'cli') : undefined;
    if (values.json) {
      ctx.out(JSON.stringify({ ...report, ...(published !== undefined ? { published } : {}) }, null, 2));
      return 0;
    }
    ctx.out(`drift of tenant ${report.tenantId} from ${report.since} to ${report.until}: ${report.findings.length} finding(s)`);
    for (const f of report.findings) {
      ctx.out(`  [${f.severity.toUpperCase()}] ${f.type}: ${f.summary}`);
      if (f.chainIds.length) ctx.out(`      chains: ${f.chainIds.join(', ')}`);
    }
    ctx.out(`examined ${report.examined.events} event(s), ${report.examined.entities} entities, ${report.examined.identities} identities, ${report.examined.credentials} credentials`);
    if (published !== undefined) ctx.out(`${published} new finding(s) queued for authgraph.drift.finding`);
    return 0;
  },
};
