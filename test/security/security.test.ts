import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorSyncLauncher } from '../../src/api/sync-launcher.ts';
import { AuditEnvelope } from '../../src/audit/audit-envelope.ts';
import { startDemoSources } from '../../src/sync/demo-sources.ts';
import type { DemoSources } from '../../src/sync/demo-sources.ts';
import { KafkaSink, kafkaClient } from '../../src/events/kafka-sink.ts';
import { relayOutbox } from '../../src/events/outbox-relay.ts';
import { TOPICS } from '../../src/events/topics.ts';
import { MAX_JSON_DEPTH, makeEdgeId } from '../../src/model/index.ts';
import { MemoryStorageAdapter } from '../../src/storage/memory/MemoryStorageAdapter.ts';
import { syncLeaseKey } from '../../src/sync/run-tenant-sync.ts';
import type { StorageAdapter } from '../../src/storage/StorageAdapter.ts';
import { applyGraph } from '../../src/sync/apply-graph.ts';
import { syntheticTenant } from '../../bench/synthetic/tenant.ts';
import { codesOf, postGraphQL, startTestApi } from '../integration/api/support.ts';
import type { TestApi } from '../integration/api/support.ts';
import { collect } from '../support/kafka-collector.ts';
import { SAMPLE_IDS, freshTenant, sampleTenant } from '../support/sample-tenant.ts';
import { kafkaBrokers } from '../support/services.ts';
import { fanOutDocument, nested, rawRequest, runCli } from './probes.ts';
import { SECURITY_STORES } from './stores.ts';

// The hostile-client pass of issue 13 as tests: each probe over HTTP (the real server) and the CLI
// (a real process), on every store in stores.ts. OWASP GraphQL cheat sheet items covered: query
// depth and cost (fragments included), amplification by aliases, batching, timeouts, rate limits,
// input validation (depth, secrets, ids), error masking, and who may read what (roles, audit).

const AUDIT_QUERY = `query($after: String) { auditRecords(first: 50, after: $after) { edges { cursor node { id eventType source severity serviceName conversationId traceId idempotencyKey businessKeys extra occurredAt } } pageInfo { hasNextPage endCursor } } }`;

