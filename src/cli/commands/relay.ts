import { parseArgs } from 'node:util';
import { KafkaSink, kafkaClient } from '../../events/kafka-sink.ts';
import { OutboxRelayLoop, relayOutbox } from '../../events/outbox-relay.ts';
import { Metrics } from '../../observability/metrics.ts';
import { startMetricsServer } from '../../observability/metrics-server.ts';
import { UsageError, intOption } from '../command.ts';
import type { Command } from '../command.ts';

/** The port OpenTelemetry's Prometheus exporter uses by default; any free one with --metrics-port 0. */
const DEFAULT_METRICS_PORT = 9464;

function metricsPort(value: string | undefined): number {
  const port = Number(value ?? process.env.AUTHGRAPH_METRICS_PORT ?? DEFAULT_METRICS_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError('--metrics-port must be a whole number from 0 to 65535');
  return port;
}

export const relayCommand: Command = {
  name: 'relay',
  summary: 'publish stored events from the outbox to Kafka (once, or continuously with /metrics)',
  usage:
    'authgraph relay [--once] [--interval <ms>] [--batch <rows per read, 40000>] [--metrics-port N (9464; 0 = any free port)] [--metrics-host 127.0.0.1]   (needs KAFKA_BROKERS)',
  logFormat: 'json',
  async run(args, ctx) {
    const { values } = parseArgs({
      args,
      options: {
        once: { type: 'boolean' },
        interval: { type: 'string' },
        batch: { type: 'string' },
        'metrics-port': { type: 'string' },
        'metrics-host': { type: 'string' },
      },
    });
    const brokers = ctx.config.KAFKA_BROKERS;
    if (!brokers) throw new UsageError('set KAFKA_BROKERS (host:port[,host:port])');
    const storage = await ctx.storage();
    const sink = new KafkaSink(kafkaClient(brokers.split(','), 'authgraph-relay'));
    // The relay's own default (40,000 rows a read, several requests each) unless given: 1,000 had
    // made every request wait on a read of its own (issue 17).
    const batchSize = values.batch === undefined ? undefined : intOption(values.batch, '--batch', 1);
    const log = ctx.log;
    try {
      if (values.once) {
        const result = await relayOutbox(storage, sink, { batchSize, log });
        const stats = await storage.outboxStats();
        ctx.out(result.ranAsLeader ? `published ${result.published} message(s); ${stats.pending} pending` : 'another relay holds the lease; nothing published');
        return 0;
      }
      const metrics = new Metrics();
      metrics.observeOutbox(storage);
      const server = await startMetricsServer(metrics, { port: metricsPort(values['metrics-port']), ...(values['metrics-host'] ? { host: values['metrics-host'] } : {}) });
      const loop = new OutboxRelayLoop(storage, sink, { batchSize, intervalMs: intOption(values.interval, '--interval', 1_000), log, metrics });
      loop.start();
      log.info({ metrics: server.url, brokers: brokers.split(',') }, 'relaying the outbox to Kafka; Ctrl-C stops');
      await new Promise<void>((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve));
      await loop.stop();
      await server.close();
      log.info('relay stopped');
      return 0;
    } finally {
      await sink.close();
    }
  },
};
