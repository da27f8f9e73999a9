import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Database as Db, Statement } from 'better-sqlite3';
import { EventQuery, PathQuery, PostureQuery, compareOutbox, edgeContentHash, nodeContentHash, parseOrThrow, rowFingerprint, sameEdgeContent, sameNodeContent } from '../../model/index.ts';
import type {
  EventQueryInput,
  ExecutionPath,
  GraphEvent,
  NodeType,
  NormalizedEdge,
  NormalizedGraph,
  NormalizedNode,
  OutboxEntry,
  OutboxMessage,
  PathQueryInput,
  PostureCounts,
  SyncCommit,
  SyncState,
} from '../../model/index.ts';
import { decodeEventCursor, encodeEventCursor, positionOf } from '../event-order.ts';
import { matchesFilters } from '../node-filters.ts';
import { searchPaths } from '../path-search.ts';
import { postureOf } from '../posture-walk.ts';
import { preparePostureStatements, sqlitePostureGraph } from './posture-graph.ts';
import type { PostureStatements } from './posture-graph.ts';
import type { EdgeDirection, EventPage, NodePage, NodePageQuery, OutboxKey, OutboxListQuery, ReadAt, StorageAdapter, FingerprintLists, StoredFingerprints, StoredHashes } from '../StorageAdapter.ts';
import { isBusy, StoreBusyError } from './busy.ts';
import { EventCursor } from './event-cursor.ts';
import { TenantKeys } from './tenant-keys.ts';
import { EVENT_ROW_COLUMNS, eventBody, eventFromRow } from './event-rows.ts';
import type { EventRow, VersionLookup } from './event-rows.ts';
import { EDGE_ROW_COLUMNS, edgeBody, edgeFromRow, edgeHashOfRow, storedEdgeHash } from './edge-rows.ts';
import type { EdgeColumns } from './edge-rows.ts';
import { BULK_MIN_ROWS, deferralFor, withDeferredIndexes } from './deferred-indexes.ts';
import { entityKey } from './entity-keys.ts';
import type { BulkTable } from './deferred-indexes.ts';
import { applyPragmas, applySchema } from './schema.ts';
import { InsertBatch, manyRowsInsert } from './insert-batch.ts';
import { FINGERPRINTS_SQL, FingerprintReader } from './fingerprint-reader.ts';

export interface SqliteStorageOptions {
  /** The database file; created (mode 0600, parent folders too) when missing. */
  filePath: string;
  /** How long a writer waits for another process's write transaction before giving up. */
  busyTimeoutMs?: number;
  /** Rows a commit must bring to a table before its indexes are built after them (deferred-indexes.ts); tests lower it. */
  bulkMinRows?: number;
  /**
   * Extractions of at least this many rows have the stored fingerprints read on a worker thread
   * while they are fingerprinted (fingerprint-reader.ts); smaller ones read them in place (a thread
   * costs more than it saves). Tests lower it.
   */
  fingerprintWorkerMinRows?: number;
}

/** Rows from which a sync's fingerprint read goes to the worker thread (SqliteStorageOptions). */
const FINGERPRINT_WORKER_MIN_ROWS = 200_000;

interface NodeRow {
  json: string;
  valid_from: string;
  hash: string;
}
interface EdgeRow extends EdgeColumns {
  valid_from: string;
  hash: string;
}

interface EventOutboxRow extends EventRow {
  outbox_at: string;
  outbox_position: number;
}

interface OutboxRow {
  tenant: string;
  outbox_id: string;
  created_at: string;
  batch_id: string;
  position: number;
  topic: string;
  key: string;
  headers: string;
  payload: string;
  sent_at: string | null;
}

/** How long a writer waits for another process's write before it gives up with a clear error. */
const DEFAULT_BUSY_TIMEOUT_MS = 120_000;
/** SQLite's own (thread-blocking) busy wait per attempt; the rest of the wait yields (write()). */
const BUSY_SLICE_MS = 20;

/**
 * Pragmas and schema of a file being opened. Opening may meet another process's write: a second
 * `load` started at the same moment making the same new file, or an older file's upgrade. SQLite
 * answers some of these at once with SQLITE_BUSY, without its own wait (two connections both
 * switching a new file to WAL), so the whole set-up is tried again until the busy timeout, as a
 * write would be. The wait blocks: nothing of this process runs on the store yet. Afterwards
 * SQLite's own wait is kept short and write() waits between event-loop turns.
 */
function setUpOnOpen(db: Db, busyTimeoutMs: number): void {
  const started = Date.now();
  for (let pause = 5; ; pause = Math.min(pause * 2, 250)) {
    try {
      applyPragmas(db, BUSY_SLICE_MS);
      applySchema(db);
      return;
    } catch (error) {
      if (!isBusy(error) || Date.now() - started >= busyTimeoutMs) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pause);
    }
  }
}
const LIST_BATCH = 500;
const iso = (time: string) => new Date(time).toISOString();
const parseNode = (json: string) => JSON.parse(json) as NormalizedNode;
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Event filters that can narrow a query; the SQL for each combination is built from this list only. */
const EVENT_FILTERS = ['entityType', 'eventType', 'relationshipType', 'syncId'] as const;
const EVENT_COLUMNS: Record<(typeof EVENT_FILTERS)[number], string> = {
  entityType: 'entity_type',
  eventType: 'event_type',
  relationshipType: 'relationship_type',
  syncId: 'sync_id',
};

/**
 * The embedded default store (DESIGN "Embedded store"): one SQLite file in WAL mode shared by any
 * number of processes — the CLI and a running server read and write the same file, readers never
 * wait, writers take turns. Every statement is prepared once; commitSync is one IMMEDIATE
 * transaction (graph changes, history, events, outbox rows, sync record and the tenant's data
 * version), so a crash or a failure leaves the last committed sync and nothing of this one.
 * better-sqlite3 is synchronous: each method runs to completion without yielding, which is what
 * makes a transaction here all-or-nothing for the other code of this process too.
 */
export class SqliteStorageAdapter implements StorageAdapter {
  private readonly s: ReturnType<typeof prepare>;
  private readonly eventStatements = new Map<string, Statement>();
  private readonly eventCursor: EventCursor;
  /** Tenant ids in, tenant keys in every statement (tenant-keys.ts). */
  private readonly tenants: TenantKeys;

