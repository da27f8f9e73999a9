import { spawn } from 'node:child_process';
import { mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { mutateTenant, syntheticTenant } from '../../bench/synthetic/tenant.ts';
import { calledOnlyStarts } from '../../src/analysis/entry-points.ts';
import { diffGraphs } from '../../src/diff/index.ts';
import { edgeContentHash, isEventOutboxEntry, isPlainEdge, makeNodeId, nodeContentHash, plainEdgeHash, rowFingerprint } from '../../src/model/index.ts';
import type { GraphEvent, NormalizedGraph } from '../../src/model/index.ts';
import { MemoryStorageAdapter } from '../../src/storage/memory/MemoryStorageAdapter.ts';
import { StoreBusyError } from '../../src/storage/sqlite/busy.ts';
import { BULK_MIN_ROWS } from '../../src/storage/sqlite/deferred-indexes.ts';
import { entityKey } from '../../src/storage/sqlite/entity-keys.ts';
import { preparePostureStatements } from '../../src/storage/sqlite/posture-graph.ts';
import { PAGE_SIZE, SCHEMA_VERSION } from '../../src/storage/sqlite/schema.ts';
import { SqliteStorageAdapter } from '../../src/storage/sqlite/SqliteStorageAdapter.ts';
import { applyGraph } from '../../src/sync/apply-graph.ts';
import { freshTenant, SAMPLE_IDS, sampleTenant } from '../support/sample-tenant.ts';
import { defineStorageAdapterContract } from './storage-adapter.contract.ts';
import { tempDir } from '../support/temp-dir.ts';
import { exactHashes } from '../support/exact-hashes.ts';

const tempDb = () => join(tempDir('authgraph-sqlite-'), 'nested', 'authgraph.db');
/** The key a tenant's rows carry in a file (tenant-keys.ts), for statements on the raw file. */
const keyOf = (raw: Database.Database, tenantId: string) => raw.prepare('SELECT key FROM tenants WHERE name = ?').pluck().get(tenantId) as string;

/** A new SQLite file and a memory store, each holding `graph` after one sync (to compare what they answer). */
async function fileBesideMemory(graph: NormalizedGraph) {
  const filePath = tempDb();
  const storage = SqliteStorageAdapter.open({ filePath });
  const memory = MemoryStorageAdapter.create();
  for (const store of [storage, memory]) await applyGraph(store, graph);
  return { filePath, storage, memory };
}

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
    // Make the file what version 1 wrote: no outbox columns on events, its events' messages in the outbox table,
    // each event whole in its JSON (version 3 keeps there only the fields without a column).
    const raw = new Database(filePath);
    const whole = raw.prepare('UPDATE events SET json = ? WHERE tenant = ? AND event_id = ?');
    for (const event of loaded.events) whole.run(JSON.stringify(event), keyOf(raw, tenantId), event.eventId);
    // Each edge whole in its JSON too (version 4 keeps there only since, until and properties).
    const wholeEdge = raw.prepare('UPDATE edges SET json = ? WHERE tenant = ? AND edge_id = ?');
    for (const edge of graph.edges) expect(wholeEdge.run(JSON.stringify(edge), keyOf(raw, tenantId), edge.edgeId).changes).toBe(1);
    raw.exec(`UPDATE events SET outbox_at = NULL, outbox_position = NULL;
      ALTER TABLE events DROP COLUMN outbox_at; ALTER TABLE events DROP COLUMN outbox_position; ALTER TABLE events DROP COLUMN sent_at;
      UPDATE meta SET value = '1' WHERE key = 'schema_version'; DELETE FROM meta WHERE key = 'events_sent'`);
    expect(raw.prepare('SELECT name FROM pragma_table_info(?)').all('events').map((c) => (c as { name: string }).name)).not.toContain('outbox_at');
    raw.close();

    const upgraded = SqliteStorageAdapter.open({ filePath });
    expect(await upgraded.queryEvents(tenantId, { limit: 1000 })).toEqual(loaded.events);
    expect(await upgraded.getEdges(tenantId, graph.edges.map((e) => e.edgeId))).toEqual(graph.edges);
    const pendingNotice = await upgraded.pendingOutbox(100, tenantId);
    expect(pendingNotice.map((m) => m.batchId)).toEqual([graph.syncId]);
    const renamed = { ...graph, syncId: 's-2', transformedAt: '2026-02-01T00:00:00.000Z', nodes: graph.nodes.map((n, i) => (i === 0 ? { ...n, displayName: 'renamed' } : n)) };
    const next = await applyGraph(upgraded, renamed);
    const pending = await upgraded.pendingOutbox(100, tenantId);
    expect(pending.map((m) => m.outboxId)).toEqual([pendingNotice[0]!.outboxId, ...next.events.map((e) => e.eventId), pending.at(-1)!.outboxId]);
    await upgraded.close();
    const version = new Database(filePath, { readonly: true });
    expect(version.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).get()).toEqual({ value: String(SCHEMA_VERSION) });
    // New events are written slim and read whole, as the old ones.
    const slim = version.prepare('SELECT json FROM events WHERE tenant = ? AND event_id = ?').get(keyOf(version, tenantId), next.events[0]!.eventId) as { json: string };
    expect(Object.keys(JSON.parse(slim.json))).not.toContain('entityId');
    const reopened = SqliteStorageAdapter.open({ filePath });
    expect(await reopened.queryEvents(tenantId, { syncId: 's-2', limit: 10 })).toEqual(next.events);
    await reopened.close();
    version.close();
  });

  /** A sample tenant's first sync committed with its events published: the relay's pending rows. */
  const publishedSync = async (storage: SqliteStorageAdapter, tenantId: string) => {
    const graph = sampleTenant(tenantId);
    const { result, changes } = diffGraphs({ nodes: [], edges: [] }, graph);
    const syncState = { syncId: graph.syncId, tenantId, connectorId: graph.connectorId, mode: 'full' as const, status: 'completed' as const, startedAt: graph.transformedAt, errors: [] };
    await storage.commitSync(tenantId, { connectorId: graph.connectorId, changes, events: result.events, syncState, publishEvents: { createdAt: graph.transformedAt } });
    const pending = await storage.pendingOutbox(10_000, tenantId);
    expect(pending.map((m) => m.outboxId)).toEqual(result.events.map((e) => e.eventId));
    return pending.map((m) => ({ tenantId, outboxId: m.outboxId, batchId: m.batchId }));
  };
  const sentAt = '2026-01-15T06:00:06.000Z';

  it('marks sent events by moving one cursor in commit order; a mark out of order still leaves the rest pending, all counted', async () => {
    const filePath = tempDb();
    const tenantId = freshTenant();
    const storage = SqliteStorageAdapter.open({ filePath });
    const keys = await publishedSync(storage, tenantId);
    const raw = new Database(filePath, { readonly: true });
    const rowsMarked = () => raw.prepare('SELECT count(*) FROM events WHERE sent_at IS NOT NULL').pluck().get();
    const cursorAt = () => raw.prepare('SELECT event_id FROM event_cursor').pluck().get();
    const pendingIds = async () => (await storage.pendingOutbox(10_000, tenantId)).map((m) => m.outboxId);

    await storage.markOutboxSent(keys.slice(0, 5), sentAt);
    expect([rowsMarked(), cursorAt()]).toEqual([0, keys[4]!.outboxId]);
    expect(await storage.outboxStats()).toEqual({ pending: keys.length - 5, sent: 5 });
    // Out of order: the row gets its own mark, the cursor stays.
    await storage.markOutboxSent([keys[7]!], sentAt);
    expect([rowsMarked(), cursorAt()]).toEqual([1, keys[4]!.outboxId]);
    expect(await pendingIds()).toEqual(keys.filter((_, i) => i >= 5 && i !== 7).map((k) => k.outboxId));
    // The gap filled, the cursor moves past the row marked on its own; marking again counts nothing.
    await storage.markOutboxSent([keys[5]!, keys[6]!, keys[5]!], sentAt);
    expect(cursorAt()).toBe(keys[6]!.outboxId);
    await storage.markOutboxSent(keys.slice(8), sentAt);
    await storage.markOutboxSent(keys.slice(0, 3), sentAt);
    expect(cursorAt()).toBe(keys.at(-1)!.outboxId);
    expect(await pendingIds()).toEqual([]);
    expect(await storage.outboxStats()).toEqual({ pending: 0, sent: keys.length });
    await storage.close();
    raw.close();
    const reopened = SqliteStorageAdapter.open({ filePath });
    expect(await reopened.pendingOutbox(10, tenantId)).toEqual([]);
    await reopened.close();
  });

  it('upgrades a version 7 file: every row gets its fingerprint, and the next syncs diff by them to the same events as the memory store', async () => {
    const tenantId = freshTenant();
    const graph = syntheticTenant({ nodes: 300, seed: 21, tenantId });
    const { filePath, storage, memory } = await fileBesideMemory(graph);
    await storage.close();
    // The file as schema 7 made it: no fingerprint column, connector indexes of ids and hashes.
    const raw = new Database(filePath);
    raw.exec(`DROP INDEX nodes_connector; DROP INDEX edges_connector; DROP INDEX events_entity; DROP INDEX events_target;
      ALTER TABLE nodes DROP COLUMN fp; ALTER TABLE edges DROP COLUMN fp;
      ALTER TABLE events DROP COLUMN entity_key; ALTER TABLE events DROP COLUMN target_key;
      CREATE INDEX nodes_connector ON nodes (tenant, connector, deleted, node_id, hash);
      CREATE INDEX edges_connector ON edges (tenant, connector, edge_id, hash);
      CREATE INDEX events_entity ON events (tenant, entity_id);
      CREATE INDEX events_target ON events (tenant, target_entity_id) WHERE target_entity_id IS NOT NULL;
      UPDATE meta SET value = '7' WHERE key = 'schema_version'`);
    raw.close();
    const upgraded = SqliteStorageAdapter.open({ filePath });
    const state = await (await upgraded.previousState(tenantId, graph.connectorId)).fingerprints(0);
    const fingerprints = (rows: { id: string; hash: string }[]) => rows.map(({ id, hash }) => rowFingerprint(id, hash)).sort();
    expect([...state.nodes].sort()).toEqual(fingerprints(graph.nodes.map((n) => ({ id: n.nodeId, hash: nodeContentHash(n) }))));
    expect([...state.edges].sort()).toEqual(fingerprints(graph.edges.map((e) => ({ id: e.edgeId, hash: edgeContentHash(e) }))));
    const next = mutateTenant(graph, 0.05, 22, 'sync-2');
    const [fromFile, fromMemory] = await Promise.all([applyGraph(upgraded, next), applyGraph(memory, next)]);
    expect(fromFile.events.length).toBeGreaterThan(0);
    expect(fromFile.events).toEqual(fromMemory.events);
    expect((await applyGraph(upgraded, { ...next, syncId: 'sync-3', transformedAt: '2026-03-01T00:00:00.000Z' })).events).toEqual([]);
    // An entity's events, from before the upgrade and after it, found through the new entity keys.
    const edge = fromFile.events.find((e) => e.targetEntityId !== undefined)!;
    for (const entityId of [edge.entityId, edge.targetEntityId!]) {
      const found = await upgraded.queryEvents(tenantId, { entityId, limit: 1000 });
      expect(found).toEqual(await memory.queryEvents(tenantId, { entityId, limit: 1000 }));
      expect(found.map((e) => e.syncId)).toEqual(expect.arrayContaining([graph.syncId, 'sync-2']));
    }
    await upgraded.close();
    const after = new Database(filePath, { readonly: true });
    expect(after.prepare(`SELECT sql FROM sqlite_master WHERE name = 'edges_connector'`).pluck().get()).toMatch(/\(tenant, connector, fp\)/);
    expect(after.prepare('SELECT count(*) FROM nodes WHERE fp IS NULL').pluck().get()).toBe(0);
    expect(after.prepare('SELECT count(*) FROM events WHERE entity_key IS NULL OR (target_key IS NULL) <> (target_entity_id IS NULL)').pluck().get()).toBe(0);
    expect(after.prepare(`SELECT sql FROM sqlite_master WHERE name = 'events_entity'`).pluck().get()).toMatch(/\(tenant, entity_key\)/);
    after.close();
  });

  it("reads a large sync's stored fingerprints on a worker thread: the same lists, the same events; a failed read fails the sync and the next read works", async () => {
    const tenantId = freshTenant();
    const graph = syntheticTenant({ nodes: 600, seed: 31, tenantId });
    const { filePath, storage, memory } = await fileBesideMemory(graph);
    // Every read of this one goes to the worker (any extraction is "large").
    const threaded = SqliteStorageAdapter.open({ filePath, fingerprintWorkerMinRows: 1 });
    const inPlace = await (await storage.previousState(tenantId, graph.connectorId)).fingerprints(0);
    const state = await threaded.previousState(tenantId, graph.connectorId);
    const fromWorker = await state.fingerprints(graph.nodes.length + graph.edges.length);
    expect(fromWorker.nodes.length).toBe(graph.nodes.length);
    expect([fromWorker.nodes, fromWorker.edges]).toEqual([inPlace.nodes, inPlace.edges]);
    // A tenant the file does not hold: nothing stored, nothing read.
    expect((await threaded.previousState(freshTenant(), graph.connectorId)).stored).toEqual({ nodes: false, edges: false });
    const next = mutateTenant(graph, 0.05, 32, 'sync-2');
    const [fromFile, fromMemory] = await Promise.all([applyGraph(threaded, next), applyGraph(memory, next)]);
    expect(fromFile.events.length).toBeGreaterThan(0);
    expect(fromFile.events).toEqual(fromMemory.events);
    // The worker cannot open the file (moved away while this process has it open): the sync fails
    // with a clear error and stores nothing; once the file is back, the next read works.
    await threaded.close();
    const reopened = SqliteStorageAdapter.open({ filePath, fingerprintWorkerMinRows: 1 });
    const before = await reopened.queryEvents(tenantId, { limit: 10_000 });
    const third = mutateTenant(next, 0.05, 33, 'sync-3');
    renameSync(filePath, `${filePath}.away`);
    await expect(applyGraph(reopened, third)).rejects.toThrow(/reading stored fingerprints: .*unable to open/);
    renameSync(`${filePath}.away`, filePath);
    expect(await reopened.queryEvents(tenantId, { limit: 10_000 })).toEqual(before);
    const [again, againInMemory] = await Promise.all([applyGraph(reopened, third), applyGraph(memory, third)]);
    expect(again.events).toEqual(againInMemory.events);
    await Promise.all([reopened.close(), storage.close()]);
  });

  it("two entities whose ids share an entity key (entity-keys.ts) each get only their own events", async () => {
    const tenantId = freshTenant();
    const graph = sampleTenant(tenantId);
    const alice = graph.nodes.find((n) => n.nodeId === SAMPLE_IDS.alice)!;
    // Two source ids whose node ids hash to one key: found by trying (~80k tries for even odds at 32 bits).
    const seen = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; !pair; i++) {
      const sourceId = `u-${i}`;
      const key = entityKey(makeNodeId(alice.sourceSystem, alice.sourceScope, sourceId));
      const other = seen.get(key);
      if (other) pair = [other, sourceId];
      else seen.set(key, sourceId);
    }
    const twins = pair.map((sourceId) => ({ ...alice, sourceId, nodeId: makeNodeId(alice.sourceSystem, alice.sourceScope, sourceId), displayName: sourceId }));
    expect(entityKey(twins[0]!.nodeId)).toBe(entityKey(twins[1]!.nodeId));
    const withTwins = { ...graph, nodes: [...graph.nodes, ...twins] };
    const { storage, memory } = await fileBesideMemory(withTwins);
    const renamed = { ...withTwins, syncId: 'sync-2', transformedAt: '2026-03-01T00:00:00.000Z', nodes: [...graph.nodes, { ...twins[0]!, displayName: 'renamed' }] };
    for (const store of [storage, memory]) await applyGraph(store, renamed);
    for (const twin of twins) {
      const events = await storage.queryEvents(tenantId, { entityId: twin.nodeId, limit: 100 });
      expect(events.length).toBeGreaterThan(0);
      expect(events.every((e) => e.entityId === twin.nodeId)).toBe(true);
      expect(events).toEqual(await memory.queryEvents(tenantId, { entityId: twin.nodeId, limit: 100 }));
    }
    await storage.close();
  });

  it('rows whose fingerprints collide (made so by hand) are diffed from their ids and hashes, to the same events as the memory store', async () => {
    const tenantId = freshTenant();
    const graph = syntheticTenant({ nodes: 300, seed: 23, tenantId });
    const { filePath, storage, memory } = await fileBesideMemory(graph);
    const raw = new Database(filePath);
    const ids = raw.prepare('SELECT node_id FROM nodes WHERE tenant = ? ORDER BY node_id LIMIT 2').pluck().all(keyOf(raw, tenantId)) as string[];
    const key = keyOf(raw, tenantId);
    raw.prepare('UPDATE nodes SET fp = (SELECT fp FROM nodes WHERE tenant = ? AND node_id = ?) WHERE tenant = ? AND node_id = ?').run(key, ids[0], key, ids[1]);
    expect(raw.prepare('SELECT count(DISTINCT fp) FROM nodes WHERE tenant = ? AND node_id IN (?, ?)').pluck().get(key, ids[0], ids[1])).toBe(1);
    raw.close();
    // The sync reads the exact ids and hashes (state.hashes) when the fingerprints cannot decide.
    let exactReads = 0;
    const previousState = storage.previousState.bind(storage);
    storage.previousState = async (...args) => {
      const state = await previousState(...args);
      return { ...state, hashes: () => (exactReads++, state.hashes()) };
    };
    const next = mutateTenant(graph, 0.05, 24, 'sync-2');
    const [fromFile, fromMemory] = await Promise.all([applyGraph(storage, next), applyGraph(memory, next)]);
    expect(exactReads).toBe(1);
    expect(fromFile.events.length).toBeGreaterThan(0);
    expect(fromFile.events).toEqual(fromMemory.events);
    await storage.close();
  });

  it('upgrades a version 6 file: the cursor gains its event\'s sync, and the relay goes on from where it stood', async () => {
    const filePath = tempDb();
    const tenantId = freshTenant();
    const storage = SqliteStorageAdapter.open({ filePath });
    const keys = await publishedSync(storage, tenantId);
    await storage.markOutboxSent(keys.slice(0, 4), sentAt);
    await storage.close();
    // The cursor as schema 6 kept it: no sync (the column exists here; a real version-6 file gains it on upgrade).
    const raw = new Database(filePath);
    raw.exec(`UPDATE event_cursor SET sync_id = NULL; UPDATE meta SET value = '6' WHERE key = 'schema_version'`);
    raw.close();
    const upgraded = SqliteStorageAdapter.open({ filePath });
    expect((await upgraded.pendingOutbox(10_000, tenantId)).map((m) => m.outboxId)).toEqual(keys.slice(4).map((k) => k.outboxId));
    await upgraded.markOutboxSent(keys.slice(4, 6), sentAt);
    expect((await upgraded.pendingOutbox(10_000, tenantId)).map((m) => m.outboxId)).toEqual(keys.slice(6).map((k) => k.outboxId));
    await upgraded.close();
    const after = new Database(filePath, { readonly: true });
    expect(after.prepare('SELECT sync_id, event_id FROM event_cursor').get()).toEqual({ sync_id: keys[5]!.batchId, event_id: keys[5]!.outboxId });
    expect(after.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).pluck().get()).toBe(String(SCHEMA_VERSION));
    after.close();
  });

  it('upgrades a version 4 file: its unsent events stay pending and its sent ones are not sent again', async () => {
    const filePath = tempDb();
    const tenantId = freshTenant();
    const storage = SqliteStorageAdapter.open({ filePath });
    const keys = await publishedSync(storage, tenantId);
    await storage.close();
    // What version 4 kept: a mark on each sent row (here the first three, and the sixth), the partial
    // index of unsent rows, no cursor and no count of the unsent.
    const raw = new Database(filePath);
    const mark = raw.prepare('UPDATE events SET sent_at = ? WHERE tenant = ? AND event_id = ?');
    for (const i of [0, 1, 2, 5]) mark.run(sentAt, keyOf(raw, tenantId), keys[i]!.outboxId);
    raw.exec(`CREATE INDEX events_unsent ON events (outbox_at, sync_id, outbox_position) WHERE outbox_at IS NOT NULL AND sent_at IS NULL;
      DELETE FROM event_cursor; DELETE FROM meta WHERE key = 'events_unsent'; UPDATE meta SET value = '4' WHERE key IN ('schema_version', 'events_sent')`);
    raw.close();

    const upgraded = SqliteStorageAdapter.open({ filePath });
    const unsent = keys.filter((_, i) => ![0, 1, 2, 5].includes(i)).map((k) => k.outboxId);
    expect((await upgraded.pendingOutbox(10_000, tenantId)).map((m) => m.outboxId)).toEqual(unsent);
    expect(await upgraded.outboxStats()).toEqual({ pending: keys.length - 4, sent: 4 });
    await upgraded.markOutboxSent(keys.filter((k) => unsent.includes(k.outboxId)), sentAt);
    expect(await upgraded.outboxStats()).toEqual({ pending: 0, sent: keys.length });
    await upgraded.close();
    const after = new Database(filePath, { readonly: true });
    expect(after.prepare(`SELECT name FROM sqlite_master WHERE name = 'events_unsent'`).get()).toBeUndefined();
    expect(after.prepare('SELECT event_id FROM event_cursor').pluck().get()).toBe(keys.at(-1)!.outboxId);
    after.close();
  });

  it('rows carry a short key per tenant, not its id; two tenants keep theirs apart and read back under their ids', async () => {
    const filePath = tempDb();
    const [a, b] = ['00000000-aaaa-4000-8000-000000000001', '00000000-bbbb-4000-8000-000000000002'];
    const storage = SqliteStorageAdapter.open({ filePath });
    const keysA = await publishedSync(storage, a);
    await publishedSync(storage, b);
    const raw = new Database(filePath, { readonly: true });
    expect([keyOf(raw, a), keyOf(raw, b)]).toEqual(['1', '2']);
    for (const table of ['nodes', 'edges', 'events', 'sync_states', 'tenant_versions']) {
      expect(raw.prepare(`SELECT DISTINCT tenant FROM ${table} ORDER BY tenant`).pluck().all(), table).toEqual(['1', '2']);
    }
    raw.close();
    // Read back under the ids: the relay's entries of both tenants, events, syncs.
    const pending = await storage.pendingOutbox(100_000);
    expect(new Set(pending.map((m) => m.tenantId))).toEqual(new Set([a, b]));
    expect(pending.filter((m) => m.tenantId === a).map((m) => m.outboxId)).toEqual(keysA.map((k) => k.outboxId));
    expect((await storage.queryEvents(a, { limit: 5 })).every((e) => e.tenantId === a)).toBe(true);
    expect(await storage.getNode(freshTenant(), SAMPLE_IDS.oauthProfile)).toBeNull(); // a tenant with no rows reads nothing
    expect((await storage.getNode(b, SAMPLE_IDS.oauthProfile))?.nodeId).toBe(SAMPLE_IDS.oauthProfile);
    await storage.close();
  });

  it("stores a plain edge's hash as '' and reads it as the plain hash; a row holding the hash itself (schema 6) reads the same and re-syncs with no event", async () => {
    const filePath = tempDb();
    const tenantId = freshTenant();
    const storage = SqliteStorageAdapter.open({ filePath });
    const graph = sampleTenant(tenantId);
    await applyGraph(storage, graph);
    const plain = graph.edges.filter(isPlainEdge);
    const dated = graph.edges.filter((e) => !isPlainEdge(e));
    expect([plain.length > 0, dated.length > 0]).toEqual([true, true]);
    const raw = new Database(filePath);
    const storedHash = raw.prepare('SELECT hash FROM edges WHERE tenant = ? AND edge_id = ?').pluck();
    expect(storedHash.get(keyOf(raw, tenantId), plain[0]!.edgeId)).toBe('');
    expect(storedHash.get(keyOf(raw, tenantId), dated[0]!.edgeId)).toBe(edgeContentHash(dated[0]!));
    const state = await exactHashes(await storage.previousState(tenantId, graph.connectorId));
    expect(new Map([...state.edgeHashes].sort())).toEqual(new Map(graph.edges.map((e) => [e.edgeId, edgeContentHash(e)] as const).sort()));
    // Rows as schema 6 wrote them: the plain hash spelled out.
    raw.prepare(`UPDATE edges SET hash = ? WHERE tenant = ? AND hash = ''`).run(plainEdgeHash(), keyOf(raw, tenantId));
    raw.close();
    expect(await exactHashes(await storage.previousState(tenantId, graph.connectorId))).toEqual(state);
    const again = await applyGraph(storage, { ...graph, syncId: 'sample-sync-again', transformedAt: '2026-01-21T00:00:00.000Z' });
    expect(again.events).toEqual([]);
    await storage.close();
  });

  it('upgrades a version 5 file: its tenants keep their ids as keys, and a new tenant gets a number no stored tenant uses', async () => {
    const filePath = tempDb();
    const storage = SqliteStorageAdapter.open({ filePath });
    // A stored tenant whose id is the number the next key would be (two tenants stored: '3').
    const [first, second] = ['3', 'contoso'];
    const keys = await publishedSync(storage, first);
    await publishedSync(storage, second);
    await storage.close();
    // What version 5 kept: the tenant id in every row, no tenants table.
    const raw = new Database(filePath);
    const ids = new Map([keyOf(raw, first), keyOf(raw, second)].map((key, i) => [key, [first, second][i]!]));
    for (const table of ['nodes', 'edges', 'node_history', 'edge_history', 'events', 'sync_states', 'outbox', 'tenant_versions', 'event_cursor']) {
      const update = raw.prepare(`UPDATE ${table} SET tenant = ? WHERE tenant = ?`);
      // Through a placeholder first, so no key is taken for an id on the way.
      for (const [key] of ids) update.run(`old-${key}`, key);
      for (const [key, id] of ids) update.run(id, `old-${key}`);
    }
    raw.exec(`DROP TABLE tenants; DROP INDEX events_in_sync; CREATE UNIQUE INDEX events_key ON events (tenant, event_id);
      UPDATE meta SET value = '5' WHERE key = 'schema_version'`);
    raw.close();

    const upgraded = SqliteStorageAdapter.open({ filePath });
    expect((await upgraded.pendingOutbox(100_000, first)).map((m) => m.outboxId)).toEqual(keys.map((k) => k.outboxId));
    expect((await upgraded.lastCompletedSync(second, sampleTenant(second).connectorId))?.status).toBe('completed');
    const third = freshTenant();
    await publishedSync(upgraded, third);
    await upgraded.close();
    const after = new Database(filePath, { readonly: true });
    // A sync's events sit together in their key index now.
    expect(after.prepare(`SELECT name FROM sqlite_master WHERE name IN ('events_key', 'events_in_sync')`).pluck().all()).toEqual(['events_in_sync']);
    expect(after.prepare('SELECT name, key FROM tenants ORDER BY name').all()).toEqual(
      [
        { name: first, key: first },
        { name: second, key: second },
        { name: third, key: '4' }, // '3' is the stored tenant's
      ].sort((x, y) => (x.name < y.name ? -1 : 1)),
    );
    after.close();
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
    expect(db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).get()).toEqual({ value: String(SCHEMA_VERSION) });
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

  it('opening waits for another process that is making the same new file, and a file at this schema opens without waiting for a writer', async () => {
    const filePath = tempDb();
    mkdirSync(dirname(filePath), { recursive: true });
    // Another process takes the write lock of the new file and holds it for 600 ms, as a second
    // `load` started at the same moment does while it makes the schema.
    const holder = spawn(process.execPath, ['-e', `
      const db = new (require('better-sqlite3'))(process.argv[1]);
      db.exec('BEGIN IMMEDIATE'); db.exec('CREATE TABLE held (x)');
      process.stdout.write('held\\n');
      setTimeout(() => { db.exec('COMMIT'); db.close(); }, 600);`, filePath], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => holder.stdout!.once('data', () => resolve()));
    const started = Date.now();
    const storage = SqliteStorageAdapter.open({ filePath, busyTimeoutMs: 10_000 });
    expect(Date.now() - started).toBeGreaterThan(100); // it did wait for the holder
    const tenantId = freshTenant();
    expect((await applyGraph(storage, sampleTenant(tenantId))).nodesCreated).toBeGreaterThan(0);
    await storage.close();
    // Now the file is at this schema: a second opening while a writer holds it reads at once.
    const other = new Database(filePath);
    other.exec('BEGIN IMMEDIATE');
    const reader = SqliteStorageAdapter.open({ filePath, busyTimeoutMs: 200 });
    expect((await reader.lastCompletedSync(tenantId, sampleTenant(tenantId).connectorId))?.status).toBe('completed');
    await reader.close();
    other.exec('ROLLBACK');
    other.close();
  });

  it('opening a new file held by another writer past the busy timeout fails with a clear error', async () => {
    const filePath = tempDb();
    mkdirSync(dirname(filePath), { recursive: true });
    const other = new Database(filePath);
    other.exec('BEGIN IMMEDIATE');
    other.exec('CREATE TABLE held (x)');
    let refused: unknown;
    try {
      SqliteStorageAdapter.open({ filePath, busyTimeoutMs: 200 });
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(StoreBusyError);
    expect((refused as Error).message).toMatch(/the embedded store is busy .* the file could not be opened within the busy timeout/);
    other.exec('ROLLBACK');
    other.close();
    const storage = SqliteStorageAdapter.open({ filePath, busyTimeoutMs: 200 });
    expect(await storage.lastCompletedSync(freshTenant(), 'entra')).toBeNull();
    await storage.close();
  });

  it('keeps the page size of a file made before it (4 KiB), and reads and writes it as any other', async () => {
    const filePath = tempDb();
    mkdirSync(dirname(filePath), { recursive: true });
    const old = new Database(filePath);
    old.pragma('page_size = 4096');
    old.pragma('journal_mode = WAL');
    old.exec('CREATE TABLE made_before (x INTEGER)');
    old.close();
    const storage = SqliteStorageAdapter.open({ filePath });
    const tenantId = freshTenant();
    const graph = sampleTenant(tenantId);
    const result = await applyGraph(storage, graph);
    expect((await storage.getGraphForConnector(tenantId, graph.connectorId)).nodes).toHaveLength(graph.nodes.length);
    expect(await storage.queryEvents(tenantId, { limit: 1000 })).toEqual(result.events);
    await storage.close();
    const raw = new Database(filePath, { readonly: true });
    expect([raw.pragma('page_size', { simple: true }), PAGE_SIZE]).toEqual([4096, 16_384]);
    raw.close();
  });

  it('a first sync large enough to build its indexes after the rows reads like the memory store, and a failing one leaves the indexes and rows as they were', async () => {
    const filePath = tempDb();
    // 6,000 nodes, 18,000 edges, 24,000 events: over the threshold in every table (the default, 20,000 rows, takes 20k-node tenants).
    const storage = SqliteStorageAdapter.open({ filePath, bulkMinRows: 4_000 });
    expect(BULK_MIN_ROWS).toBeGreaterThan(4_000);
    const memory = MemoryStorageAdapter.create();
    const raw = new Database(filePath, { readonly: true });
    const indexes = () => raw.prepare(`SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name`).all();
    const before = indexes();
    const tenantId = freshTenant('bulk');
    const graph = syntheticTenant({ nodes: 6_000, seed: 3, tenantId, syncId: 'bulk-1' });
    const loaded = await applyGraph(storage, graph);
    await applyGraph(memory, graph);
    expect(indexes()).toEqual(before);
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(raw.pragma('page_size', { simple: true })).toBe(PAGE_SIZE);
    // Edge rows keep in their JSON only what has no column.
    const edgeJson = raw.prepare(`SELECT json FROM edges WHERE tenant = ?`).pluck().all(keyOf(raw, tenantId)) as string[];
    expect(edgeJson).toHaveLength(graph.edges.length);
    expect(new Set(edgeJson.flatMap((json) => Object.keys(JSON.parse(json) as object)))).toEqual(new Set(['properties']));
    // Creation events refer to the rows written beside them instead of copying them.
    const bodies = raw.prepare(`SELECT event_type, json FROM events WHERE tenant = ? AND sequence IN (0, ?)`).all(keyOf(raw, tenantId), loaded.events.length - 1) as { event_type: string; json: string }[];
    expect(bodies.map((b) => [b.event_type, Object.keys(JSON.parse(b.json)).sort()])).toEqual([
      ['created', ['afterRow', 'sourceConnector']],
      ['relationship_added', ['afterRow', 'edgeId', 'sourceConnector']],
    ]);
    // The rebuilt indexes answer: edges by either end, events by entity and by target, relay order; states read back whole.
    const sameAsMemory = async (nodeIds: string[]) => {
      for (const nodeId of nodeIds) {
        expect(await storage.getEdgesForNode(tenantId, nodeId, 'both')).toEqual(await memory.getEdgesForNode(tenantId, nodeId, 'both'));
        expect(await storage.queryEvents(tenantId, { entityId: nodeId, limit: 1000 })).toEqual(await memory.queryEvents(tenantId, { entityId: nodeId, limit: 1000 }));
      }
    };
    await sameAsMemory(graph.nodes.filter((_, i) => i % 400 === 0).map((n) => n.nodeId));
    const pending = await storage.pendingOutbox(50, tenantId);
    expect(pending.map((e) => (isEventOutboxEntry(e) ? e.event : undefined))).toEqual(loaded.events.slice(0, 50));
    const state = await (await storage.previousState(tenantId, graph.connectorId)).fingerprints(0);
    expect([state.nodes.length, state.edges.length]).toEqual([graph.nodes.length, graph.edges.length]);

    // A sync at the same moment rewrites versions in place (no history row): the events that referred to them keep the old state.
    const touched = graph.nodes.slice(0, 20);
    const dropped = new Set(graph.edges.filter((e) => e.sourceNodeId === touched[1]!.nodeId || e.targetNodeId === touched[2]!.nodeId).map((e) => e.edgeId));
    expect(dropped.size).toBeGreaterThan(0);
    const again = {
      ...graph,
      syncId: 'bulk-1-again',
      nodes: graph.nodes.map((n, i) => (i < 20 ? { ...n, displayName: `renamed ${i}` } : n)),
      edges: graph.edges.filter((e) => !dropped.has(e.edgeId)),
    };
    const rewritten = await applyGraph(storage, again);
    expect(await applyGraph(memory, again)).toMatchObject({ nodesUpdated: rewritten.nodesUpdated, edgesRemoved: rewritten.edgesRemoved });
    expect([rewritten.nodesUpdated, rewritten.edgesRemoved]).toEqual([20, dropped.size]);
    await sameAsMemory(touched.map((n) => n.nodeId));
    expect(await storage.queryEvents(tenantId, { syncId: 'bulk-1', limit: 10_000 })).toEqual(await memory.queryEvents(tenantId, { syncId: 'bulk-1', limit: 10_000 }));

    // The same tenant's next sync, twice as large: its rows go in as upserts (the unique keys stay), the other indexes after.
    const bigger = syntheticTenant({ nodes: 12_000, seed: 5, tenantId, syncId: 'bulk-1b', transformedAt: '2026-03-01T00:00:00.000Z' });
    const grown = await applyGraph(storage, bigger);
    expect(await applyGraph(memory, bigger)).toMatchObject({ nodesCreated: grown.nodesCreated, nodesUpdated: grown.nodesUpdated, edgesCreated: grown.edgesCreated });
    expect(grown.nodesUpdated).toBeGreaterThan(0);
    expect(indexes()).toEqual(before);
    await sameAsMemory(bigger.nodes.filter((_, i) => i % 800 === 0).map((n) => n.nodeId));
    for (const node of bigger.nodes.filter((_, i) => i % 800 === 0)) {
      expect(await storage.getNode(tenantId, node.nodeId, { asOf: '2026-02-01T00:00:00.000Z' })).toEqual(await memory.getNode(tenantId, node.nodeId, { asOf: '2026-02-01T00:00:00.000Z' }));
    }

    // Another tenant's first sync as large as the tables: deferred again, and it fails on its last event.
    const other = freshTenant('bulk');
    const second = syntheticTenant({ nodes: 6_000, seed: 4, tenantId: other, syncId: 'bulk-2' });
    const { result, changes } = diffGraphs({ ...second, nodes: [], edges: [] }, second);
    const broken = { ...result.events.at(-1)!, eventId: 'evt_broken', entityType: null } as unknown as GraphEvent;
    const syncState = { syncId: 'bulk-2', tenantId: other, connectorId: second.connectorId, mode: 'full' as const, status: 'completed' as const, startedAt: second.transformedAt, errors: [] };
    const failed = storage.commitSync(other, { connectorId: second.connectorId, changes, events: [...result.events, broken], syncState, publishEvents: { createdAt: second.transformedAt } });
    await expect(failed).rejects.toThrow(/NOT NULL/);
    expect(indexes()).toEqual(before);
    expect(await storage.getNodes(other, [second.nodes[0]!.nodeId])).toEqual([null]);
    expect(await storage.queryEvents(other, { limit: 1 })).toEqual([]);
    expect(await storage.getEdgesForNode(tenantId, graph.nodes[0]!.nodeId, 'both')).toEqual(await memory.getEdgesForNode(tenantId, graph.nodes[0]!.nodeId, 'both'));
    raw.close();
    await storage.close();
  });
});
