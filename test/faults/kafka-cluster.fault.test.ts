import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticTenant } from '../../bench/synthetic/tenant.ts';
import type { Envelope } from '../../src/events/envelope.ts';
import { KafkaSink, kafkaClient } from '../../src/events/kafka-sink.ts';
import type { MessageSink } from '../../src/events/kafka-sink.ts';
import { OutboxRelayLoop, relayOutbox } from '../../src/events/outbox-relay.ts';
import { TOPICS } from '../../src/events/topics.ts';
import { SqliteStorageAdapter } from '../../src/storage/sqlite/SqliteStorageAdapter.ts';
import { runTenantSync } from '../../src/sync/run-tenant-sync.ts';
import { collect } from '../support/kafka-collector.ts';
import { killBroker, restartBroker, useKafkaCluster, waitForIsr } from '../support/kafka-cluster.ts';
import { freshTenant } from '../support/sample-tenant.ts';
import { staticGraphInstance } from '../support/static-connector.ts';

// Delivery on a replicated Kafka (three brokers, replication factor 3, min.insync.replicas 2):
// a broker crash mid-relay loses nothing, and with two brokers gone the relay refuses to call a
// write durable (NOT_ENOUGH_REPLICAS), keeps the rows, and catches up when one broker returns.
// The outbox is an embedded SQLite file of this test's own: the shared Neo4j's outbox belongs to
// the default Kafka, and a relay here must not drain it.

const TOPIC_LIST = [TOPICS.graphEvents, TOPICS.syncsCompleted];
let cluster: Awaited<ReturnType<typeof useKafkaCluster>>;
let kafka: Kafka;
let dir: string;
let storage: SqliteStorageAdapter;

beforeAll(async () => {
  cluster = await useKafkaCluster();
  // Reads bootstrap from broker 1, which these tests never stop.
  kafka = new Kafka({ clientId: 'scale-fault-tests', brokers: cluster.brokers.slice(0, 1), logLevel: logLevel.NOTHING });
  dir = mkdtempSync(path.join(tmpdir(), 'authgraph-cluster-'));
  storage = SqliteStorageAdapter.open({ filePath: path.join(dir, 'outbox.db') });
});
afterAll(async () => {
  await storage?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  await cluster?.stop();
});

/** A sync's worth of pending outbox rows for a new tenant: its graph events and the sync notice. */
async function pendingRows(prefix: string, nodes: number) {
  const tenantId = freshTenant(prefix);
  const graph = syntheticTenant({ nodes, seed: 7, tenantId });
  const report = await runTenantSync(storage, [staticGraphInstance(tenantId, 'static', { graph })], { mode: 'full' });
  expect(report.outcomes[0]?.status).toBe('completed');
  // Every pending entry of the tenant: its graph events (kept as event rows) and the sync notice.
  const ids = new Set((await storage.pendingOutbox(1_000_000, tenantId)).map((m) => m.outboxId));
  expect(ids.size).toBeGreaterThan(nodes);
  return { tenantId, ids };
}

async function pendingCount(tenantId: string): Promise<number> {
  return (await storage.pendingOutbox(1_000_000, tenantId)).length;
}

/** Every message of the tenant on the cluster: how many arrived, and their distinct event ids. */
async function consumed(tenantId: string, expected: number) {
  // Counted as they arrive: re-reading every kept message per message made the wait quadratic,
  // and a few thousand messages then outlasted the timeout.
  const unique = new Set<string>();
  let raw = 0;
  const keep = (m: { value: string }) => {
    const envelope = JSON.parse(m.value) as Envelope;
    if (envelope.tenantId !== tenantId) return false;
    raw++;
    unique.add(envelope.eventId);
    return true;
  };
  await collect(kafka, TOPIC_LIST, keep, () => unique.size >= expected, 90_000);
  return { raw, unique };
}

/** The broker's error type, looked for along kafkajs's wrapping causes. */
function errorTypes(error: unknown): string[] {
  const types: string[] = [];
  for (let e = error as { type?: string; cause?: unknown; errors?: unknown[] } | undefined; e; e = e.cause as typeof e) {
    if (e.type) types.push(e.type);
    for (const inner of e.errors ?? []) types.push(...errorTypes(inner));
  }
  return types;
}