  private constructor(
    private readonly db: Db,
    private readonly busyTimeoutMs: number,
    private readonly bulkMinRows: number,
    /** Absent for an in-memory database, which no other connection can open. */
    private readonly fingerprintReader: FingerprintReader | undefined,
    private readonly fingerprintWorkerMinRows: number,
  ) {
    this.s = prepare(db);
    this.eventCursor = new EventCursor(db);
    this.tenants = new TenantKeys(db);
  }

  static open(options: SqliteStorageOptions): SqliteStorageAdapter {
    const { filePath } = options;
    if (filePath !== ':memory:') {
      mkdirSync(dirname(filePath), { recursive: true, mode: 0o700 });
      // Created here, owner-only, before SQLite opens it (its -wal and -shm files copy the mode).
      closeSync(openSync(filePath, 'a', 0o600));
      chmodSync(filePath, 0o600);
    }
    const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
    const db = new Database(filePath);
    try {
      setUpOnOpen(db, busyTimeoutMs);
    } catch (error) {
      const failure = isBusy(error) ? new StoreBusyError(db, { opening: true }, error) : error;
      db.close();
      throw failure;
    }
    const reader = filePath === ':memory:' ? undefined : new FingerprintReader(resolve(filePath), busyTimeoutMs);
    return new SqliteStorageAdapter(db, busyTimeoutMs, options.bulkMinRows ?? BULK_MIN_ROWS, reader, options.fingerprintWorkerMinRows ?? FINGERPRINT_WORKER_MIN_ROWS);
  }

  // --- graph reads ---

  async getNode(tenantId: string, nodeId: string, at?: ReadAt): Promise<NormalizedNode | null> {
    return this.nodeAt(this.tenants.keyOf(tenantId), nodeId, pastOf(at));
  }

  async getNodes(tenantId: string, nodeIds: readonly string[], at?: ReadAt): Promise<(NormalizedNode | null)[]> {
    const asOf = pastOf(at);
    const t = this.tenants.keyOf(tenantId);
    return this.read(() => nodeIds.map((id) => this.nodeAt(t, id, asOf)));
  }

  async getNodesByType(tenantId: string, nodeType: NodeType, at?: ReadAt): Promise<NormalizedNode[]> {
    const asOf = pastOf(at);
    const t = this.tenants.keyOf(tenantId);
    const rows = asOf
      ? (this.s.nodesOfTypeAsOf.all(t, nodeType, asOf, t, nodeType, asOf, asOf) as { json: string }[])
      : (this.s.nodesOfType.all(t, nodeType) as { json: string }[]);
    return rows
      .map((r) => parseNode(r.json))
      .filter((n) => !n.deletedAt)
      .sort((a, b) => cmp(a.nodeId, b.nodeId));
  }

  async listNodes(tenantId: string, query: NodePageQuery, at?: ReadAt): Promise<NodePage> {
    const first = Math.max(0, Math.floor(query.first));
    const asOf = pastOf(at);
    const t = this.tenants.keyOf(tenantId);
    const found: NormalizedNode[] = [];
    let after = query.after ?? '';
    // Pages of ids in order; filters apply to the parsed node, so read on until the page is full.
    this.read(() => {
      for (;;) {
        const rows = this.nodePage(t, query.nodeType, after, asOf);
        for (const row of rows) {
          const node = parseNode(row.json);
          if ((query.includeDeleted || !node.deletedAt) && matchesFilters(node, query.filters)) found.push(node);
          if (found.length > first) return;
        }
        if (rows.length < LIST_BATCH) return;
        after = rows.at(-1)!.node_id;
      }
    });
    return { nodes: found.slice(0, first), hasNextPage: found.length > first };
  }

  async getEdgesForNode(tenantId: string, nodeId: string, direction: EdgeDirection, at?: ReadAt): Promise<NormalizedEdge[]> {
    const asOf = pastOf(at);
    const t = this.tenants.keyOf(tenantId);
    return this.read(() => {
      const byId = new Map<string, NormalizedEdge>();
      if (direction !== 'incoming') for (const e of this.edgesAt(t, nodeId, 'outgoing', asOf)) byId.set(e.edgeId, e);
      if (direction !== 'outgoing') for (const e of this.edgesAt(t, nodeId, 'incoming', asOf)) byId.set(e.edgeId, e);
      return [...byId.values()].sort((a, b) => cmp(a.edgeId, b.edgeId));
    });
  }

  async getEdges(tenantId: string, edgeIds: readonly string[]): Promise<(NormalizedEdge | null)[]> {
    const t = this.tenants.keyOf(tenantId);
    return this.read(() =>
      edgeIds.map((id) => {
        const row = this.s.edgeGet.get(t, id) as EdgeRow | undefined;
        return row ? edgeFromRow(row) : null;
      }),
    );
  }

  // --- paths ---

  async queryPaths(tenantId: string, input: PathQueryInput, at?: ReadAt): Promise<ExecutionPath[]> {
    const query = parseOrThrow(PathQuery, input, 'path query');
    const asOf = pastOf(at);
    const allowed = new Set<string>(query.traverseEdgeTypes);
    const forward = query.direction === 'outgoing';
    const t = this.tenants.keyOf(tenantId);
    // One read transaction: the walk sees one committed state even while another process writes.
    return this.read(() => {
      const nodes = new Map<string, NormalizedNode | null>();
      const node = (id: string) => {
        if (!nodes.has(id)) nodes.set(id, this.nodeAt(t, id, asOf));
        return nodes.get(id)!;
      };
      const candidates = query.startNodeId
        ? [node(query.startNodeId)].filter((n): n is NormalizedNode => !!n)
        : query.startNodeType
          ? (asOf
              ? (this.s.nodesOfTypeAsOf.all(t, query.startNodeType, asOf, t, query.startNodeType, asOf, asOf) as { json: string }[])
              : (this.s.nodesOfType.all(t, query.startNodeType) as { json: string }[])
            ).map((r) => parseNode(r.json))
          : [];
      const starts = candidates
        .filter((n) => !n.deletedAt && (!query.startNodeType || n.nodeType === query.startNodeType) && matchesFilters(n, query.startNodeFilters))
        .sort((a, b) => cmp(a.nodeId, b.nodeId));
      return searchPaths({
        starts,
        maxDepth: query.maxDepth,
        limit: query.limit,
        isEnd: (n) => (!query.endNodeType || n.nodeType === query.endNodeType) && matchesFilters(n, query.endNodeFilters),
        step: (nodeId) =>
          this.edgesAt(t, nodeId, forward ? 'outgoing' : 'incoming', asOf)
            .filter((e) => allowed.has(e.edgeType))
            .sort((a, b) => cmp(a.edgeId, b.edgeId))
            .map((edge) => ({ edge, next: node(forward ? edge.targetNodeId : edge.sourceNodeId) }))
            .filter((s): s is { edge: NormalizedEdge; next: NormalizedNode } => !!s.next && !s.next.deletedAt),
      });
    });
  }

