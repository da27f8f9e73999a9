import { afterAll, describe, expect, it } from 'vitest';
import { startDemoSources } from '../../../src/sync/demo-sources.ts';
import type { DemoSources } from '../../../src/sync/demo-sources.ts';
import { KafkaSink, kafkaClient } from '../../../src/events/kafka-sink.ts';
import type { MessageSink } from '../../../src/events/kafka-sink.ts';
import { OutboxRelayLoop } from '../../../src/events/outbox-relay.ts';
import { TOPICS } from '../../../src/events/topics.ts';
import type { OutboxMessage } from '../../../src/model/index.ts';
import { Metrics } from '../../../src/observability/metrics.ts';
import { startMetricsServer } from '../../../src/observability/metrics-server.ts';
import { MemoryStorageAdapter } from '../../../src/storage/memory/MemoryStorageAdapter.ts';
import { runTenantSync } from '../../../src/sync/run-tenant-sync.ts';
import { startApiServer } from '../../../src/api/server.ts';
import { ApiKeyStore, issueApiKey } from '../../../src/api/auth/api-keys.ts';
import { LEVEL, capturedLogger } from '../../support/log-capture.ts';
import { scrape, valueOf } from '../../support/prometheus.ts';
import { kafkaBrokers } from '../../support/services.ts';
import { messageOf } from '../../../src/events/outbox-messages.ts';

// What an operator sees: after a real sync (connectors over HTTP to the replay server, one source
// answering 429 twice) and a real relay run to Kafka, /metrics on the API and on the relay shows
// the counts that happened, and the logs carry tenant, connector, sync and request ids.

/** Sends through the real Kafka sink, except while `down`: then through a sink pointed at a closed port. */
class SwitchableSink implements MessageSink {
  down = true;
  constructor(
    private readonly up: MessageSink,
    private readonly unreachable: MessageSink,
  ) {}
  publish(messages: readonly OutboxMessage[]): Promise<void> {
    return (this.down ? this.unreachable : this.up).publish(messages);
  }
  async close(): Promise<void> {
    await this.up.close();
    await this.unreachable.close();
  }
}

