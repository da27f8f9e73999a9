import { afterEach, describe, expect, it } from 'vitest';
import { findExecutionChains } from '../../../src/analysis/execution-chains.ts';
import { startDemoSources } from '../../../src/sync/demo-sources.ts';
import type { DemoSources } from '../../../src/sync/demo-sources.ts';
import { Envelope } from '../../../src/events/envelope.ts';
import { TOPICS } from '../../../src/events/topics.ts';
import { MemoryStorageAdapter } from '../../../src/storage/memory/MemoryStorageAdapter.ts';
import { runAuditLogSync } from '../../../src/sync/audit-log-sync.ts';
import { checkRetention } from '../../../src/sync/retention.ts';
import { runTenantSync } from '../../../src/sync/run-tenant-sync.ts';
import { messageOf } from '../../../src/events/outbox-messages.ts';

// The sync lifecycle end to end: real connectors over real HTTP (the replay server), the diff,
// and the embedded store. The same engine runs against Neo4j in the fault tests.

let sources: DemoSources | undefined;
afterEach(async () => {
  await sources?.close();
  sources = undefined;
});

const SP_NAME = 'ServiceNow Integration - Directory Sync';

describe('runTenantSync', () => {
  it('syncs the three connectors, joins the cross-system chains and queues every event in the outbox', async () => {
    sources = await startDemoSources();
    const storage = MemoryStorageAdapter.create();
    const report = await runTenantSync(storage, sources.instances, { mode: 'full', syncId: 'sync-a' });
    expect(report.outcomes.map((o) => [o.connectorId, o.status])).toEqual([
      ['entra-contoso', 'completed'],
      ['servicenow-contoso', 'completed'],
      ['github-contoso', 'completed'],
    ]);
    const sp = (await storage.getNodesByType('demo', 'identity')).find((n) => n.displayName === SP_NAME)!;
    const chains = await findExecutionChains(storage, 'demo', { to: sp.nodeId });
    expect(chains.map((c) => c.edges.map((e) => e.edgeType).join('>'))).toContain('CALLS>INVOKES>USES>AUTHENTICATES_AS');
    const events = await storage.queryEvents('demo', { limit: 10_000 });
    const pending = (await storage.pendingOutbox(10_000)).map(messageOf);
    // One outbox row per event plus one sync-completed notice per connector.
    expect(pending).toHaveLength(events.length + 3);
    const envelopes = pending.map((m) => Envelope.parse(JSON.parse(m.payload)));
    expect(envelopes.filter((e) => e.kind === 'sync_completed').map((e) => e.sourceConnector).sort()).toEqual(['entra-contoso', 'github-contoso', 'servicenow-contoso']);
    expect(new Set(pending.filter((m) => m.topic === TOPICS.graphEvents).map((m) => m.outboxId))).toEqual(new Set(events.map((e) => e.eventId)));
    const records = await storage.listSyncStates('demo');
    expect(records.map((r) => [r.syncId, r.status])).toEqual(expect.arrayContaining([['sync-a.entra-contoso', 'completed'], ['sync-a.servicenow-contoso', 'completed']]));
  });

  it('a second sync of the same snapshot produces no events', async () => {
    sources = await startDemoSources();
    const storage = MemoryStorageAdapter.create();
    await runTenantSync(storage, sources.instances, { mode: 'full', syncId: 'sync-1' });
    const before = await storage.queryEvents('demo', { limit: 10_000 });
    const second = await runTenantSync(storage, sources.instances, { mode: 'full', syncId: 'sync-2' });
    expect(second.outcomes.map((o) => o.diff?.events)).toEqual([0, 0, 0]);
    expect(await storage.queryEvents('demo', { limit: 10_000 })).toHaveLength(before.length);
  });

  it('a connector that fails leaves its stored graph untouched and records the failure', async () => {
    sources = await startDemoSources();
    const storage = MemoryStorageAdapter.create();
    await runTenantSync(storage, sources.instances, { mode: 'full', syncId: 'good' });
    const entraBefore = await storage.getGraphForConnector('demo', 'entra-contoso');
    await sources.close();
    sources = await startDemoSources({ env: { ENTRA_CLIENT_SECRET: 'wrong-secret' } });
    const report = await runTenantSync(storage, sources.instances, { mode: 'full', syncId: 'bad-secret' });
    const entra = report.outcomes.find((o) => o.connectorId === 'entra-contoso')!;
    expect(entra.status).toBe('failed');
    expect(entra.error?.type).toBe('AUTH_FAILURE');
    // ServiceNow itself extracted fine, but its cross-system edges could not be checked against
    // Entra this time: those deletions are withheld, which makes the record partial.
    const snow = report.outcomes.find((o) => o.connectorId === 'servicenow-contoso')!;
    expect(snow.status).toBe('partial');
    expect(snow.diff?.deletionsWithheld).toContain('edge:AUTHENTICATES_AS:incomplete_extraction');
    expect(snow.diff?.events).toBe(0);
    const entraAfter = await storage.getGraphForConnector('demo', 'entra-contoso');
    expect(entraAfter.nodes).toEqual(entraBefore.nodes);
    expect(entraAfter.edges).toEqual(entraBefore.edges);
    const [record] = await storage.listSyncStates('demo', { connectorId: 'entra-contoso', limit: 1 });
    expect(record).toMatchObject({ syncId: 'bad-secret.entra-contoso', status: 'failed' });
    expect((await storage.lastCompletedSync('demo', 'entra-contoso'))?.syncId).toBe('good.entra-contoso');
    // The failure is announced too, and the secret itself appears nowhere.
    const failedNotice = ((await storage.pendingOutbox(10_000)).map(messageOf)).find((m) => m.batchId === 'bad-secret.entra-contoso');
    expect(JSON.parse(failedNotice!.payload).sync.status).toBe('failed');
    expect(JSON.stringify((await storage.pendingOutbox(10_000)).map(messageOf))).not.toContain('wrong-secret');
  });

  it('never runs one connector instance twice at once', async () => {
    sources = await startDemoSources();
    const storage = MemoryStorageAdapter.create();
    expect(await storage.tryAcquireLease('sync:demo:entra-contoso', 'someone-else', 60_000)).toBe(true);
    const report = await runTenantSync(storage, sources.instances, { mode: 'full', syncId: 'overlap' });
    expect(report.outcomes.find((o) => o.connectorId === 'entra-contoso')).toMatchObject({ status: 'skipped', error: { type: 'ALREADY_RUNNING' } });
    expect(report.outcomes.find((o) => o.connectorId === 'servicenow-contoso')?.status).toBe('completed');
    expect(await storage.getGraphForConnector('demo', 'entra-contoso')).toMatchObject({ nodes: [] });
  });

  it('a sync that exceeds its timeout is recorded failed and writes no graph', async () => {
    sources = await startDemoSources();
    const storage = MemoryStorageAdapter.create();
    const report = await runTenantSync(storage, sources.instances, { mode: 'full', syncId: 'slow', timeoutMs: 1 });
    expect(report.outcomes.map((o) => [o.status, o.error?.type])).toEqual([
      ['failed', 'TIMEOUT'],
      ['failed', 'TIMEOUT'],
      ['failed', 'TIMEOUT'],
    ]);
    expect((await storage.listNodes('demo', { first: 1 })).nodes).toEqual([]);
  });

  it('incremental sync applies only the delta and stores the next delta token', async () => {
    sources = await startDemoSources();
    const storage = MemoryStorageAdapter.create();
    await runTenantSync(storage, sources.instances, { mode: 'full', syncId: 'base' });
    const first = await runTenantSync(storage, sources.instances, { mode: 'incremental', syncId: 'inc-1' });
    const entra1 = first.outcomes.find((o) => o.connectorId === 'entra-contoso')!;
    expect(entra1.stats?.incremental).toBe(true);
    expect(entra1.diff?.nodesDeleted).toBe(0);
    const token = (await storage.lastCompletedSync('demo', 'entra-contoso'))?.deltaToken;
    expect(token).toBeTruthy();
    const second = await runTenantSync(storage, sources.instances, { mode: 'incremental', syncId: 'inc-2' });
    const entra2 = second.outcomes.find((o) => o.connectorId === 'entra-contoso')!;
    // The fixture's second delta round removes one service principal and renames another.
    expect(entra2.diff?.nodesDeleted).toBe(1);
    expect(entra2.diff?.nodesUpdated).toBeGreaterThanOrEqual(1);
    const deleted = await storage.queryEvents('demo', { syncId: 'inc-2.entra-contoso', eventType: 'deleted' });
    expect(deleted.map((e) => e.entityId)).toEqual([expect.stringContaining('9e0f1a2b-3c4d-4e5f-8a6b-7c8d9e0f1a2b')]);
    // ServiceNow has no delta API: it ran a full extraction and nothing changed.
    expect(second.outcomes.find((o) => o.connectorId === 'servicenow-contoso')?.diff?.events).toBe(0);
    // GitHub asked every URL of its last read with If-None-Match: all 304, an empty delta.
    const github = second.outcomes.find((o) => o.connectorId === 'github-contoso')!;
    expect(github.stats).toMatchObject({ incremental: true, status: "completed" });
    expect(github.diff?.events).toBe(0);
    const conditional = sources.server.requestsFor('github', 'happy-path').filter((r) => r.status === 304);
    expect(conditional.length).toBeGreaterThan(40);
    expect(sources.server.requestsFor('github', 'happy-path').filter((r) => r.at >= conditional[0]!.at && r.status === 200 && r.path !== '/orgs/contoso')).toEqual([]);
  });
});