  // --- posture ---

  /** Prepared on the first posture read (posture-graph.ts). */
  private postureStatements: PostureStatements | undefined;

  /**
   * The walk of src/storage/posture-walk.ts over this file's indexes and columns, in one read
   * transaction; each node and each node's edges are read once per call.
   */
  async postureCounts(tenantId: string, input: PostureQuery, at?: ReadAt): Promise<PostureCounts> {
    const query = parseOrThrow(PostureQuery, input, 'posture query');
    const asOf = pastOf(at);
    const statements = (this.postureStatements ??= preparePostureStatements(this.db));
    const t = this.tenants.keyOf(tenantId);
    return this.read(() => postureOf(sqlitePostureGraph(statements, t, asOf), query));
  }

  // --- events ---

  async queryEvents(tenantId: string, query: EventQueryInput): Promise<GraphEvent[]> {
    return (await this.queryEventPage(tenantId, query)).events;
  }

  async queryEventPage(tenantId: string, input: EventQueryInput): Promise<EventPage> {
    const q = parseOrThrow(EventQuery, input, 'event query');
    const after = q.after ? decodeEventCursor(q.after) : undefined;
    const asc = q.orderBy === 'asc';
    const present = EVENT_FILTERS.filter((f) => q[f] !== undefined);
    const signature = [asc ? 'asc' : 'desc', q.entityId ? 'entity' : '', q.since ? 'since' : '', q.until ? 'until' : '', after ? 'after' : '', ...present].join(',');
    let statement = this.eventStatements.get(signature);
    if (!statement) {
      const where = ['tenant = @tenant'];
      for (const f of present) where.push(`${EVENT_COLUMNS[f]} = @${f}`);
      if (q.since) where.push('ts_ms >= @sinceMs');
      if (q.until) where.push('ts_ms <= @untilMs');
      if (after) where.push(`(ts_ms, ts, sync_id, sequence) ${asc ? '>' : '<'} (@afterMs, @afterTs, @afterSync, @afterSeq)`);
      const order = asc ? 'ASC' : 'DESC';
      const columns = `ts_ms, ${EVENT_ROW_COLUMNS}`;
      const and = where.join(' AND ');
      // An entity's events are those about it and those pointing at it: two index lookups, merged,
      // instead of one walk through every event of the tenant in time order.
      const from = q.entityId
        ? `(SELECT ${columns} FROM events WHERE ${and} AND entity_key = @entityKey AND entity_id = @entityId
            UNION SELECT ${columns} FROM events WHERE ${and} AND target_key = @entityKey AND target_entity_id = @entityId)`
        : `(SELECT ${columns} FROM events WHERE ${and})`;
      statement = this.db.prepare(`SELECT ${EVENT_ROW_COLUMNS} FROM ${from} ORDER BY ts_ms ${order}, ts ${order}, sync_id ${order}, sequence ${order} LIMIT @limit`);
      this.eventStatements.set(signature, statement);
    }
    const params: Record<string, unknown> = { tenant: this.tenants.keyOf(tenantId), limit: q.limit + 1 };
    if (q.entityId) Object.assign(params, { entityId: q.entityId, entityKey: entityKey(q.entityId) });
    for (const f of present) params[f] = q[f];
    if (q.since) params.sinceMs = Date.parse(q.since);
    if (q.until) params.untilMs = Date.parse(q.until);
    if (after) Object.assign(params, { afterMs: Date.parse(after[0]), afterTs: after[0], afterSync: after[1], afterSeq: after[2] });
    const rows = statement.all(params) as EventRow[];
    const events = rows.slice(0, q.limit).map((row) => eventFromRow(row, this.versionOf, tenantId));
    const last = events.at(-1);
    return rows.length > q.limit && last ? { events, nextCursor: encodeEventCursor(positionOf(last)) } : { events };
  }

  // --- sync state ---

  async saveSyncState(tenantId: string, state: SyncState): Promise<void> {
    await this.write(() => {
      const t = this.tenants.keyForWrite(tenantId);
      this.putSyncState(t, state);
      this.s.bumpVersion.run(t);
    });
  }

  async listSyncStates(tenantId: string, options: { connectorId?: string; limit?: number } = {}): Promise<SyncState[]> {
    const limit = Math.max(0, options.limit ?? 50);
    const t = this.tenants.keyOf(tenantId);
    const rows = (
      options.connectorId ? this.s.syncsOfConnector.all(t, options.connectorId, limit) : this.s.syncs.all(t, limit)
    ) as { json: string }[];
    return rows.map((r) => JSON.parse(r.json) as SyncState);
  }

  async lastCompletedSync(tenantId: string, connectorId: string): Promise<SyncState | null> {
    const row = this.s.lastCompletedSync.get(this.tenants.keyOf(tenantId), connectorId) as { json: string } | undefined;
    return row ? (JSON.parse(row.json) as SyncState) : null;
  }

  /**
   * The connector's live rows as fingerprints (model/fingerprint.ts), read from the connector
   * indexes alone: one number a row, where (id, hash) string pairs made two strings and a Map
   * entry a row (~9 s against ~0.7 s for the 1M-node tenant's 4M rows). The rows none of the
   * extraction matches are read back by fingerprint through the same indexes.
   */
  async previousState(tenantId: string, connectorId: string): Promise<StoredFingerprints> {
    const t = this.tenants.keyOf(tenantId);
    const stored = this.read(() => ({ nodes: this.s.anyNode.get(t, connectorId) !== undefined, edges: this.s.anyEdge.get(t, connectorId) !== undefined }));
    const fingerprints = async (rowsExpected: number): Promise<FingerprintLists> => {
      if (!stored.nodes && !stored.edges) return { nodes: new Float64Array(0), edges: new Float64Array(0) };
      if (this.fingerprintReader && rowsExpected >= this.fingerprintWorkerMinRows) return this.fingerprintReader.read(t, connectorId);
      return this.read(() => ({
        nodes: Float64Array.from(this.s.nodeFingerprints.all(t, connectorId) as number[]),
        edges: Float64Array.from(this.s.edgeFingerprints.all(t, connectorId) as number[]),
      }));
    };
    const rowsWith = (statement: Statement, fingerprints: readonly number[], hashOf: (stored: string) => string) =>
      this.read(() => {
        const rows = new Map<string, string>();
        for (const fp of fingerprints) for (const [id, hash] of statement.all(t, connectorId, fp) as [string, string][]) rows.set(id, hashOf(hash));
        return rows;
      });
    return {
      stored,
      fingerprints,
      nodesWith: async (fingerprints) => rowsWith(this.s.nodesWithFingerprint, fingerprints, (hash) => hash),
      edgesWith: async (fingerprints) => rowsWith(this.s.edgesWithFingerprint, fingerprints, edgeHashOfRow),
      hashes: async () => this.storedHashes(t, connectorId),
    };
  }

