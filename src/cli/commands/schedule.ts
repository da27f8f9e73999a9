import { parseArgs } from 'node:util';
import { instancesFromConfig, loadConnectorsConfig } from '../../sync/connectors-config.ts';
import { SyncScheduler } from '../../sync/scheduler.ts';
import { UsageError } from '../command.ts';
import type { Command } from '../command.ts';
import { formatReport } from './sync.ts';

export const scheduleCommand: Command = {
  name: 'schedule',
  summary: 'run each connector instance of a config file on its cron schedule until stopped',
  usage: 'authgraph schedule --config <connectors.json>   (instances need a "schedule" cron expression)',
  async run(args, ctx) {
    const { values } = parseArgs({ args, options: { config: { type: 'string' } } });
    if (!values.config) throw new UsageError('give --config <connectors.json>');
    const file = loadConnectorsConfig(values.config);
    const instances = instancesFromConfig(file);
    const entries = file.connectors
      .filter((c) => c.enabled && c.schedule)
      .map((c) => ({ instance: instances.find((i) => i.config.connectorId === c.connectorId)!, schedule: c.schedule! }));
    if (!entries.length) throw new UsageError('no enabled connector instance in the config has a "schedule"');
    const scheduler = new SyncScheduler(await ctx.storage(), entries, (id, report, error) =>
      report ? ctx.out(formatReport(report)) : ctx.err(`[${id}] scheduled sync failed: ${(error as Error).message}`),
    );
    scheduler.start();
    ctx.err(`scheduling ${entries.map((e) => `${e.instance.config.connectorId} (${e.schedule})`).join(', ')}; Ctrl-C stops`);
    await new Promise<void>((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve));
    await scheduler.stop();
    return 0;
  },
};