describe('audit-log sync', () => {
  it('takes a baseline first, then turns audit records into events and advances the cursor', async () => {
    sources = await startDemoSources();
    const storage = MemoryStorageAdapter.create();
    const entra = sources.instances.filter((i) => i.config.connectorId === 'entra-contoso');
    const first = await runAuditLogSync(storage, entra, { syncId: 'audit-1' });
    expect(first.outcomes[0]).toMatchObject({ status: 'completed', syncId: 'audit-1-baseline.entra-contoso' });
    // Pretend the baseline was taken on 1 November, so the fixture's audit records come after it.
    const baseline = (await storage.lastCompletedSync('demo', 'entra-contoso'))!;
    await storage.saveSyncState('demo', { ...baseline, completedAt: '2026-11-01T00:00:00.000Z' });
    const second = await runAuditLogSync(storage, entra, { syncId: 'audit-2' });
    expect(second.outcomes[0]?.status).toBe('completed');
    const events = await storage.queryEvents('demo', { syncId: 'audit-2.entra-contoso' });
    expect(events.map((e) => e.eventType).sort()).toEqual(['credential_created', 'permission_granted', 'status_changed']);
    const record = await storage.lastCompletedSync('demo', 'entra-contoso');
    expect(record?.mode).toBe('audit_log');
    expect((record?.cursor as { cursorState: { lastActivityDatetime: string } }).cursorState.lastActivityDatetime).toBe('2026-11-21T10:00:00.000Z');
    // The cursor is inclusive: the same records again are the same events, stored once.
    await runAuditLogSync(storage, entra, { syncId: 'audit-3' });
    const all = await storage.queryEvents('demo', { limit: 10_000, eventType: 'permission_granted' });
    expect(new Set(all.map((e) => e.eventId)).size).toBe(all.length);
  });

  it('refuses a cursor beyond the retention window and takes a protective baseline near it', async () => {
    sources = await startDemoSources();
    const storage = MemoryStorageAdapter.create();
    const entra = sources.instances.filter((i) => i.config.connectorId === 'entra-contoso');
    await runAuditLogSync(storage, entra, { syncId: 'b' });
    const day = 86_400_000;
    expect((await checkRetention(storage, entra[0]!, new Date(Date.now() + 10 * day))).action).toBe('none');
    expect((await checkRetention(storage, entra[0]!, new Date(Date.now() + 85 * day))).action).toBe('protective_baseline');
    expect((await checkRetention(storage, entra[0]!, new Date(Date.now() + 91 * day))).action).toBe('baseline_required');
    const late = await runAuditLogSync(storage, entra, { syncId: 'late', now: () => new Date(Date.now() + 91 * day) });
    expect(late.outcomes[0]?.syncId).toBe('late-baseline.entra-contoso');
  });
});