  /** The connector's live rows as ids and hashes (what the fingerprints stand for). */
  private storedHashes(t: string, connectorId: string): StoredHashes {
    return this.read(() => {
      // Rows as [id, hash] arrays (raw): no object with named keys per row, and a tenant has millions.
      const nodeHashes = new Map<string, string>();
      for (const [id, hash] of this.s.nodeHashes.iterate(t, connectorId) as Iterable<[string, string]>) nodeHashes.set(id, hash);
      const edgeHashes = new Map<string, string>();
      for (const [id, hash] of this.s.edgeHashes.iterate(t, connectorId) as Iterable<[string, string]>) edgeHashes.set(id, edgeHashOfRow(hash));
      return { nodeHashes, edgeHashes };
    });
  }

  async getGraphForConnector(tenantId: string, connectorId: string): Promise<NormalizedGraph> {
    const t = this.tenants.keyOf(tenantId);
    return this.read(() => {
      const last = this.s.lastCompletedSync.get(t, connectorId) as { json: string } | undefined;
      const state = last ? (JSON.parse(last.json) as SyncState) : undefined;
      const nodes = (this.s.nodesOfConnector.all(t, connectorId) as { json: string }[]).map((r) => parseNode(r.json));
      const edges = (this.s.edgesOfConnector.all(t, connectorId) as EdgeColumns[]).map(edgeFromRow);
      return {
        syncId: state?.syncId ?? 'none',
        connectorId,
        tenantId,
        transformedAt: state?.completedAt ?? state?.startedAt ?? new Date(0).toISOString(),
        nodes,
        edges,
        temporalMarkers: [],
        evidenceCompleteness: state?.evidenceCompleteness ?? { sources: {} },
      };
    });
  }

  async dataVersion(tenantId: string): Promise<string | undefined> {
    const row = this.s.version.get(this.tenants.keyOf(tenantId)) as { version: number } | undefined;
    return String(row?.version ?? 0);
  }

  /**
   * One IMMEDIATE transaction, as the memory adapter applies a commit: edge removals, node upserts
   * (a tombstone drops its edges), edge upserts, events, outbox rows, the sync record. What this
   * sync wrote is valid from its data's time; a replaced version moves to history.
   */
  async commitSync(tenantId: string, commit: SyncCommit): Promise<void> {
    const at = iso(commit.syncState.validAt ?? commit.syncState.startedAt);
    const { changes, connectorId } = commit;
    await this.write(() => {
      const t = this.tenants.keyForWrite(tenantId);
      for (const id of changes.removeEdgeIds) this.removeEdge(t, id, at);
      // Each table in turn, so a tombstone's edge lookups still have the edge indexes. A table
      // whose indexes are all built after the rows ('all': the tenant's first rows there) gets
      // plain INSERTs: every row is new, and the upserts' ON CONFLICT needs the unique key.
      const freshNodes = this.inBulk('nodes', t, changes.upsertNodes.length, (fresh) => {
        if (fresh) this.insertNewNodes(t, changes.upsertNodes, at, connectorId);
        else
          for (const node of changes.upsertNodes) {
            this.writeNode(t, node, at, connectorId);
            if (node.deletedAt) this.removeEdgesOf(t, node.nodeId, at);
          }
      });
      const freshEdges = this.inBulk('edges', t, changes.upsertEdges.length, (fresh) => {
        if (fresh) this.insertNewEdges(t, changes.upsertEdges, at, connectorId);
        else for (const edge of changes.upsertEdges) this.writeEdge(t, edge, at, connectorId);
      });
      const outboxAt = commit.publishEvents?.createdAt ?? null;
      // Rows written new by this commit are the after-states of their creation events: referred to, not copied.
      const refersToRow = (event: GraphEvent) =>
        event.beforeState === null &&
        ((freshNodes && event.eventType === 'created' && event.edgeId === undefined) || (freshEdges && event.eventType === 'relationship_added' && !event.changedProperties));
      this.inBulk('events', t, commit.events.length, (fresh) => {
        const batch = fresh ? new InsertBatch(this.s.eventInsertNew, this.s.eventInsertNewMany) : undefined;
        // Replayed events (the same key) are not inserted again, and not published again.
        let inserted = 0;
        const insert = batch ? batch.add.bind(batch) : (...row: unknown[]) => void (inserted += this.s.eventInsert.run(row).changes);
        for (let i = 0; i < commit.events.length; i++) {
          const event = commit.events[i]!;
          insert(
            t,
            event.eventId,
            Date.parse(event.timestamp),
            event.timestamp,
            event.syncId,
            event.sequence,
            event.entityId,
            event.targetEntityId ?? null,
            entityKey(event.entityId),
            event.targetEntityId === undefined ? null : entityKey(event.targetEntityId),
            event.entityType,
            event.eventType,
            event.relationshipType ?? null,
            eventBody(event, refersToRow(event) ? at : undefined),
            outboxAt,
            outboxAt === null ? null : i,
          );
        }
        batch?.flush();
        if (outboxAt !== null) this.eventCursor.published(batch ? commit.events.length : inserted);
      });
      this.enqueue(t, commit.outbox ?? []);
      this.putSyncState(t, commit.syncState);
      this.s.bumpVersion.run(t);
    }, commit.syncState.syncId);
  }

  // --- outbox and leases (system-wide: see OutboxStore) ---

  /** Unsent events and unsent prepared messages, each read in relay order, merged. */
  async pendingOutbox(limit: number, tenantId?: string): Promise<OutboxEntry[]> {
    const n = Math.max(0, Math.floor(limit));
    const t = tenantId === undefined ? undefined : this.tenants.keyOf(tenantId);
    const [events, messages] = this.read(() =>
      t === undefined ? [this.eventCursor.pending(n), this.s.outboxPending.all(n)] : [this.eventCursor.pending(n, t), this.s.outboxPendingOfTenant.all(t, n)],
    );
    const idOf = (key: string) => this.tenants.idOf(key);
    const entries: OutboxEntry[] = [
      ...(events as EventOutboxRow[]).map((row) => eventOutboxEntry(row, this.versionOf, idOf(row.tenant))),
      ...(messages as OutboxRow[]).map((row) => outboxMessage(row, idOf(row.tenant))),
    ];
    return entries.sort(compareOutbox).slice(0, n);
  }