describe.each(SECURITY_STORES)('security probes: $name store', (store) => {
  let storage: StorageAdapter;
  let api: TestApi;
  const tenantId = freshTenant('sec');
  const gql = (query: string, variables: Record<string, unknown> = {}, role: 'reader' | 'operator' | 'admin' = 'reader') =>
    postGraphQL(api.server.graphqlUrl, query, variables, api.key(tenantId, role));
  const auditRecords = async () => {
    const r = await gql(AUDIT_QUERY, {}, 'admin');
    expect(r.body.errors).toBeUndefined();
    return r.body.data!.auditRecords.edges.map((e: { node: Record<string, unknown> }) => e.node) as Record<string, any>[];
  };

  beforeAll(async () => {
    storage = await store.open();
    await applyGraph(storage, sampleTenant(tenantId));
    api = await startTestApi(storage);
  });
  afterAll(async () => {
    await api?.close();
    await storage?.close();
  });

  describe('limits that cost what they check', () => {
    it('refuses a 30-level fragment fan-out as too complex, and /healthz answers', async () => {
      const r = await gql(fanOutDocument(30));
      expect(codesOf(r)).toEqual(['QUERY_TOO_COMPLEX']);
      expect(r.body.errors![0]!.message).toMatch(/query cost \d+ exceeds/);
      expect((await rawRequest(`${api.server.url}healthz`)).status).toBe(200);
    });

    it('refuses spread floods, deep selections and aliased heavy fields; batching is off', async () => {
      expect(codesOf(await gql(`{ ${Array.from({ length: 600 }, () => '...V').join(' ')} } fragment V on Query { viewer { role } }`))).toEqual(['QUERY_TOO_COMPLEX']);
      const deep = `{ node(id: "x") { ${'edges(first: 1) { target { '.repeat(6)}id${' } }'.repeat(6)} } }`;
      expect(codesOf(await gql(deep))).toEqual(['QUERY_TOO_COMPLEX']);
      const drifts = Array.from({ length: 6 }, (_, i) => `d${i}: drift(since: "1970-01-01T00:00:00Z") { since }`).join(' ');
      expect(codesOf(await gql(`{ ${drifts} }`))).toEqual(['QUERY_TOO_COMPLEX']);
      const batch = await rawRequest(api.server.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': api.key(tenantId, 'reader') },
        body: JSON.stringify([{ query: '{ viewer { role } }' }, { query: '{ viewer { role } }' }]),
      });
      expect(batch.status).toBe(400);
    });

    it('the refusal is in the audit trail, with the caller and the reason', async () => {
      await gql(fanOutDocument(30));
      const refused = (await auditRecords()).filter((r) => r.eventType === 'QUERY_REFUSED_COST');
      expect(refused.length).toBeGreaterThan(0);
      expect(refused[0]).toMatchObject({ source: 'API', severity: 'WARN', businessKeys: { keyId: expect.any(String), role: 'reader' } });
    });
  });

  describe('depth caps on data', () => {
    it('refuses a JSON input nested deeper than the cap with its field path, and 50,000 levels without harm', async () => {
      const q = `query($f: NodeFilter) { nodes(filter: $f) { edges { cursor } } }`;
      const over = await gql(q, { f: { properties: { x: nested(MAX_JSON_DEPTH + 1) } } });
      expect(codesOf(over)).toEqual(['BAD_USER_INPUT']);
      expect(over.body.errors![0]!.message).toMatch(/\.properties\.x(\.a)+: nested more than 32 levels/);
      expect(codesOf(await gql(q, { f: { properties: { x: nested(3) } } }))).toEqual([]);
      // Sent as text: JSON.stringify itself cannot go 50,000 levels deep.
      const huge = await rawRequest(api.server.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': api.key(tenantId, 'reader') },
        body: `{"query":${JSON.stringify(q)},"variables":{"f":{"properties":{"x":${'['.repeat(50_000)}1${']'.repeat(50_000)}}}}}`,
      });
      expect(huge.status).toBe(400);
      expect(JSON.parse(huge.body).errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(huge.body).not.toMatch(/stack|INTERNAL/i);
      expect((await gql('{ viewer { role } }')).body.data).toEqual({ viewer: { role: 'reader' } });
    });
  });

  describe('rate and concurrency', () => {
    it('rate-limits per key with 429 and Retry-After; another key is unaffected; the refusal is audited once', async () => {
      const limited = await startTestApi(storage, { rateLimit: { perSecond: 0.5, burst: 3 } });
      try {
        const call = (role: 'reader' | 'admin') => postGraphQL(limited.server.graphqlUrl, '{ viewer { role } }', {}, limited.key(tenantId, role));
        for (let i = 0; i < 3; i++) expect((await call('reader')).status).toBe(200);
        const refused = await rawRequest(limited.server.graphqlUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': limited.key(tenantId, 'reader') },
          body: JSON.stringify({ query: '{ viewer { role } }' }),
        });
        expect(refused.status).toBe(429);
        expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        expect(JSON.parse(refused.body).errors[0].extensions.code).toBe('RATE_LIMITED');
        await call('reader');
        expect((await call('admin')).status).toBe(200);
        const audited = (await auditRecords()).filter((r) => r.eventType === 'QUERY_REFUSED_RATE' && r.businessKeys.role === 'reader');
        expect(audited).toHaveLength(1);
      } finally {
        await limited.close();
      }
    });

    it('caps the expensive fields one key runs at once', async () => {
      const capped = await startTestApi(storage, { maxConcurrentHeavyPerKey: 1 });
      try {
        const r = await postGraphQL(
          capped.server.graphqlUrl,
          `query($to: ID!) { a: executionChains(to: $to) { totalCount } b: executionChains(to: $to, maxDepth: 7) { totalCount } }`,
          { to: SAMPLE_IDS.graphPrincipal },
          capped.key(tenantId, 'reader'),
        );
        expect(codesOf(r)).toEqual(['RATE_LIMITED']);
        expect(r.body.errors![0]!.message).toMatch(/already runs 1 expensive/);
      } finally {
        await capped.close();
      }
      expect((await auditRecords()).some((x) => x.eventType === 'QUERY_REFUSED_CONCURRENCY')).toBe(true);
    });

    it('a drift over all history gets TIMEOUT at its deadline while /healthz keeps answering', async () => {
      const big = freshTenant('sec-drift');
      // Work several times the deadline on a free machine too (3k nodes finished inside 300 ms in memory).
      await applyGraph(storage, syntheticTenant({ nodes: 10_000, tenantId: big }));
      const timed = await startTestApi(storage, { queryTimeoutMs: 150 });
      try {
        const healthz: number[] = [];
        let answered = false;
        const drift = postGraphQL(timed.server.graphqlUrl, `{ drift(since: "1970-01-01T00:00:00Z") { examined { events } } }`, {}, timed.key(big, 'reader')).finally(
          () => (answered = true),
        );
        let healthzBeforeAnswer = 0;
        while (!answered) {
          const status = (await rawRequest(`${timed.server.url}healthz`)).status;
          healthz.push(status);
          if (!answered) healthzBeforeAnswer++;
        }
        const r = await drift;
        expect(codesOf(r)).toEqual(['TIMEOUT']);
        expect(healthz.every((s) => s === 200)).toBe(true);
        expect(healthzBeforeAnswer).toBeGreaterThan(0);
      } finally {
        await timed.close();
      }
    });
  });

  describe('the demo key stays home', () => {
    it('answers only the Host names it serves; the playground page carries no key', async () => {
      const page = await rawRequest(api.server.url, { headers: { host: 'localhost' } });
      expect(page.status).toBe(200);
      expect(page.body).not.toMatch(/agk_|apiKey/);
      const rebound = await rawRequest(api.server.url, { headers: { host: 'evil.example' } });
      expect(rebound.status).toBe(421);
      const api2 = await rawRequest(api.server.graphqlUrl, {
        method: 'POST',
        headers: { host: 'evil.example:4000', 'content-type': 'application/json', 'x-api-key': api.key(tenantId, 'reader') },
        body: JSON.stringify({ query: '{ viewer { role } }' }),
      });
      expect(api2.status).toBe(421);
      expect(api2.body).not.toContain('reader');
    });
  });

  describe('triggerSync', () => {
    let sources: DemoSources;
    beforeAll(async () => {
      sources = await startDemoSources();
    });
    afterAll(() => sources?.close());

    it('returns a run id only for a run that starts: CONFLICT while another run holds the instance', async () => {
      const tenant = freshTenant('sec-sync');
      const instances = sources.instances.map((i) => ({ ...i, config: { ...i.config, tenantId: tenant } }));
      const connectorId = instances[0]!.config.connectorId;
      const syncing = await startTestApi(storage, undefined, (s) => connectorSyncLauncher(s, instances, () => {}));
      try {
        expect(await storage.tryAcquireLease(syncLeaseKey(tenant, connectorId), 'another-process', 60_000)).toBe(true);
        const r = await postGraphQL(syncing.server.graphqlUrl, `mutation($id: ID!) { triggerSync(connectorId: $id) { runId } }`, { id: connectorId }, syncing.key(tenant, 'operator'));
        expect(codesOf(r)).toEqual(['CONFLICT']);
        expect(r.body.data ?? null).toBeNull();
        expect(await storage.listSyncStates(tenant, { connectorId })).toEqual([]);
        const audit = await postGraphQL(syncing.server.graphqlUrl, AUDIT_QUERY, {}, syncing.key(tenant, 'admin'));
        expect(audit.body.data!.auditRecords.edges.map((e: any) => e.node.eventType)).toEqual(['SYNC_TRIGGER_REFUSED']);
      } finally {
        await storage.releaseLease(syncLeaseKey(tenant, connectorId), 'another-process');
        await syncing.close();
      }
    });
  });

  describe('its own audit trail', () => {
    it('records packs, refused keys and failed role checks; admins list them, readers cannot; no secret inside', async () => {
      const pack = await gql(`query($id: ID!) { evidencePack(identityId: $id) }`, { id: SAMPLE_IDS.graphPrincipal }, 'operator');
      expect(pack.body.errors).toBeUndefined();
      expect(codesOf(await gql(AUDIT_QUERY))).toEqual(['FORBIDDEN']);
      const adminKey = api.key(tenantId, 'admin');
      const forged = `${adminKey.slice(0, adminKey.lastIndexOf('_') + 1)}${'x'.repeat(43)}`;
      expect(codesOf(await postGraphQL(api.server.graphqlUrl, '{ viewer { role } }', {}, forged))).toEqual(['UNAUTHENTICATED']);

      const records = await auditRecords();
      const types = records.map((r) => r.eventType);
      expect(types).toEqual(expect.arrayContaining(['EVIDENCE_PACK_PRODUCED', 'ROLE_CHECK_FAILED', 'API_KEY_REFUSED']));
      for (const r of records) expect(() => AuditEnvelope.parse({ ...r, schemaVersion: 1, kind: 'audit', eventId: r.id, tenantId })).not.toThrow();
      const produced = records.find((r) => r.eventType === 'EVIDENCE_PACK_PRODUCED')!;
      expect(produced.businessKeys).toMatchObject({ identityId: SAMPLE_IDS.graphPrincipal });
      const refusedKey = records.find((r) => r.eventType === 'API_KEY_REFUSED')!;
      expect(refusedKey.businessKeys.keyId).toBe(/^agk_([a-z0-9]+)_/.exec(adminKey)![1]);
      const text = JSON.stringify(records);
      // The whole secret part (base64url, so it may hold '_' itself: the text after the last '_' can be a letter or two).
      for (const role of ['reader', 'operator', 'admin'] as const) expect(text).not.toContain(/^agk_[a-z0-9]+_(.+)$/.exec(api.key(tenantId, role))![1]);
      expect(text).not.toContain('x'.repeat(43));
      // Newest first, and the cursor pages on without repeats.
      expect([...records].sort((a, b) => b.occurredAt.localeCompare(a.occurredAt)).map((r) => r.occurredAt)).toEqual(records.map((r) => r.occurredAt));
    });
  });

  // Each CLI command is its own process: a store that lives in one process (memory) has no CLI row.
  if (store.cliEnv) describe('the CLI', () => {
    let env: Record<string, string>;
    let dir: string;
    const graphFile = (name: string, graph: unknown) => {
      const file = join(dir, name);
      writeFileSync(file, JSON.stringify(graph));
      return file;
    };
    beforeAll(() => {
      env = store.cliEnv!();
      dir = mkdtempSync(join(tmpdir(), 'authgraph-security-cli-'));
    });

    it('load refuses a property nested 50,000 deep with its path, without a stack overflow', async () => {
      const graph = sampleTenant(freshTenant('sec-cli'));
      (graph.nodes[0]!.properties as Record<string, unknown>).deep = 'DEEP';
      // Written as text: JSON.stringify itself cannot go 50,000 levels deep.
      const file = join(dir, 'deep.json');
      writeFileSync(file, JSON.stringify(graph).replace('"DEEP"', `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`));
      const r = await runCli(['load', file], env);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/nodes\[0\]\.properties\.deep(\.a)+: nested more than 32 levels/);
      expect(r.stderr).not.toMatch(/Maximum call stack/);
    });

    it('load refuses secrets by name and by value, and ids that do not match their parts', async () => {
      const graph = sampleTenant(freshTenant('sec-cli'));
      const props = graph.nodes[0]!.properties as Record<string, unknown>;
      props.sharedAccessKey = 'abc';
      props.connection = 'Server=db;User Id=sa;Password=hunter2';
      props.tokenEndpoint = 'https://login.example.com/token';
      const edge = graph.edges[0]!;
      graph.edges[0] = { ...edge, targetNodeId: SAMPLE_IDS.bob };
      const r = await runCli(['load', graphFile('bad.json', graph)], env);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('nodes[0].properties.sharedAccessKey');
      expect(r.stderr).toMatch(/nodes\[0\]\.properties\.connection: .*connection string/);
      expect(r.stderr).not.toContain('tokenEndpoint');
      expect(r.stderr).toMatch(/edges\[0\]\.edgeId: edgeId .* does not match its parts/);
      expect(r.stderr).not.toContain('hunter2');
      expect(makeEdgeId(edge.edgeType, edge.sourceNodeId, edge.targetNodeId)).toBe(edge.edgeId);
    });

    it('sync --config and serve --connectors refuse a bad cron and an inline secret at any depth, naming the field', async () => {
      const config = (entry: Record<string, unknown>) => {
        const file = join(dir, `connectors-${Math.random().toString(36).slice(2)}.json`);
        writeFileSync(file, JSON.stringify({ tenantId: 't', connectors: [{ connectorId: 'sn', type: 'servicenow', credentials: { type: 'oauth2_client_credentials' }, ...entry }] }));
        return file;
      };
      const badCron = config({ schedule: '61 * * * *' });
      for (const args of [['sync', '--config', badCron], ['serve', '--port', '0', '--connectors', badCron]]) {
        const r = await runCli(args, env);
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(/connectors\[0\]\.schedule: invalid cron schedule "61 \* \* \* \*"/);
      }
      const inline = await runCli(['sync', '--config', config({ sourceConfig: { proxy: { auth: { passphrase: 'p4ss' } } } })], env);
      expect(inline.code).toBe(1);
      expect(inline.stderr).toContain('connectors[0].sourceConfig.proxy.auth.passphrase');
      expect(inline.stderr).not.toContain('p4ss');
    });

    it('export writes an audit record authgraph audit lists; piped to a reader that left, it exits quietly', async () => {
      const tenant = freshTenant('sec-cli');
      expect((await runCli(['load', graphFile('sample.json', sampleTenant(tenant))], env)).code).toBe(0);
      const out = join(dir, 'pack');
      const exported = await runCli(['export', 'evidence', '--tenant', tenant, '--identity', SAMPLE_IDS.graphPrincipal, '--out', out], env);
      expect(exported.code).toBe(0);
      const listed = await runCli(['audit', '--tenant', tenant, '--json'], env);
      expect(listed.code).toBe(0);
      const records = (JSON.parse(listed.stdout) as unknown[]).map((r) => AuditEnvelope.parse(r));
      expect(records.map((r) => [r.eventType, r.source, r.businessKeys.identityId])).toEqual([['EXPORT_WRITTEN', 'CLI', SAMPLE_IDS.graphPrincipal]]);
      const piped = await runCli(['events', '--tenant', tenant, '--limit', '100'], env, { closeStdout: true });
      expect(piped.code).toBe(0);
      expect(piped.stderr).not.toMatch(/EPIPE/);
    });
  });
});

