import { randomBytes } from 'node:crypto';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { EnvelopeConsumer } from '../../../src/events/envelope-consumer.ts';
import { Envelope, graphEventOf } from '../../../src/events/envelope.ts';
import type { GraphEventEnvelope } from '../../../src/events/envelope.ts';
import { KafkaSink, kafkaClient } from '../../../src/events/kafka-sink.ts';
import { relayOutbox } from '../../../src/events/outbox-relay.ts';
import { DLQ_HEADERS, TOPICS, dlqTopic } from '../../../src/events/topics.ts';
import { MemoryStorageAdapter } from '../../../src/storage/memory/MemoryStorageAdapter.ts';
import { applyGraph } from '../../../src/sync/apply-graph.ts';
import { collect, topicEnds } from '../../support/kafka-collector.ts';
import { freshTenant, sampleTenant } from '../../support/sample-tenant.ts';
import { kafkaBrokers } from '../../support/services.ts';
import { messageOf } from '../../../src/events/outbox-messages.ts';

// The relay's client fails fast by design (rows just stay in the outbox); the test's own
// producers, admin and consumers use kafkajs's patient defaults for freshly created topics.
const sink = new KafkaSink(kafkaClient(kafkaBrokers(), 'authgraph-test-relay'));
const kafka = new Kafka({ clientId: 'authgraph-test', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
afterAll(() => sink.close());

const tenantOf = (value: string) => {
  try {
    return (JSON.parse(value) as { tenantId?: string }).tenantId;
  } catch {
    return undefined;
  }
};

describe('outbox relay to Kafka', () => {
  it('publishes every stored event once, keyed by entity, and a rerun publishes nothing', async () => {
    const storage = MemoryStorageAdapter.create();
    const tenantId = freshTenant('relay');
    const result = await applyGraph(storage, sampleTenant(tenantId));
    const mark = await topicEnds(kafka, [TOPICS.graphEvents, TOPICS.syncsCompleted]);
    const first = await relayOutbox(storage, sink);
    expect(first.published).toBe(result.events.length + 1);
    expect(await relayOutbox(storage, sink)).toEqual({ published: 0, ranAsLeader: true });
    expect(await storage.outboxStats()).toEqual({ pending: 0, sent: result.events.length + 1 });

    const got = await collect(kafka, [TOPICS.graphEvents, TOPICS.syncsCompleted], (m) => tenantOf(m.value) === tenantId, (k) => k.length >= result.events.length + 1, 30_000, mark);
    const graphEvents = got.filter((m) => m.topic === TOPICS.graphEvents);
    expect(graphEvents.map((m) => JSON.parse(m.value).eventId).sort()).toEqual(result.events.map((e) => e.eventId).sort());
    const byId = new Map(result.events.map((e) => [e.eventId, e]));
    for (const m of graphEvents) {
      const envelope = Envelope.parse(JSON.parse(m.value)) as GraphEventEnvelope;
      expect(m.key).toBe(`${tenantId}|${envelope.event.entityId}`);
      expect(m.headers.ce_id).toBe(envelope.eventId);
      // The event inside does not repeat the envelope's fields, and the envelope gives them back.
      expect(Object.keys(JSON.parse(m.value).event)).not.toContain('tenantId');
      expect(graphEventOf(envelope)).toEqual(byId.get(envelope.eventId));
    }
    expect(got.filter((m) => m.topic === TOPICS.syncsCompleted)).toHaveLength(1);
  });

  it('splits a request the broker finds too large and still delivers one key in order', async () => {
    const topic = `authgraph.test.small-batches-${randomBytes(4).toString('hex')}`;
    const admin = kafka.admin();
    await admin.connect();
    // 3 KiB record batches: 20 incompressible ~1 KiB messages cannot go as one request.
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: '3072' }] }], waitForLeaders: true });
    await admin.disconnect();
    const tenantId = freshTenant('split');
    const rows = Array.from({ length: 20 }, (_, position) => ({
      outboxId: `o${position}`,
      tenantId,
      topic,
      key: `${tenantId}|one-entity`,
      payload: JSON.stringify({ tenantId, position, noise: randomBytes(500).toString('hex') }),
      headers: {},
      createdAt: '2026-11-29T00:00:00.000Z',
      batchId: 'b',
      position,
    }));
    await sink.publish(rows);
    const got = await collect(kafka, [topic], () => true, (k) => k.length >= rows.length);
    expect(got.map((m) => JSON.parse(m.value).position)).toEqual(rows.map((r) => r.position));
  });

  it('keeps rows pending while another relay holds the lease', async () => {
    const storage = MemoryStorageAdapter.create();
    await applyGraph(storage, sampleTenant(freshTenant('lease')));
    await storage.tryAcquireLease('outbox-relay', 'other-relay', 60_000);
    expect(await relayOutbox(storage, sink)).toEqual({ published: 0, ranAsLeader: false });
    expect((await storage.outboxStats()).sent).toBe(0);
  });
});

describe('envelope consumer', () => {
  it('sends a poison message to the DLQ with its headers, retries a failing handler, and moves on', async () => {
    const topic = `authgraph.test.consumer-${randomBytes(4).toString('hex')}`;
    const storage = MemoryStorageAdapter.create();
    const tenantId = freshTenant('dlq');
    await applyGraph(storage, sampleTenant(tenantId));
    const good = ((await storage.pendingOutbox(1000)).map(messageOf)).slice(0, 3);
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    // One partition so the order below is the order the consumer sees.
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await producer.send({
      topic,
      acks: -1,
      messages: [
        { key: 'poison', value: '{"not": "an envelope"' },
        { key: good[0]!.key, value: good[0]!.payload },
        { key: good[1]!.key, value: good[1]!.payload },
        { key: good[0]!.key, value: good[0]!.payload }, // a redelivery: must have no second effect
        { key: good[2]!.key, value: good[2]!.payload },
      ],
    });
    await producer.disconnect();

    const handled: string[] = [];
    const attempts = new Map<string, number>();
    const failing = JSON.parse(good[1]!.payload).eventId as string;
    const consumer = new EnvelopeConsumer({
      kafka,
      groupId: `test-${randomBytes(4).toString('hex')}`,
      topics: [topic],
      retry: { tries: 3, initialBackoffMs: 10, maxBackoffMs: 40 },
      handle: async (envelope) => {
        attempts.set(envelope.eventId, (attempts.get(envelope.eventId) ?? 0) + 1);
        if (envelope.eventId === failing) throw new Error('scoring service rejected it');
        handled.push(envelope.eventId);
      },
    });
    await consumer.start();
    // The consumer created the DLQ topic on start; now read it.
    const dlq = await collect(kafka, [dlqTopic(topic)], () => true, (k) => k.length >= 2);
    const deadline = Date.now() + 20_000;
    while (handled.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await consumer.stop();
    await admin.deleteTopics({ topics: [topic, dlqTopic(topic)] }).catch(() => {});
    await admin.disconnect();

    expect(handled).toEqual([JSON.parse(good[0]!.payload).eventId, JSON.parse(good[2]!.payload).eventId]);
    expect(attempts.get(failing)).toBe(3);
    expect(dlq.map((m) => [m.key, m.headers[DLQ_HEADERS.originalTopic], m.headers[DLQ_HEADERS.retryCount]])).toEqual([
      ['poison', topic, '0'],
      [good[1]!.key, topic, '3'],
    ]);
    expect(dlq[0]!.headers[DLQ_HEADERS.errorMessage]).toContain('invalid envelope');
    expect(dlq[1]!.headers[DLQ_HEADERS.errorMessage]).toBe('scoring service rejected it');
  });
});