  async listOutbox(tenantId: string, query: OutboxListQuery): Promise<OutboxMessage[]> {
    const limit = Math.max(0, Math.floor(query.limit));
    const t = this.tenants.keyOf(tenantId);
    const rows = query.before
      ? this.s.outboxListBefore.all(t, query.topic, query.before.createdAt, query.before.outboxId, limit)
      : this.s.outboxList.all(t, query.topic, limit);
    return (rows as OutboxRow[]).map((row) => outboxMessage(row, tenantId));
  }

  async markOutboxSent(keys: readonly OutboxKey[], sentAt: string): Promise<void> {
    if (keys.length === 0) return;
    await this.write(() => {
      const stored = keys.map(({ tenantId, outboxId, batchId }) => ({ tenant: this.tenants.keyOf(tenantId), outboxId, batchId }));
      for (const { tenant, outboxId } of this.eventCursor.markSent(stored, sentAt)) this.s.outboxMarkSent.run(sentAt, tenant, outboxId);
    });
  }

  async enqueueOutbox(tenantId: string, messages: readonly OutboxMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.write(() => this.enqueue(this.tenants.keyForWrite(tenantId), messages));
  }

  async outboxStats(): Promise<{ pending: number; sent: number }> {
    const [row, events] = this.read(() => [
      this.s.outboxStats.get() as { pending: number | null; total: number },
      this.eventCursor.stats(),
    ]);
    const pending = row.pending ?? 0;
    return { pending: pending + events.pending, sent: row.total - pending + events.sent };
  }

  async tryAcquireLease(key: string, owner: string, ttlMs: number): Promise<boolean> {
    return this.write(() => {
      const now = Date.now();
      const held = this.s.leaseGet.get(key) as { owner: string; expires_at: number } | undefined;
      if (held && held.owner !== owner && held.expires_at > now) return false;
      this.s.leasePut.run(key, owner, now + Math.max(0, Math.round(ttlMs)));
      return true;
    });
  }

  async releaseLease(key: string, owner: string): Promise<void> {
    await this.write(() => this.s.leaseRelease.run(key, owner));
  }

  /** How much history a tenant keeps (tests and benchmarks), counted as the memory adapter does. */
  historyStats(tenantId: string): { nodeVersions: number; edgeVersions: number; liveNodes: number; liveEdges: number } {
    const t = this.tenants.keyOf(tenantId);
    const count = (sql: string) => (this.db.prepare(sql).get(t) as { n: number }).n;
    const liveNodes = count('SELECT count(*) AS n FROM nodes WHERE tenant = ?');
    const liveEdges = count('SELECT count(*) AS n FROM edges WHERE tenant = ?');
    return {
      liveNodes,
      liveEdges,
      nodeVersions: liveNodes + count('SELECT count(*) AS n FROM node_history WHERE tenant = ?'),
      edgeVersions: liveEdges + count('SELECT count(*) AS n FROM edge_history WHERE tenant = ?'),
    };
  }

  async close(): Promise<void> {
    await this.fingerprintReader?.close();
    if (this.db.open) this.db.close();
  }

  // --- internals ---

  /** A read transaction: several statements see one committed state. */
  private read<T>(fn: () => T): T {
    return this.db.transaction(fn).deferred();
  }

  /**
   * A write transaction, taken at once (IMMEDIATE) so two writers queue instead of failing half-way.
   * SQLite's own busy wait blocks the thread, so it is kept short (BUSY_SLICE_MS) and the wait for
   * another process's write goes on here between event-loop turns: a server keeps answering reads
   * while a CLI load commits. When the whole wait runs out, the error names the sync that holds
   * the file.
   */
  private async write<T>(fn: () => T, syncId?: string): Promise<T> {
    const started = Date.now();
    for (let pause = 5; ; pause = Math.min(pause * 2, 250)) {
      try {
        this.tenants.writing = true;
        return this.db.transaction(fn).immediate();
      } catch (error) {
        if (!isBusy(error)) throw error;
        if (Date.now() - started >= this.busyTimeoutMs) throw new StoreBusyError(this.db, syncId, error);
        await new Promise((resolve) => setTimeout(resolve, pause));
      } finally {
        this.tenants.writing = false;
      }
    }
  }

  private nodeAt(tenant: string, nodeId: string, asOf: string | undefined): NormalizedNode | null {
    const row = this.s.nodeGet.get(tenant, nodeId) as NodeRow | undefined;
    if (row && (!asOf || row.valid_from <= asOf)) return parseNode(row.json);
    if (!asOf) return null;
    const past = this.s.nodeHistoryAt.get(tenant, nodeId, asOf, asOf) as { json: string } | undefined;
    return past ? parseNode(past.json) : null;
  }

  private edgesAt(tenant: string, nodeId: string, direction: 'outgoing' | 'incoming', asOf: string | undefined): NormalizedEdge[] {
    const out = direction === 'outgoing';
    const current = (out ? this.s.edgesOut : this.s.edgesIn).all(tenant, nodeId) as EdgeRow[];
    const edges = current.filter((r) => !asOf || r.valid_from <= asOf).map(edgeFromRow);
    if (asOf) {
      const past = (out ? this.s.edgeHistoryOut : this.s.edgeHistoryIn).all(tenant, nodeId, asOf, asOf) as EdgeColumns[];
      for (const r of past) edges.push(edgeFromRow(r));
    }
    return edges;
  }

  private nodePage(tenant: string, nodeType: NodeType | undefined, after: string, asOf: string | undefined): { node_id: string; json: string }[] {
    if (asOf) {
      return (
        nodeType
          ? this.s.nodePageOfTypeAsOf.all(tenant, nodeType, after, asOf, tenant, nodeType, after, asOf, asOf, LIST_BATCH)
          : this.s.nodePageAsOf.all(tenant, after, asOf, tenant, after, asOf, asOf, LIST_BATCH)
      ) as { node_id: string; json: string }[];
    }
    return (nodeType ? this.s.nodePageOfType.all(tenant, nodeType, after, LIST_BATCH) : this.s.nodePage.all(tenant, after, LIST_BATCH)) as {
      node_id: string;
      json: string;
    }[];
  }

