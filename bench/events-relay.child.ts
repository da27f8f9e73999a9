import { KafkaSink, kafkaClient } from '../src/events/kafka-sink.ts';
import { messageOf } from '../src/events/outbox-messages.ts';
import { relayOutbox } from '../src/events/outbox-relay.ts';
import { SqliteStorageAdapter } from '../src/storage/sqlite/SqliteStorageAdapter.ts';
import { bareSends } from './bare-sends.ts';

// The relay of bench/events.bench.ts --store=sqlite in a process of its own over the SQLite file,
// as `authgraph relay` runs beside `serve`: what it does is relayOutbox with a KafkaSink, the
// command's own code. The kafkajs ceiling is measured here too, so both sides run the same way.
const [filePath, brokerList] = process.argv.slice(2) as [string, string];
const brokers = brokerList.split(',');
const storage = SqliteStorageAdapter.open({ filePath });
const client = kafkaClient(brokers, 'bench-relay');
const sink = new KafkaSink(client);
await sink.connect(); // a running relay stays connected between drains
const tell = (message: object) => process.send!(message);

process.on('message', async (message: { ceiling?: true; relay?: true; stop?: true }) => {
  if (message.ceiling) {
    const messages = (await storage.pendingOutbox(Number.MAX_SAFE_INTEGER)).map(messageOf);
    tell({ ceiling: await bareSends(client, messages) });
  }
  if (message.relay) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    const result = await relayOutbox(storage, sink, { owner: 'bench-relay' });
    const ms = performance.now() - start;
    const used = process.cpuUsage(cpu);
    tell({ relay: { published: result.published, ms, cpuPerMessage: (used.user + used.system) / Math.max(1, result.published) } });
  }
  if (message.stop) {
    await sink.close();
    await storage.close();
    process.send!({ stopped: true }, () => process.exit(0));
  }
});
tell({ ready: true });
