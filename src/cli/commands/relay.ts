import { parseArgs } from 'node:util';
import { KafkaSink, kafkaClient } from '../../events/kafka-sink.ts';
import { OutboxRelayLoop, relayOutbox } from '../../events/outbox-relay.ts';
import { UsageError, intOption } from '../command.ts';
import type { Command } from '../command.ts';

export const relayCommand: Command = {
  name: 'relay',
  summary: 'publish stored events from the outbox to Kafka (once, or continuously)',
  usage: 'authgraph relay [--once] [--interval <ms>] [--batch <n>]   (needs KAFKA_BROKERS)',
  async run(args, ctx) {
    const { values } = parseArgs({ args, options: { once: { type: 'boolean' }, interval: { type: 'string' }, batch: { type: 'string' } } });
    const brokers = ctx.config.KAFKA_BROKERS;
    if (!brokers) throw new UsageError('set KAFKA_BROKERS (host:port[,host:port])');
    const storage = await ctx.storage();
    const sink = new KafkaSink(kafkaClient(brokers.split(','), 'authgraph-relay'));
    const batchSize = intOption(values.batch, '--batch', 1_000);
    try {
      if (values.once) {
        const result = await relayOutbox(storage, sink, { batchSize });
        const stats = await storage.outboxStats();
        ctx.out(result.ranAsLeader ? `published ${result.published} message(s); ${stats.pending} pending` : 'another relay holds the lease; nothing published');
        return 0;
      }
      const loop = new OutboxRelayLoop(storage, sink, { batchSize, intervalMs: intOption(values.interval, '--interval', 1_000) });
      loop.start();
      ctx.err('relaying the outbox to Kafka; Ctrl-C stops');
      await new Promise<void>((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve));
      await loop.stop();
      return 0;
    } finally {
      await sink.close();
    }
  },
};