  /** A large commit into a small table builds that table's indexes after its rows (deferred-indexes.ts); true when the rows were all new. */
  private inBulk(table: BulkTable, tenant: string, rows: number, write: (fresh: boolean) => void): boolean {
    const deferral = deferralFor(this.db, table, tenant, rows, this.bulkMinRows);
    if (deferral === 'none') write(false);
    else withDeferredIndexes(this.db, table, deferral, () => write(deferral === 'all'));
    return deferral === 'all';
  }

  /** The stored version of a node or edge that started at `validFrom`: the current row, or history. */
  private readonly versionOf: VersionLookup = (tenant, entity, validFrom) => {
    if ('nodeId' in entity) {
      const row = this.s.nodeGet.get(tenant, entity.nodeId) as NodeRow | undefined;
      const json = row?.valid_from === validFrom ? row.json : (this.s.nodeHistoryFrom.get(tenant, entity.nodeId, validFrom) as { json: string } | undefined)?.json;
      return json === undefined ? undefined : parseNode(json);
    }
    const row = this.s.edgeGet.get(tenant, entity.edgeId) as EdgeRow | undefined;
    if (row?.valid_from === validFrom) return edgeFromRow(row);
    const past = this.s.edgeHistoryFrom.get(tenant, entity.sourceNodeId, entity.edgeId, validFrom) as EdgeColumns | undefined;
    return past && edgeFromRow(past);
  };

  /**
   * A version about to be replaced or dropped without a history row (a later write at the same
   * moment): events that refer to it for their after-state get a copy of it first (event-rows.ts).
   */
  private keepAfterRows(tenant: string, entity: { nodeId: string } | { edgeId: string; sourceNodeId: string }, validFrom: string, json: string): void {
    if ('nodeId' in entity) this.s.eventAfterRowNode.run(json, tenant, entityKey(entity.nodeId), entity.nodeId, validFrom);
    else this.s.eventAfterRowEdge.run(json, tenant, entityKey(entity.sourceNodeId), entity.sourceNodeId, entity.edgeId, validFrom);
  }

  /**
   * A tenant's first rows in the table (its indexes are built after them): all new, so plain
   * multi-row INSERTs. A tombstone among them has no edges to drop unless another connector's
   * commit stored some; those are looked up once the rows are in.
   */
  private insertNewNodes(tenant: string, nodes: readonly NormalizedNode[], at: string, connectorId: string): void {
    const batch = new InsertBatch(this.s.nodeInsertNew, this.s.nodeInsertNewMany);
    for (const node of nodes) {
      const hash = nodeContentHash(node);
      batch.add(tenant, node.nodeId, node.nodeType, connectorId, node.deletedAt ? 1 : 0, hash, rowFingerprint(node.nodeId, hash), at, JSON.stringify(node));
    }
    batch.flush();
    for (const node of nodes) if (node.deletedAt) this.removeEdgesOf(tenant, node.nodeId, at);
  }

  private insertNewEdges(tenant: string, edges: readonly NormalizedEdge[], at: string, connectorId: string): void {
    const batch = new InsertBatch(this.s.edgeInsertNew, this.s.edgeInsertNewMany);
    for (const edge of edges) {
      const content = edgeContentHash(edge);
      batch.add(tenant, edge.edgeId, edge.edgeType, edge.sourceNodeId, edge.targetNodeId, connectorId, storedEdgeHash(content), rowFingerprint(edge.edgeId, content), at, edgeBody(edge));
    }
    batch.flush();
  }

  /** A tombstone's edges, both ways, stop being valid at `at`. */
  private removeEdgesOf(tenant: string, nodeId: string, at: string): void {
    const attached = [...this.s.edgeIdsOut.all(tenant, nodeId), ...this.s.edgeIdsIn.all(tenant, nodeId)] as { edge_id: string }[];
    for (const { edge_id } of attached) this.removeEdge(tenant, edge_id, at);
  }

  /** As VersionLog.write: same content keeps the open version; new content closes it at `at`. */
  private writeNode(tenant: string, node: NormalizedNode, at: string, connectorId: string): void {
    const json = JSON.stringify(node);
    const hash = nodeContentHash(node);
    const deleted = node.deletedAt ? 1 : 0;
    const fp = rowFingerprint(node.nodeId, hash);
    // The common case: a new row, one statement.
    if (this.s.nodeInsert.run(tenant, node.nodeId, node.nodeType, connectorId, deleted, hash, fp, at, json).changes === 1) return;
    const existing = this.s.nodeGet.get(tenant, node.nodeId) as NodeRow;
    const same = existing.hash === hash || sameNodeContent(parseNode(existing.json), node);
    if (!same && existing.valid_from < at) {
      this.s.nodeHistoryInsert.run(tenant, node.nodeId, node.nodeType, existing.valid_from, at, existing.json);
    } else if (!same) this.keepAfterRows(tenant, node, existing.valid_from, existing.json);
    const validFrom = same || existing.valid_from >= at ? existing.valid_from : at;
    this.s.nodeUpdate.run(node.nodeType, connectorId, deleted, hash, fp, validFrom, json, tenant, node.nodeId);
  }

  private writeEdge(tenant: string, edge: NormalizedEdge, at: string, connectorId: string): void {
    const json = edgeBody(edge);
    const content = edgeContentHash(edge);
    const hash = storedEdgeHash(content);
    const fp = rowFingerprint(edge.edgeId, content);
    if (this.s.edgeInsert.run(tenant, edge.edgeId, edge.edgeType, edge.sourceNodeId, edge.targetNodeId, connectorId, hash, fp, at, json).changes === 1) return;
    const existing = this.s.edgeGet.get(tenant, edge.edgeId) as EdgeRow;
    const same = existing.hash === hash || sameEdgeContent(edgeFromRow(existing), edge);
    if (!same && existing.valid_from < at) {
      this.s.edgeHistoryInsert.run(tenant, edge.edgeId, existing.edge_type, existing.source_id, existing.target_id, existing.valid_from, at, existing.json);
    } else if (!same) this.keepAfterRows(tenant, { edgeId: edge.edgeId, sourceNodeId: existing.source_id }, existing.valid_from, JSON.stringify(edgeFromRow(existing)));
    const validFrom = same || existing.valid_from >= at ? existing.valid_from : at;
    this.s.edgeUpdate.run(edge.edgeType, edge.sourceNodeId, edge.targetNodeId, connectorId, hash, fp, validFrom, json, tenant, edge.edgeId);
  }

