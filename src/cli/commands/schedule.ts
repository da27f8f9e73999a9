import { parseArgs } from 'node:util';
import { instancesFromConfig, loadConnectorsConfig } from '../../sync/connectors-config.ts';
import { SyncScheduler } from '../../sync/scheduler.ts';
import { UsageError } from '../command.ts';
import type { Command } from '../command.ts';
import { formatReport } from './sync.ts';
import { newAuditOrigin } from '../../audit/audit-envelope.ts';
import { errorFields } from '../../observability/logger.ts';

export const scheduleCommand: Command = {
  name: 'schedule',
  summary: 'run each connector instance of a config file on its cron schedule until stopped',
  usage: 'authgraph schedule --config <connectors.json>   (instances need a "schedule" cron expression)',
  logFormat: 'json',
  async run(args, ctx) {
    const { values } = parseArgs({ args, options: { config: { type: 'string' } } });
    if (!values.config) throw new UsageError('give --config <connectors.json>');
    const file = loadConnectorsConfig(values.config);
    const instances = instancesFromConfig(file);
    const entries = file.connectors
      .filter((c) => c.enabled && c.schedule)
      .map((c) => ({ instance: instances.find((i) => i.config.connectorId === c.connectorId)!, schedule: c.schedule! }));
    if (!entries.length) throw new UsageError('no enabled connector instance in the config has a "schedule"');
    // Scheduled runs are audited as CRON, one conversation per scheduler process.
    const cron = (await ctx.audit()).withOrigin(newAuditOrigin('CRON', 'authgraph-scheduler'));
    const scheduler = new SyncScheduler(
      await ctx.storage(),
      entries,
      (id, report, error) => {
        if (report) ctx.out(formatReport(report));
        else ctx.log.error({ connectorId: id, ...errorFields(error) }, 'scheduled sync failed');
        cron
          .record({
            tenantId: file.tenantId,
            eventType: 'SYNC_TRIGGERED',
            severity: report ? 'INFO' : 'ERROR',
            businessKeys: { connectorId: id, ...(report ? { runId: report.syncId } : {}) },
            extra: report ? { outcomes: report.outcomes.map((o) => `${o.connectorId}: ${o.status}`) } : { error: (error as Error).message },
          })
          .catch((e: unknown) => ctx.err(`audit record not written: ${(e as Error).message}`));
      },
      { log: ctx.log },
    );
    scheduler.start();
    ctx.err(`scheduling ${entries.map((e) => `${e.instance.config.connectorId} (${e.schedule})`).join(', ')}; Ctrl-C stops`);
    await new Promise<void>((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve));
    await scheduler.stop();
    return 0;
  },
};
