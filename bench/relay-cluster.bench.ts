import { randomBytes } from 'node:crypto';
import { ensureServices } from '../scripts/services.mjs';
import { ensureTopics } from '../src/events/ensure-topics.ts';
import { KafkaSink, kafkaClient } from '../src/events/kafka-sink.ts';
import { relayOutbox } from '../src/events/outbox-relay.ts';
import { messageOf } from '../src/events/outbox-messages.ts';
import { topicReplication } from '../src/events/topic-replication.ts';
import type { OutboxMessage } from '../src/model/index.ts';
import { MemoryStorageAdapter } from '../src/storage/memory/MemoryStorageAdapter.ts';
import { applyGraph } from '../src/sync/apply-graph.ts';
import { hr, intArg, machineLoad, rate, timed } from './report.ts';
import { syntheticTenant } from './synthetic/tenant.ts';

// Relay throughput on a replicated Kafka beside the single broker (issue 18, docs/scale.md): the
// same outbox rows (a full sync of the synthetic tenant: real envelopes, real keys) relayed with
// acks=all to a fresh topic of 12 partitions on
//   * the single development broker (replication factor 1), and
//   * the three-broker cluster of scripts/services.mjs (replication factor 3, min.insync 2),
// and, for the partition count's share, to 6 partitions on the cluster. The outbox is the memory
// store, so the figure is Kafka's side of the relay, not a store's reads and marks.
//   npm run bench:relay-cluster -- [--nodes=40000] [--runs=2]
const nodes = intArg('nodes', 40_000);
const runs = intArg('runs', 2);
const TARGET = 20_000; // events/s, the pipeline target of bench/events.bench.ts

const single = process.env.KAFKA_BROKERS ?? (await ensureServices({ services: ['kafka'] })).kafkaBrokers;
const cluster = (await ensureServices({ services: ['kafka-cluster'] })).kafkaClusterBrokers;

hr(`relay on 1 vs 3 brokers: ${nodes.toLocaleString('en-US')}-node full sync, acks=all, ${runs} runs each (best kept)`);
console.log(machineLoad());
const source = MemoryStorageAdapter.create();
const tenantId = `bench-relay-${randomBytes(3).toString('hex')}`;
await applyGraph(source, syntheticTenant({ nodes, seed: 5, tenantId, connectorId: 'synthetic' }));
const rows = (await source.pendingOutbox(Number.MAX_SAFE_INTEGER)).map(messageOf);
const bytes = rows.reduce((n, m) => n + m.payload.length, 0);
console.log(`${rows.length.toLocaleString('en-US')} outbox rows, ${(bytes / rows.length).toFixed(0)} B per payload on average`);

interface Setup {
  label: string;
  brokers: string;
  partitions: number;
  replication: { replicationFactor: number; minInsyncReplicas: number };
}
const setups: Setup[] = [
  { label: '1 broker, 12 partitions, RF 1', brokers: single, partitions: 12, replication: topicReplication(1, {}) },
  { label: '3 brokers, 12 partitions, RF 3 / min.insync 2', brokers: cluster, partitions: 12, replication: topicReplication(3, {}) },
  { label: '3 brokers, 6 partitions, RF 3 / min.insync 2', brokers: cluster, partitions: 6, replication: topicReplication(3, {}) },
];

const results: { label: string; perSecond: number }[] = [];
for (const setup of setups) {
  let best = Infinity;
  for (let run = 0; run < runs; run++) {
    const client = kafkaClient(setup.brokers.split(','), 'bench-relay-cluster');
    const topic = `bench.relay.${setup.partitions}p.${randomBytes(4).toString('hex')}`;
    await ensureTopics(client, [topic], setup.partitions, setup.replication);
    // The same rows, addressed to this run's topic, in a fresh outbox.
    const outbox = MemoryStorageAdapter.create();
    await outbox.enqueueOutbox(
      tenantId,
      rows.map((m): OutboxMessage => ({ ...m, topic, sentAt: undefined })),
    );
    const sink = new KafkaSink(client);
    await sink.connect(); // a running relay stays connected between drains
    const relay = await timed(() => relayOutbox(outbox, sink, { owner: 'bench' }));
    await sink.close();
    // Scratch topics go again (the single broker is shared with other runs).
    const admin = client.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.disconnect();
    if (relay.value.published !== rows.length) throw new Error(`published ${relay.value.published} of ${rows.length}`);
    best = Math.min(best, relay.ms);
    console.log(`  ${setup.label}, run ${run + 1}: ${(relay.ms / 1000).toFixed(2)} s — ${rate(rows.length, relay.ms)}`);
  }
  results.push({ label: setup.label, perSecond: (rows.length / best) * 1000 });
}

hr('relay publish rate (best run)');
for (const r of results) {
  console.log(
    `${r.label}: ${Math.round(r.perSecond).toLocaleString('en-US')} events/s — target ≥ ${TARGET.toLocaleString('en-US')} events/s → ${r.perSecond >= TARGET ? 'met' : 'NOT met'}`,
  );
}
const [one, three] = results;
console.log(`3 brokers RF 3 / 1 broker RF 1 (12 partitions): ${Math.round((three!.perSecond / one!.perSecond) * 100)}%`);
console.log(machineLoad());
process.exit(0);