  /** The edge stops being valid at `at`; a version opened at that same moment leaves no trace. */
  private removeEdge(tenant: string, edgeId: string, at: string): void {
    const row = this.s.edgeGet.get(tenant, edgeId) as EdgeRow | undefined;
    if (!row) return;
    this.s.edgeDelete.run(tenant, edgeId);
    if (row.valid_from < at) this.s.edgeHistoryInsert.run(tenant, edgeId, row.edge_type, row.source_id, row.target_id, row.valid_from, at, row.json);
    else this.keepAfterRows(tenant, { edgeId, sourceNodeId: row.source_id }, row.valid_from, JSON.stringify(edgeFromRow(row)));
  }

  /** Outbox rows are idempotent by id: re-writing a sync's rows adds nothing and unsends nothing. */
  private enqueue(tenant: string, messages: Iterable<OutboxMessage>): void {
    for (const m of messages) {
      this.s.outboxInsert.run(tenant, m.outboxId, m.createdAt, m.batchId, m.position, m.topic, m.key, JSON.stringify(m.headers), m.payload);
    }
  }

  private putSyncState(tenant: string, state: SyncState): void {
    this.s.syncPut.run(tenant, state.syncId, state.connectorId, state.status, state.startedAt, JSON.stringify(state));
  }
}

function eventOutboxEntry(r: EventOutboxRow, versionOf: VersionLookup, tenantId: string): OutboxEntry {
  return {
    kind: 'graph_event',
    outboxId: r.event_id,
    tenantId,
    createdAt: r.outbox_at,
    batchId: r.sync_id,
    position: r.outbox_position,
    event: eventFromRow(r, versionOf, tenantId),
  };
}

function outboxMessage(r: OutboxRow, tenantId: string): OutboxMessage {
  return {
    outboxId: r.outbox_id,
    tenantId,
    topic: r.topic,
    key: r.key,
    payload: r.payload,
    headers: JSON.parse(r.headers) as OutboxMessage['headers'],
    createdAt: r.created_at,
    batchId: r.batch_id,
    position: r.position,
    ...(r.sent_at ? { sentAt: r.sent_at } : {}),
  };
}

const pastOf = (at: ReadAt | undefined) => (at?.asOf ? iso(at.asOf) : undefined);