describe('replicated Kafka (3 brokers, RF 3, min.insync.replicas 2)', () => {
  it('creates the topics with three replicas and min.insync.replicas 2', async () => {
    const sink = new KafkaSink(kafkaClient(cluster.brokers, 'scale-topics'));
    await sink.connect(); // creates the product's topics if missing
    await sink.close();
    const admin = kafka.admin();
    await admin.connect();
    try {
      const meta = await admin.fetchTopicMetadata({ topics: TOPIC_LIST });
      for (const t of meta.topics) for (const p of t.partitions) expect(p.replicas).toHaveLength(3);
      const configs = await admin.describeConfigs({
        resources: TOPIC_LIST.map((name) => ({ type: 2, name, configNames: ['min.insync.replicas'] })),
        includeSynonyms: false,
      });
      for (const r of configs.resources) expect(r.configEntries.find((c) => c.configName === 'min.insync.replicas')?.configValue).toBe('2');
    } finally {
      await admin.disconnect();
    }
  });

  it('a broker killed during a relay run: nothing lost, the deduplicated set is exact', async () => {
    const { tenantId, ids } = await pendingRows('broker-crash', 800);
    const sink = new KafkaSink(kafkaClient(cluster.brokers, 'scale-relay-crash'));
    let killed = false;
    const crashing: MessageSink = {
      async publish(messages) {
        await sink.publish(messages);
        if (!killed) {
          killed = true;
          await killBroker(2); // right after Kafka acknowledged the first request
        }
      },
      close: () => sink.close(),
    };
    // A relay loop's behaviour: a failed run leaves its rows pending and the next run goes on.
    let failures = 0;
    const deadline = Date.now() + 120_000;
    while ((await pendingCount(tenantId)) > 0 && Date.now() < deadline) {
      await relayOutbox(storage, crashing, { batchSize: 400, owner: 'crash-relay', leaseMs: 5_000 }).catch(async () => {
        failures++;
        await sleep(500);
      });
    }
    await sink.close();
    await restartBroker(2);
    expect(killed).toBe(true);
    expect(await pendingCount(tenantId)).toBe(0);
    // Read once broker 2 is back in sync: the whole cluster's copy is what is checked.
    await waitForIsr(kafka, TOPIC_LIST, 3);
    const got = await consumed(tenantId, ids.size);
    expect(got.unique).toEqual(ids);
    expect(got.raw).toBeGreaterThanOrEqual(ids.size); // at least once; a retried request may repeat
    console.info(`[kafka-cluster] broker 2 killed mid-relay: ${ids.size} rows, ${got.raw} messages read, ${failures} failed relay runs`);
  });

  it('two brokers down: the relay gets NOT_ENOUGH_REPLICAS, keeps the rows, and catches up when one returns', async () => {
    await waitForIsr(kafka, TOPIC_LIST, 3);
    const { tenantId, ids } = await pendingRows('two-down', 300);
    await killBroker(2);
    await killBroker(3);
    await waitForIsr(kafka, TOPIC_LIST, 1);

    const sink = new KafkaSink(kafkaClient(cluster.brokers, 'scale-relay-isr'));
    const loop = new OutboxRelayLoop(storage, sink, { owner: 'isr-relay', leaseMs: 5_000, intervalMs: 500 });
    try {
      const refused = await relayOutbox(storage, sink, { owner: 'isr-relay', leaseMs: 5_000 }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(errorTypes(refused)).toEqual(expect.arrayContaining([expect.stringMatching(/^NOT_ENOUGH_REPLICAS/)]));
      expect(await pendingCount(tenantId)).toBe(ids.size);

      // The relay loop keeps trying; one broker back makes two in sync again.
      loop.start();
      await sleep(1_500);
      expect(loop.state).toBe('failing');
      expect(await pendingCount(tenantId)).toBe(ids.size);
      await restartBroker(3);
      const deadline = Date.now() + 90_000;
      while ((await pendingCount(tenantId)) > 0 && Date.now() < deadline) await sleep(500);
      await loop.stop();
      await sink.close();
      expect(await pendingCount(tenantId)).toBe(0);
      expect(loop.state).toBe('publishing');
      const got = await consumed(tenantId, ids.size);
      expect(got.unique).toEqual(ids);
    } finally {
      await loop.stop();
      await sink.close();
      await restartBroker(3);
      await restartBroker(2);
    }
  });
});
