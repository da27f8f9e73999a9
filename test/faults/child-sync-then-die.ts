// Run as a child process by the fault tests: sync the fixture sources into Neo4j, then relay the
// outbox but die (SIGKILL, no clean-up) right after Kafka accepted the first batch and before
// that batch is marked sent — the worst moment for an at-least-once pipeline.
import { startDemoSources } from '../../src/sync/demo-sources.ts';
import { KafkaSink, kafkaClient } from '../../src/events/kafka-sink.ts';
import type { MessageSink } from '../../src/events/kafka-sink.ts';
import { relayOutbox } from '../../src/events/outbox-relay.ts';
import { Neo4jStorageAdapter } from '../../src/storage/neo4j/Neo4jStorageAdapter.ts';
import { runTenantSync } from '../../src/sync/run-tenant-sync.ts';

const [uri, brokers, tenantId] = process.argv.slice(2) as [string, string, string];
const storage = await Neo4jStorageAdapter.connect({ uri });
const sources = await startDemoSources();
const instances = sources.instances.map((i) => ({ ...i, config: { ...i.config, tenantId } }));
const report = await runTenantSync(storage, instances, { mode: 'full' });
await sources.close();
process.stdout.write(`${JSON.stringify(report.outcomes.map((o) => [o.connectorId, o.status, o.diff?.events]))}\n`);

const kafka = new KafkaSink(kafkaClient(brokers.split(',')));
const dying: MessageSink = {
  async publish(messages) {
    await kafka.publish(messages);
    process.kill(process.pid, 'SIGKILL');
  },
  close: () => kafka.close(),
};
// A short lease, as a crashed relay's would run out: the next relay takes over after it.
await relayOutbox(storage, dying, { batchSize: 25, owner: `dying-${process.pid}`, leaseMs: 3_000 });
