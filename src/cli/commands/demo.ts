import { startDemoSources } from '../../sync/demo-sources.ts';
import { runTenantSync } from '../../sync/run-tenant-sync.ts';
import type { Command } from '../command.ts';
import { printTenantSummary } from './summary.ts';
import { formatReport } from './sync.ts';

export const demoCommand: Command = {
  name: 'demo',
  summary: 'sync the fixture Entra ID, ServiceNow and GitHub tenants into an embedded store and print what Authgraph sees',
  usage: 'authgraph demo',
  async run(_args, ctx) {
    // Real connectors over real HTTP against the local replay server, into the configured store
    // (the embedded SQLite file by default), so `authgraph serve` and every other command can look
    // at the demo tenant afterwards. A second run is an unchanged sync: no events.
    const sources = await startDemoSources();
    const storage = await ctx.storage();
    try {
      ctx.out(`Authgraph demo: syncing the Entra ID, ServiceNow and GitHub fixture sources served at ${sources.server.url}`);
      const report = await runTenantSync(storage, sources.instances, { mode: 'full' });
      ctx.out(formatReport(report));
      ctx.out('');
      await printTenantSummary(storage, report.tenantId, ctx.out);
      return report.outcomes.some((o) => o.status === 'failed') ? 1 : 0;
    } finally {
      await sources.close();
    }
  },
};
