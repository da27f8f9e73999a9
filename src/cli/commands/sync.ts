import { parseArgs } from 'node:util';
import { instancesFromConfig, loadConnectorsConfig } from '../../sync/connectors-config.ts';
import type { ConnectorInstance } from '../../sync/connectors-config.ts';
import { startDemoSources } from '../../sync/demo-sources.ts';
import { runTenantSync } from '../../sync/run-tenant-sync.ts';
import type { TenantSyncReport } from '../../sync/run-tenant-sync.ts';
import { runAuditLogSync } from '../../sync/audit-log-sync.ts';
import { UsageError } from '../command.ts';
import type { Command } from '../command.ts';
import { newSyncId } from '../../sync/sync-ids.ts';

export const syncCommand: Command = {
  name: 'sync',
  summary: 'run every connector instance of a config file and store what changed',
  usage: 'authgraph sync (--config <connectors.json> | --demo) [--mode full|incremental|audit-log] [--json]',
  async run(args, ctx) {
    const { values } = parseArgs({
      args,
      options: { config: { type: 'string' }, demo: { type: 'boolean' }, mode: { type: 'string', default: 'full' }, json: { type: 'boolean' } },
    });
    const mode = values.mode;
    if (mode !== 'full' && mode !== 'incremental' && mode !== 'audit-log') throw new UsageError('--mode is full, incremental or audit-log');
    if (!values.config && !values.demo) throw new UsageError('give --config <connectors.json> (or --demo for the fixture sources)');
    const demo = values.demo ? await startDemoSources() : undefined;
    try {
      const instances: ConnectorInstance[] = demo ? demo.instances : instancesFromConfig(loadConnectorsConfig(values.config!));
      const storage = await ctx.storage();
      const syncId = newSyncId();
      const tenants = [...new Set(instances.map((i) => i.config.tenantId))];
      for (const tenantId of tenants) {
        await ctx.note({
          tenantId,
          eventType: 'SYNC_TRIGGERED',
          severity: 'INFO',
          businessKeys: { runId: syncId, mode, connectorIds: instances.filter((i) => i.config.tenantId === tenantId).map((i) => i.config.connectorId).join(',') },
        });
      }
      // Phases, retries and outcomes go to the log (stderr); the report to stdout.
      const log = ctx.log;
      const report =
        mode === 'audit-log'
          ? await runAuditLogSync(storage, instances, { syncId, log })
          : await runTenantSync(storage, instances, { mode, syncId, log });
      ctx.out(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
      return report.outcomes.some((o) => o.status === 'failed') ? 1 : 0;
    } finally {
      await demo?.close();
    }
  },
};

export function formatReport(report: TenantSyncReport): string {
  const lines = [`sync ${report.syncId} (${report.mode}) of tenant ${report.tenantId} in ${report.durationMs} ms`];
  for (const o of report.outcomes) {
    lines.push(`  ${o.connectorId}: ${o.status}${o.stats ? ` — ${o.stats.apiCalls} API calls, ${o.stats.retries} retries` : ''}`);
    if (o.diff) {
      const d = o.diff;
      lines.push(`    nodes +${d.nodesCreated} ~${d.nodesUpdated} -${d.nodesDeleted}; edges +${d.edgesCreated} ~${d.edgesUpdated} -${d.edgesRemoved}; ${d.events} events`);
      if (d.deletionsWithheld.length) lines.push(`    deletions withheld: ${d.deletionsWithheld.join(', ')}`);
    }
    if (o.error) lines.push(`    ${o.error.type}: ${o.error.message}`);
  }
  return lines.join('\n');
}
