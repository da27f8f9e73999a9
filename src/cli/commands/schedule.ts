import { parseArgs } from 'node:util';
import { instancesFromConfig, loadConnectorsConfig } from '../../sync/connectors-config.ts';
import { SyncScheduler } from '../../sync/scheduler.ts';
import { UsageError } from '../command.ts';
import type { Command } from '../command.ts';
import { formatReport } from './sync.ts';
import { newAuditOrigin } from '../../audit/audit-envelope.ts';
import { errorFields } from '../../observability/logger.ts';
import { kafkaClient } from '../../events/kafka-sink.ts';
import { SyncRequestWorker } from '../../sync/sync-requests.ts';

export const scheduleCommand: Command = {
  name: 'schedule',
  summary: 'run each connector instance of a config file on its cron schedule until stopped',
  usage:
    'authgraph schedule --config <connectors.json>   (instances need a "schedule" cron expression; with KAFKA_BROKERS it also runs syncs requested through the API by `serve --sync-workers`)',
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
    const storage = await ctx.storage();
    const scheduler = new SyncScheduler(
      storage,
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
    // Several schedulers on one config share the due runs (scheduler.ts) and the API's requests.
    let worker: SyncRequestWorker | undefined;
    if (ctx.config.KAFKA_BROKERS) {
      worker = new SyncRequestWorker(storage, instances, kafkaClient(ctx.config.KAFKA_BROKERS.split(','), 'authgraph-sync-worker'), {
        log: ctx.log,
        ...(process.env.AUTHGRAPH_SYNC_WORKERS_GROUP ? { groupId: process.env.AUTHGRAPH_SYNC_WORKERS_GROUP } : {}),
      });
      await worker.start();
      ctx.err('taking sync requests from the API (authgraph.syncs.requested)');
    }
    ctx.err(`scheduling ${entries.map((e) => `${e.instance.config.connectorId} (${e.schedule})`).join(', ')}; Ctrl-C stops`);
    await new Promise<void>((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve));
    await worker?.stop();
    await scheduler.stop();
    return 0;
  },
};
