import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { computeDrift } from '../../../src/drift/compute-drift.ts';
import { publishFindings } from '../../../src/drift/publish-findings.ts';
import { dataSchemaUri } from '../../../src/events/cloudevents.ts';
import type { CloudEventHeaders } from '../../../src/events/cloudevents.ts';
import { EnvelopeConsumer } from '../../../src/events/envelope-consumer.ts';
import { ENVELOPE_VERSION } from '../../../src/events/envelope.ts';
import type { Envelope } from '../../../src/events/envelope.ts';
import { KafkaSink, kafkaClient } from '../../../src/events/kafka-sink.ts';
import { relayOutbox } from '../../../src/events/outbox-relay.ts';
import { TOPICS } from '../../../src/events/topics.ts';
import { MemoryStorageAdapter } from '../../../src/storage/memory/MemoryStorageAdapter.ts';
import { publishedValidators } from '../../support/json-schemas.ts';
import { collect, topicEnds } from '../../support/kafka-collector.ts';
import { loadSampleHistory } from '../../support/sample-history.ts';
import { freshTenant } from '../../support/sample-tenant.ts';
import { kafkaBrokers } from '../../support/services.ts';

// What the relay really sends, read back from the broker: every message carries the CloudEvents
// Kafka headers (the required context and the content type, nothing the value repeats) and its
// value validates against the published JSON Schema of its kind and version.

const sink = new KafkaSink(kafkaClient(kafkaBrokers(), 'authgraph-test-ce-relay'));
const kafka = new Kafka({ clientId: 'authgraph-test-ce', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
afterAll(() => sink.close());

const ALL_TOPICS = [TOPICS.graphEvents, TOPICS.syncsCompleted, TOPICS.driftFindings];
const tenantOf = (value: string) => {
  try {
    return (JSON.parse(value) as { tenantId?: string }).tenantId;
  } catch {
    return undefined;
  }
};

describe('CloudEvents on Kafka', () => {
  const storage = MemoryStorageAdapter.create();
  const tenantId = freshTenant('ce');

  it('every message the relay sends (graph events, sync records, drift findings) carries ce_* headers and matches its schema', async () => {
    await loadSampleHistory(storage, tenantId);
    const report = await computeDrift(storage, tenantId, { since: 'sample-sync-1', until: 'sample-sync-3' });
    expect(await publishFindings(storage, report)).toBeGreaterThan(0);
    const pending = (await storage.outboxStats()).pending;
    const mark = await topicEnds(kafka, ALL_TOPICS);
    expect((await relayOutbox(storage, sink)).published).toBe(pending);

    const got = await collect(
      kafka,
      ALL_TOPICS,
      (m) => tenantOf(m.value) === tenantId,
      (k) => k.length >= pending,
      30_000,
      mark,
    );
    expect(got).toHaveLength(pending);
    expect(new Set(got.map((m) => m.topic))).toEqual(new Set(ALL_TOPICS));

    const validators = publishedValidators();
    const headerSchema = validators.get('urn:authgraph:schema:cloudevents-kafka-headers')!;
    for (const m of got) {
      expect(headerSchema(m.headers), JSON.stringify(headerSchema.errors)).toBe(true);
      const envelope = JSON.parse(m.value) as Envelope;
      expect(Object.keys(m.headers).sort()).toEqual(['ce_id', 'ce_source', 'ce_specversion', 'ce_type', 'content-type']);
      expect(m.headers.ce_id).toBe(envelope.eventId);
      expect(m.headers.ce_source).toBe(`/authgraph/tenants/${encodeURIComponent(tenantId)}/sources/${encodeURIComponent(envelope.sourceConnector)}`);
      expect(m.headers.ce_type!.split('.')[1]).toBe({ graph_event: 'graph', sync_completed: 'sync', drift_finding: 'drift' }[envelope.kind]);
      expect(envelope.schemaVersion).toBe(ENVELOPE_VERSION);
      const valueSchema = validators.get(dataSchemaUri(envelope.kind, envelope.schemaVersion));
      expect(valueSchema, envelope.kind).toBeDefined();
      expect(valueSchema!(envelope), JSON.stringify(valueSchema!.errors)).toBe(true);
    }
    const types = new Set(got.map((m) => m.headers.ce_type));
    expect(types).toContain('authgraph.sync.completed');
    expect(types).toContain('authgraph.graph.created');
    expect(types).toContain('authgraph.drift.scope_expanded');
  });

  it('a consumer reads the CloudEvents context of each message', async () => {
    const seen: { envelope: Envelope; ce: CloudEventHeaders | undefined }[] = [];
    const consumer = new EnvelopeConsumer({
      kafka,
      groupId: `test-ce-${randomBytes(4).toString('hex')}`,
      topics: [TOPICS.syncsCompleted],
      handle: async (envelope, context) => {
        if (envelope.tenantId === tenantId) seen.push({ envelope, ce: context.cloudEvent });
      },
    });
    await consumer.start();
    const deadline = Date.now() + 30_000;
    while (seen.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await consumer.stop();
    // Three sample syncs, three sync records, each with its context.
    expect(seen).toHaveLength(3);
    for (const { envelope, ce } of seen) {
      expect(ce).toMatchObject({
        ce_specversion: '1.0',
        ce_id: envelope.eventId,
        ce_type: 'authgraph.sync.completed',
        'content-type': 'application/json',
      });
    }
  });
});