// Row inserts: as they are for the rows of a tenant's first sync (every row new), and with ON
// CONFLICT added for the upserts.
const NODE_INSERT = 'INSERT INTO nodes (tenant, node_id, node_type, connector, deleted, hash, fp, valid_from, json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)';
const EDGE_INSERT = 'INSERT INTO edges (tenant, edge_id, edge_type, source_id, target_id, connector, hash, fp, valid_from, json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
const EVENT_INSERT = `INSERT INTO events (tenant, event_id, ts_ms, ts, sync_id, sequence, entity_id, target_entity_id, entity_key, target_key, entity_type, event_type, relationship_type, json, outbox_at, outbox_position)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** Every statement the adapter runs, prepared once per connection. */
function prepare(db: Db) {
  const p = (sql: string) => db.prepare(sql);
  const nodesAsOfUnion = (filter: string) =>
    `SELECT node_id, json FROM nodes WHERE tenant = ? ${filter} AND valid_from <= ?
     UNION ALL
     SELECT node_id, json FROM node_history WHERE tenant = ? ${filter} AND valid_from <= ? AND valid_to > ?`;
  return {
    nodeGet: p('SELECT json, valid_from, hash FROM nodes WHERE tenant = ? AND node_id = ?'),
    nodeHistoryAt: p(
      'SELECT json FROM node_history WHERE tenant = ? AND node_id = ? AND valid_from <= ? AND valid_to > ? ORDER BY valid_from DESC LIMIT 1',
    ),
    nodesOfType: p('SELECT json FROM nodes WHERE tenant = ? AND node_type = ? AND deleted = 0'),
    nodesOfTypeAsOf: p(nodesAsOfUnion('AND node_type = ?')),
    nodePage: p('SELECT node_id, json FROM nodes WHERE tenant = ? AND node_id > ? ORDER BY node_id LIMIT ?'),
    nodePageOfType: p('SELECT node_id, json FROM nodes WHERE tenant = ? AND node_type = ? AND node_id > ? ORDER BY node_id LIMIT ?'),
    nodePageAsOf: p(`SELECT node_id, json FROM (${nodesAsOfUnion('AND node_id > ?')}) ORDER BY node_id LIMIT ?`),
    nodePageOfTypeAsOf: p(`SELECT node_id, json FROM (${nodesAsOfUnion('AND node_type = ? AND node_id > ?')}) ORDER BY node_id LIMIT ?`),
    nodesOfConnector: p('SELECT json FROM nodes WHERE tenant = ? AND connector = ? AND deleted = 0'),
    nodeHashes: p('SELECT node_id, hash FROM nodes WHERE tenant = ? AND connector = ? AND deleted = 0').raw(true),
    // Covered by nodes_connector / edges_connector (schema.ts): the rows' fingerprints alone.
    nodeFingerprints: p(FINGERPRINTS_SQL.nodes).pluck(),
    anyNode: p('SELECT 1 FROM nodes WHERE tenant = ? AND connector = ? AND deleted = 0 LIMIT 1'),
    anyEdge: p('SELECT 1 FROM edges WHERE tenant = ? AND connector = ? LIMIT 1'),
    nodesWithFingerprint: p('SELECT node_id, hash FROM nodes WHERE tenant = ? AND connector = ? AND deleted = 0 AND fp = ?').raw(true),
    nodeInsert: p(`${NODE_INSERT} ON CONFLICT (tenant, node_id) DO NOTHING`),
    // Rows of a tenant's first sync, written while the table's keys are built after them.
    nodeInsertNew: p(NODE_INSERT),
    nodeInsertNewMany: p(manyRowsInsert(NODE_INSERT)),
    nodeUpdate: p('UPDATE nodes SET node_type = ?, connector = ?, deleted = ?, hash = ?, fp = ?, valid_from = ?, json = ? WHERE tenant = ? AND node_id = ?'),
    nodeHistoryFrom: p('SELECT json FROM node_history WHERE tenant = ? AND node_id = ? AND valid_from = ?'),
    nodeHistoryInsert: p('INSERT INTO node_history (tenant, node_id, node_type, valid_from, valid_to, json) VALUES (?, ?, ?, ?, ?, ?)'),

    edgeGet: p(`SELECT ${EDGE_ROW_COLUMNS}, valid_from, hash FROM edges WHERE tenant = ? AND edge_id = ?`),
    edgesOut: p(`SELECT ${EDGE_ROW_COLUMNS}, valid_from FROM edges WHERE tenant = ? AND source_id = ?`),
    edgesIn: p(`SELECT ${EDGE_ROW_COLUMNS}, valid_from FROM edges WHERE tenant = ? AND target_id = ?`),
    edgeHistoryOut: p(`SELECT ${EDGE_ROW_COLUMNS} FROM edge_history WHERE tenant = ? AND source_id = ? AND valid_from <= ? AND valid_to > ?`),
    edgeHistoryIn: p(`SELECT ${EDGE_ROW_COLUMNS} FROM edge_history WHERE tenant = ? AND target_id = ? AND valid_from <= ? AND valid_to > ?`),
    edgeIdsOut: p('SELECT edge_id FROM edges WHERE tenant = ? AND source_id = ?'),
    edgeIdsIn: p('SELECT edge_id FROM edges WHERE tenant = ? AND target_id = ?'),
    edgesOfConnector: p(`SELECT ${EDGE_ROW_COLUMNS} FROM edges WHERE tenant = ? AND connector = ?`),
    edgeHashes: p('SELECT edge_id, hash FROM edges WHERE tenant = ? AND connector = ?').raw(true),
    edgeFingerprints: p(FINGERPRINTS_SQL.edges).pluck(),
    edgesWithFingerprint: p('SELECT edge_id, hash FROM edges WHERE tenant = ? AND connector = ? AND fp = ?').raw(true),
    edgeInsert: p(`${EDGE_INSERT} ON CONFLICT (tenant, edge_id) DO NOTHING`),
    edgeInsertNew: p(EDGE_INSERT),
    edgeInsertNewMany: p(manyRowsInsert(EDGE_INSERT)),
    edgeUpdate: p(
      'UPDATE edges SET edge_type = ?, source_id = ?, target_id = ?, connector = ?, hash = ?, fp = ?, valid_from = ?, json = ? WHERE tenant = ? AND edge_id = ?',
    ),
    edgeDelete: p('DELETE FROM edges WHERE tenant = ? AND edge_id = ?'),
    edgeHistoryFrom: p(`SELECT ${EDGE_ROW_COLUMNS} FROM edge_history WHERE tenant = ? AND source_id = ? AND edge_id = ? AND valid_from = ?`),
    edgeHistoryInsert: p(
      'INSERT INTO edge_history (tenant, edge_id, edge_type, source_id, target_id, valid_from, valid_to, json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),

    eventInsert: p(`${EVENT_INSERT} ON CONFLICT (tenant, sync_id, event_id) DO NOTHING`),
    eventInsertNew: p(EVENT_INSERT),
    eventInsertNewMany: p(manyRowsInsert(EVENT_INSERT)),
    // The copy of a version into the events that refer to it (keepAfterRows), through the entity index.
    eventAfterRowNode: p(
      `UPDATE events SET json = json_set(json_remove(json, '$.afterRow'), '$.afterState', json(?))
       WHERE tenant = ? AND entity_key = ? AND entity_id = ? AND event_type = 'created' AND json_extract(json, '$.afterRow') = ?`,
    ),
    eventAfterRowEdge: p(
      `UPDATE events SET json = json_set(json_remove(json, '$.afterRow'), '$.afterState', json(?))
       WHERE tenant = ? AND entity_key = ? AND entity_id = ? AND event_type = 'relationship_added' AND json_extract(json, '$.edgeId') = ? AND json_extract(json, '$.afterRow') = ?`,
    ),

    syncPut: p(
      `INSERT INTO sync_states (tenant, sync_id, connector, status, started_at, json) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (tenant, sync_id) DO UPDATE SET connector = excluded.connector, status = excluded.status, started_at = excluded.started_at, json = excluded.json`,
    ),
    syncs: p('SELECT json FROM sync_states WHERE tenant = ? ORDER BY started_at DESC, sync_id DESC LIMIT ?'),
    syncsOfConnector: p('SELECT json FROM sync_states WHERE tenant = ? AND connector = ? ORDER BY started_at DESC, sync_id DESC LIMIT ?'),
    lastCompletedSync: p(
      `SELECT json FROM sync_states WHERE tenant = ? AND connector = ? AND status IN ('completed', 'partial')
       ORDER BY started_at DESC, sync_id DESC LIMIT 1`,
    ),
    bumpVersion: p('INSERT INTO tenant_versions (tenant, version) VALUES (?, 1) ON CONFLICT (tenant) DO UPDATE SET version = version + 1'),
    version: p('SELECT version FROM tenant_versions WHERE tenant = ?'),

    outboxInsert: p(
      `INSERT INTO outbox (tenant, outbox_id, created_at, batch_id, position, topic, key, headers, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (tenant, outbox_id) DO NOTHING`,
    ),
    outboxPending: p(
      `SELECT tenant, outbox_id, created_at, batch_id, position, topic, key, headers, payload, sent_at FROM outbox
       WHERE sent_at IS NULL ORDER BY created_at, batch_id, position LIMIT ?`,
    ),
    outboxPendingOfTenant: p(
      `SELECT tenant, outbox_id, created_at, batch_id, position, topic, key, headers, payload, sent_at FROM outbox
       WHERE sent_at IS NULL AND tenant = ? ORDER BY created_at, batch_id, position LIMIT ?`,
    ),
    outboxList: p(
      `SELECT tenant, outbox_id, created_at, batch_id, position, topic, key, headers, payload, sent_at FROM outbox
       WHERE tenant = ? AND topic = ? ORDER BY created_at DESC, outbox_id DESC LIMIT ?`,
    ),
    outboxListBefore: p(
      `SELECT tenant, outbox_id, created_at, batch_id, position, topic, key, headers, payload, sent_at FROM outbox
       WHERE tenant = ? AND topic = ? AND (created_at, outbox_id) < (?, ?) ORDER BY created_at DESC, outbox_id DESC LIMIT ?`,
    ),
    outboxMarkSent: p('UPDATE outbox SET sent_at = ? WHERE tenant = ? AND outbox_id = ? AND sent_at IS NULL'),
    outboxStats: p('SELECT sum(sent_at IS NULL) AS pending, count(*) AS total FROM outbox'),

    leaseGet: p('SELECT owner, expires_at FROM leases WHERE key = ?'),
    leasePut: p('INSERT INTO leases (key, owner, expires_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at'),
    leaseRelease: p('DELETE FROM leases WHERE key = ? AND owner = ?'),
  };
}