describe('audit records through the outbox to Kafka', () => {
  it('reach authgraph.audit.all keyed by tenant, as canonical envelopes', async () => {
    const storage = MemoryStorageAdapter.create();
    const tenantId = freshTenant('sec-kafka');
    await applyGraph(storage, sampleTenant(tenantId));
    const api = await startTestApi(storage);
    const sink = new KafkaSink(kafkaClient(kafkaBrokers(), 'authgraph-test-audit'));
    try {
      await postGraphQL(api.server.graphqlUrl, `query($id: ID!) { evidencePack(identityId: $id) }`, { id: SAMPLE_IDS.graphPrincipal }, api.key(tenantId, 'operator'));
      await relayOutbox(storage, sink);
      const kafka = new Kafka({ clientId: 'authgraph-test', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
      const got = await collect(kafka, [TOPICS.audit], (m) => m.key === tenantId, (kept) => kept.length >= 1);
      expect(got).toHaveLength(1);
      const envelope = AuditEnvelope.parse(JSON.parse(got[0]!.value));
      expect(envelope).toMatchObject({ tenantId, eventType: 'EVIDENCE_PACK_PRODUCED', source: 'API' });
      expect(got[0]!.headers['x-idempotency-key']).toBe(envelope.idempotencyKey);
    } finally {
      await sink.close();
      await api.close();
    }
  });
});
