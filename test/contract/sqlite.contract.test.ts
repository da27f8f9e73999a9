import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { mutateTenant, syntheticTenant } from '../../bench/synthetic/tenant.ts';
import { calledOnlyStarts } from '../../src/analysis/entry-points.ts';
import { StoreBusyError } from '../../src/storage/sqlite/busy.ts';
import { preparePostureStatements } from '../../src/storage/sqlite/posture-graph.ts';
import { SCHEMA_VERSION } from '../../src/storage/sqlite/schema.ts';
import { SqliteStorageAdapter } from '../../src/storage/sqlite/SqliteStorageAdapter.ts';
import { applyGraph } from '../../src/sync/apply-graph.ts';
import { freshTenant, sampleTenant } from '../support/sample-tenant.ts';
import { defineStorageAdapterContract } from './storage-adapter.contract.ts';

const tempDb = () => join(mkdtempSync(join(tmpdir(), 'authgraph-sqlite-')), 'nested', 'authgraph.db');

defineStorageAdapterContract('sqlite', { setup: async () => SqliteStorageAdapter.open({ filePath: tempDb() }) });

describe('sqlite adapter', () => {
  it('creates its file owner-only, and keeps state, history and records across reopenings', async () => {
    const filePath = tempDb();
    const tenantId = freshTenant();
    const first = SqliteStorageAdapter.open({ filePath });
    expect(statSync(filePath).mode & 0o777).toBe(0o600);
    const graph = sampleTenant(tenantId);
    const result = await applyGraph(first, graph);
    await first.close();
    const second = SqliteStorageAdapter.open({ filePath });
    expect((await second.getGraphForConnector(tenantId, graph.connectorId)).nodes).toHaveLength(graph.nodes.length);
    expect(await second.queryEvents(tenantId, { limit: 1000 })).toHaveLength(result.events.length);
    expect((await applyGraph(second, { ...graph, syncId: 'again', transformedAt: '2026-02-01T00:00:00.000Z' })).events).toEqual([]);
    expect((await second.lastCompletedSync(tenantId, graph.connectorId))?.syncId).toBe('again');
    await second.close();
  });

  it('upgrades a version 1 file: its events and pending messages stay, new syncs publish from event rows', async () => {
    const filePath = tempDb();
    const tenantId = freshTenant();
    const graph = sampleTenant(tenantId);
    const first = SqliteStorageAdapter.open({ filePath });
    const loaded = await applyGraph(first, graph);
    await first.close();
    // Make the file what version 1 wrote: no outbox columns on events, its events' messages in the outbox table.
    const raw = new Database(filePath);
    raw.exec(`UPDATE events SET outbox_at = NULL, outbox_position = NULL; DROP INDEX events_unsent;
      ALTER TABLE events DROP COLUMN outbox_at; ALTER TABLE events DROP COLUMN outbox_position; ALTER TABLE events DROP COLUMN sent_at;
      UPDATE meta SET value = '1' WHERE key = 'schema_version'; DELETE FROM meta WHERE key = 'events_sent'`);
    expect(raw.prepare('SELECT name FROM pragma_table_info(?)').all('events').map((c) => (c as { name: string }).name)).not.toContain('outbox_at');
    raw.close();

    const upgraded = SqliteStorageAdapter.open({ filePath });
    expect(await upgraded.queryEvents(tenantId, { limit: 1000 })).toHaveLength(loaded.events.length);
    const pendingNotice = await upgraded.pendingOutbox(100, tenantId);
    expect(pendingNotice.map((m) => m.batchId)).toEqual([graph.syncId]);
    const renamed = { ...graph, syncId: 's-2', transformedAt: '2026-02-01T00:00:00.000Z', nodes: graph.nodes.map((n, i) => (i === 0 ? { ...n, displayName: 'renamed' } : n)) };
    const next = await applyGraph(upgraded, renamed);
    const pending = await upgraded.pendingOutbox(100, tenantId);
    expect(pending.map((m) => m.outboxId)).toEqual([pendingNotice[0]!.outboxId, ...next.events.map((e) => e.eventId), pending.at(-1)!.outboxId]);
    await upgraded.close();
    const version = new Database(filePath, { readonly: true });
    expect(version.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).get()).toEqual({ value: String(SCHEMA_VERSION) });
    version.close();
  });

  it('upgrades a version 2 file: the posture walk gets its partial indexes, reads its edges from them alone, and counts the same', async () => {
    const filePath = tempDb();
    const tenantId = freshTenant('posture-upgrade');
    const first = SqliteStorageAdapter.open({ filePath });
    const graph = syntheticTenant({ nodes: 2_000, seed: 3, tenantId, connectorId: 'synthetic', syncId: 'syn-1', transformedAt: '2026-01-10T00:00:00.000Z' });
    await applyGraph(first, graph);
    await applyGraph(first, { ...mutateTenant(graph, 0.05, 4, 'syn-2'), transformedAt: '2026-01-20T00:00:00.000Z' });
    const now = '2026-02-01T00:00:00.000Z';
    const query = { calledOnly: calledOnlyStarts(), now, expiringBefore: '2026-03-01T00:00:00.000Z', top: 5 };
    const asOf = { asOf: '2026-01-15T00:00:00.000Z' };
    const before = [await first.postureCounts(tenantId, query), await first.postureCounts(tenantId, query, asOf)];
    expect(before[0]!.chainsByKind.authenticates_as).toBeGreaterThan(10);
    expect(before[1]).not.toEqual(before[0]);
    await first.close();
    // Make the file what version 2 wrote: no posture indexes.
    const raw = new Database(filePath);
    raw.exec(`DROP INDEX edges_posture; DROP INDEX edge_history_posture; UPDATE meta SET value = '2' WHERE key = 'schema_version'`);
    raw.close();

    const upgraded = SqliteStorageAdapter.open({ filePath });
    expect([await upgraded.postureCounts(tenantId, query), await upgraded.postureCounts(tenantId, query, asOf)]).toEqual(before);
    await upgraded.close();
    const db = new Database(filePath, { readonly: true });
    expect(db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).get()).toEqual({ value: '3' });
    // The walk's edge reads are answered by the partial indexes alone (SQLite takes a partial
    // index only when the statement carries its term as written: a drift between the two would
    // silently turn this into a read of every edge row of the tenant).
    const s = preparePostureStatements(db);
    const plan = (sql: string, ...params: string[]) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join('; ');
    expect(plan(s.walkEdges.source, tenantId)).toMatch(/USING COVERING INDEX edges_posture/);
    const asOfPlan = plan(s.walkEdgesAsOf.source, tenantId, now, tenantId, now, now);
    expect(asOfPlan).toMatch(/USING COVERING INDEX edges_posture/);
    expect(asOfPlan).toMatch(/USING COVERING INDEX edge_history_posture/);
    db.close();
  });

  it('grows history with the changes, not with the number of syncs', async () => {
    const storage = SqliteStorageAdapter.open({ filePath: tempDb() });
    const tenantId = freshTenant();
    const graph = sampleTenant(tenantId);
    await applyGraph(storage, graph);
    const before = storage.historyStats(tenantId);
    expect(before).toMatchObject({ nodeVersions: graph.nodes.length, edgeVersions: graph.edges.length });
    for (let i = 2; i <= 11; i++) await applyGraph(storage, { ...graph, syncId: `s-${i}`, transformedAt: `2026-01-${String(i + 10).padStart(2, '0')}T00:00:00.000Z` });
    expect(storage.historyStats(tenantId)).toEqual(before);
    const renamed = { ...graph, syncId: 's-12', transformedAt: '2026-02-01T00:00:00.000Z', nodes: graph.nodes.map((n, i) => (i === 0 ? { ...n, displayName: 'renamed' } : n)) };
    await applyGraph(storage, renamed);
    expect(storage.historyStats(tenantId).nodeVersions).toBe(before.nodeVersions + 1);
    await storage.close();
  });

  it('a writer waits for another process’s write without blocking its event loop, then names the sync that holds the file', async () => {
    const filePath = tempDb();
    const tenantId = freshTenant();
    const storage = SqliteStorageAdapter.open({ filePath, busyTimeoutMs: 400 });
    await storage.saveSyncState(tenantId, { syncId: 'big-load', tenantId, connectorId: 'synthetic', mode: 'full', status: 'running', startedAt: '2026-11-29T10:00:00.000Z', errors: [] });
    // Another process (another connection) holds the write lock, as a long commit does.
    const other = new Database(filePath);
    other.pragma('busy_timeout = 0');
    other.exec('BEGIN IMMEDIATE');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const graph = sampleTenant(tenantId);
    const refused = await applyGraph(storage, graph).catch((e: unknown) => e);
    clearInterval(timer);
    expect(refused).toBeInstanceOf(StoreBusyError);
    expect((refused as Error).message).toMatch(/sync sample-sync-1 could not commit.*running: sync big-load of synthetic since 2026-11-29T10:00:00.000Z/);
    expect(ticks).toBeGreaterThan(3); // the wait gave the event loop back
    expect(await storage.lastCompletedSync(tenantId, graph.connectorId)).toBeNull();
    other.exec('ROLLBACK');
    other.close();
    expect((await applyGraph(storage, graph)).nodesCreated).toBe(graph.nodes.length);
    await storage.close();
  });
});