const until = async (check: () => boolean | Promise<boolean>, ms = 30_000) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('metrics and logs after a sync and a relay run', () => {
  let sources: DemoSources | undefined;
  const storage = MemoryStorageAdapter.create();
  afterAll(async () => {
    await sources?.close();
    await storage.close();
  });

  it('the API /metrics counts the sync, its changes, source rate limits and API latency; logs carry the ids', async () => {
    sources = await startDemoSources();
    sources.server.inject('entra-id', 'happy-path', { path: '/v1.0/organization', kind: 'status', status: 429, retryAfter: 0, times: 2 });
    const metrics = new Metrics();
    metrics.observeOutbox(storage);
    const { log, records } = capturedLogger('info');

    const report = await runTenantSync(storage, sources.instances, { mode: 'full', log, metrics, drift: false });
    expect(report.outcomes.length).toBeGreaterThanOrEqual(2);
    expect(report.outcomes.every((o) => o.status === 'completed')).toBe(true);

    const keys = new ApiKeyStore();
    const { key, record } = issueApiKey({ tenantId: report.tenantId, role: 'reader' });
    keys.add(record);
    // A small bucket, so the test can run into the rate limit on purpose.
    const api = await startApiServer({ storage, keys, port: 0, log, metrics, playground: false, limits: { rateLimit: { perSecond: 0.5, burst: 8 } } });
    try {
      const ask = (query: string, apiKey?: string, requestId?: string) =>
        fetch(api.graphqlUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(apiKey ? { 'x-api-key': apiKey } : {}), ...(requestId ? { 'x-request-id': requestId } : {}) },
          body: JSON.stringify({ query }),
        });
      const ok = await ask('{ executionChains { totalCount } }', key, 'req-chains-1');
      expect(ok.status).toBe(200);
      expect(ok.headers.get('x-request-id')).toBe('req-chains-1');
      expect((await ask('{ executionChains { totalCount } }')).status).toBe(401);
      await ask('{ node(id: 1, nope: 2) { id } }', key);

      // Until the key's bucket is empty: each refusal is counted.
      let refused = 0;
      for (let i = 0; i < 12; i++) if ((await ask('{ executionChains { totalCount } }', key)).status === 429) refused++;
      expect(refused).toBeGreaterThan(0);

      const samples = await scrape(`${api.url}metrics`);
      expect(valueOf(samples, 'authgraph_api_rate_limit_refusals_total', { caller: 'key' })).toBe(refused);
      expect(valueOf(samples, 'authgraph_api_request_duration_seconds_count', { operation: 'rate_limited', status: '429' })).toBe(refused);
      for (const o of report.outcomes) {
        const connector = o.connectorId;
        expect(valueOf(samples, 'authgraph_syncs_total', { connector, outcome: 'completed' }), connector).toBe(1);
        expect(valueOf(samples, 'authgraph_sync_duration_seconds_count', { connector, outcome: 'completed' })).toBe(1);
        expect(valueOf(samples, 'authgraph_sync_entities_changed_total', { connector, kind: 'node', change: 'created' })).toBe(o.diff!.nodesCreated);
        expect(valueOf(samples, 'authgraph_sync_entities_changed_total', { connector, kind: 'edge', change: 'created' })).toBe(o.diff!.edgesCreated);
        expect(valueOf(samples, 'authgraph_events_written_total', { connector })).toBe(o.diff!.events);
      }
      expect(valueOf(samples, 'authgraph_source_rate_limit_refusals_total', { connector: 'entra-contoso' })).toBe(2);
      expect(valueOf(samples, 'authgraph_source_rate_limit_refusals_total', { connector: 'servicenow-contoso' })).toBe(0);
      expect(valueOf(samples, 'authgraph_api_request_duration_seconds_count', { operation: 'query.executionChains', status: '200' })).toBe(1 + 12 - refused);
      expect(valueOf(samples, 'authgraph_api_request_duration_seconds_count', { operation: 'unauthenticated', status: '401' })).toBe(1);
      const stats = await storage.outboxStats();
      expect(stats.pending).toBeGreaterThan(0);
      expect(valueOf(samples, 'authgraph_outbox_pending_messages')).toBe(stats.pending);
      expect(valueOf(samples, 'authgraph_outbox_oldest_pending_age_seconds')).toBeGreaterThanOrEqual(0);
    } finally {
      await api.close();
    }

    const logged = records();
    const retries = logged.filter((r) => r.msg.startsWith('retrying'));
    expect(retries).toHaveLength(2);
    expect(retries[0]).toMatchObject({
      level: LEVEL.warn,
      tenantId: report.tenantId,
      syncId: report.syncId,
      connectorId: 'entra-contoso',
      errorType: 'RATE_LIMITED',
      status: 429,
    });
    const done = logged.filter((r) => r.msg === 'connector sync completed');
    expect(done.map((r) => r.connectorId).sort()).toEqual(report.outcomes.map((o) => o.connectorId).sort());
    expect(done[0]).toMatchObject({ tenantId: report.tenantId, syncId: report.syncId });
    expect(logged.some((r) => r.msg === 'sync started' && r.tenantId === report.tenantId)).toBe(true);
    expect(logged.some((r) => r.phase === 'extract' && r.connectorId === 'servicenow-contoso')).toBe(true);
    const request = logged.find((r) => r.msg === 'graphql request' && r.requestId === 'req-chains-1');
    expect(request).toMatchObject({ tenantId: report.tenantId, operation: 'query.executionChains', status: 200 });
    const refused = logged.find((r) => r.msg === 'API request refused');
    expect(refused).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', tenantId: report.tenantId });
    expect(typeof refused!.requestId).toBe('string');
    // Nothing secret in any line: the fixture credentials never appear.
    expect(JSON.stringify(logged)).not.toMatch(/fixture-entra-secret|fixture-snow-password/);
  });

  it('the relay /metrics counts what it published per topic; its log says when Kafka was down and when it came back', async () => {
    const pending = (await storage.outboxStats()).pending;
    const pendingByTopic = new Map<string, number>();
    for (const m of (await storage.pendingOutbox(10_000)).map(messageOf)) pendingByTopic.set(m.topic, (pendingByTopic.get(m.topic) ?? 0) + 1);
    const metrics = new Metrics();
    metrics.observeOutbox(storage);
    const server = await startMetricsServer(metrics, { port: 0 });
    const { log, records } = capturedLogger('info');
    // Port 1 refuses connections: a real kafkajs client, really failing.
    const sink = new SwitchableSink(
      new KafkaSink(kafkaClient(kafkaBrokers(), 'authgraph-test-metrics')),
      new KafkaSink(kafkaClient(['127.0.0.1:1'], 'authgraph-test-down')),
    );
    const loop = new OutboxRelayLoop(storage, sink, { intervalMs: 100, log, metrics });
    try {
      loop.start();
      await until(async () => valueOf(await scrape(server.url), 'authgraph_relay_failures_total') >= 2);
      sink.down = false;
      await until(async () => (await storage.outboxStats()).pending === 0);
      await until(() => records().some((r) => r.msg.startsWith('relay recovered')));
    } finally {
      await loop.stop();
      await sink.close();
    }
    const samples = await scrape(server.url);
    await server.close();
    expect(valueOf(samples, 'authgraph_events_published_total')).toBe(pending);
    for (const topic of [TOPICS.graphEvents, TOPICS.syncsCompleted]) {
      expect(valueOf(samples, 'authgraph_events_published_total', { topic }), topic).toBe(pendingByTopic.get(topic));
    }
    expect(valueOf(samples, 'authgraph_outbox_pending_messages')).toBe(0);
    expect(valueOf(samples, 'authgraph_outbox_oldest_pending_age_seconds')).toBe(0);

    // Several failed ticks, one warning; then one recovery line.
    const states = records().filter((r) => r.level >= LEVEL.info && /^relay /.test(r.msg));
    expect(states.map((r) => [r.level, r.msg.split(':')[0]])).toEqual([
      [LEVEL.warn, 'relay cannot publish (Kafka or the store unreachable); rows stay in the outbox and are retried'],
      [LEVEL.info, 'relay recovered'],
    ]);
    expect(states[0]).toMatchObject({ pending, err: expect.objectContaining({ message: expect.any(String) }) });
  });
});
