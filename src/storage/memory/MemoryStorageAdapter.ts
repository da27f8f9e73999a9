import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { EventQuery, PathQuery, parseOrThrow } from '../../model/index.ts';
import type {
  EventQueryInput,
  ExecutionPath,
  GraphEvent,
  NodeType,
  NormalizedEdge,
  NormalizedGraph,
  NormalizedNode,
  OutboxMessage,
  PathQueryInput,
  SyncCommit,
  SyncState,
} from '../../model/index.ts';
import { comparePositions, decodeEventCursor, encodeEventCursor, positionOf } from '../event-order.ts';
import { matchesFilters } from '../node-filters.ts';
import type {
  EdgeDirection,
  EventPage,
  NodePage,
  OutboxKey,
  NodePageQuery,
  StorageAdapter,
  WriteOptions,
} from '../StorageAdapter.ts';
import { searchPaths } from './path-search.ts';

interface StoredNode {
  node: NormalizedNode;
  connectorId: string;
}
interface StoredEdge {
  edge: NormalizedEdge;
  connectorId: string;
}

class TenantState {
  nodes = new Map<string, StoredNode>();
  edges = new Map<string, StoredEdge>();
  outgoing = new Map<string, Set<string>>();
  incoming = new Map<string, Set<string>>();
  events: GraphEvent[] = [];
  eventIds = new Set<string>();
  syncs = new Map<string, SyncState>();
  outbox = new Map<string, OutboxMessage>();
}

const MANUAL_CONNECTOR = 'manual';
const isLive = (n: NormalizedNode) => !n.deletedAt;

export interface MemoryStorageOptions {
  /** When set, state is loaded from and written to this JSON file so it survives restarts. */
  filePath?: string;
}

/**
 * The embedded default store: everything in maps, indexed by edge direction for path queries.
 * Writes are synchronous between awaits, so commitSync is atomic for this process; with a file,
 * state is written to a temp file and renamed, so a crash leaves the old or the new file, never half.
 */
export class MemoryStorageAdapter implements StorageAdapter {
  private readonly tenants = new Map<string, TenantState>();
  /** Leases are process-wide (not per tenant): key → holder and expiry. */
  private readonly leases = new Map<string, { owner: string; expiresAt: number }>();
  private persisting: Promise<void> = Promise.resolve();

  private constructor(private readonly filePath?: string) {}

  static async open(options: MemoryStorageOptions = {}): Promise<MemoryStorageAdapter> {
    const adapter = new MemoryStorageAdapter(options.filePath);
    if (options.filePath && existsSync(options.filePath)) await adapter.load(options.filePath);
    return adapter;
  }

  /** In-memory only, for tests and benchmarks. */
  static create(): MemoryStorageAdapter {
    return new MemoryStorageAdapter();
  }

  private tenant(tenantId: string): TenantState {
    let t = this.tenants.get(tenantId);
    if (!t) this.tenants.set(tenantId, (t = new TenantState()));
    return t;
  }

  // --- graph operations ---

  async getNode(tenantId: string, nodeId: string): Promise<NormalizedNode | null> {
    return this.tenants.get(tenantId)?.nodes.get(nodeId)?.node ?? null;
  }

  async getNodes(tenantId: string, nodeIds: readonly string[]): Promise<(NormalizedNode | null)[]> {
    const t = this.tenants.get(tenantId);
    return nodeIds.map((id) => t?.nodes.get(id)?.node ?? null);
  }

  async getNodesByType(tenantId: string, nodeType: NodeType): Promise<NormalizedNode[]> {
    const t = this.tenants.get(tenantId);
    if (!t) return [];
    return [...t.nodes.values()].map((s) => s.node).filter((n) => n.nodeType === nodeType && isLive(n)).sort(byNodeId);
  }

  async listNodes(tenantId: string, query: NodePageQuery): Promise<NodePage> {
    const t = this.tenants.get(tenantId);
    if (!t) return { nodes: [], hasNextPage: false };
    const matching = [...t.nodes.values()]
      .map((s) => s.node)
      .filter(
        (n) =>
          (query.includeDeleted || isLive(n)) &&
          (!query.nodeType || n.nodeType === query.nodeType) &&
          (!query.after || n.nodeId > query.after) &&
          matchesFilters(n, query.filters),
      )
      .sort(byNodeId);
    return { nodes: matching.slice(0, query.first), hasNextPage: matching.length > query.first };
  }

  async getEdgesForNode(tenantId: string, nodeId: string, direction: EdgeDirection): Promise<NormalizedEdge[]> {
    const t = this.tenants.get(tenantId);
    if (!t) return [];
    const ids = new Set<string>();
    if (direction !== 'incoming') t.outgoing.get(nodeId)?.forEach((id) => ids.add(id));
    if (direction !== 'outgoing') t.incoming.get(nodeId)?.forEach((id) => ids.add(id));
    return [...ids].map((id) => t.edges.get(id)!.edge).sort((a, b) => cmp(a.edgeId, b.edgeId));
  }

  async upsertNode(tenantId: string, node: NormalizedNode, options?: WriteOptions): Promise<void> {
    this.writeNode(this.tenant(tenantId), node, options?.connectorId);
    await this.persist();
  }

  async bulkUpsertNodes(tenantId: string, nodes: NormalizedNode[], options?: WriteOptions): Promise<void> {
    const t = this.tenant(tenantId);
    for (const node of nodes) this.writeNode(t, node, options?.connectorId);
    await this.persist();
  }

  async deleteNode(tenantId: string, nodeId: string): Promise<void> {
    const t = this.tenants.get(tenantId);
    const stored = t?.nodes.get(nodeId);
    if (!t || !stored) return;
    stored.node = { ...stored.node, status: 'deleted', deletedAt: new Date().toISOString() } as NormalizedNode;
    for (const id of [...(t.outgoing.get(nodeId) ?? []), ...(t.incoming.get(nodeId) ?? [])]) removeEdge(t, id);
    await this.persist();
  }

  async upsertEdge(tenantId: string, edge: NormalizedEdge, options?: WriteOptions): Promise<void> {
    writeEdge(this.tenant(tenantId), edge, options?.connectorId);
    await this.persist();
  }

  async bulkUpsertEdges(tenantId: string, edges: NormalizedEdge[], options?: WriteOptions): Promise<void> {
    const t = this.tenant(tenantId);
    for (const edge of edges) writeEdge(t, edge, options?.connectorId);
    await this.persist();
  }

  async deleteEdge(tenantId: string, edgeId: string): Promise<void> {
    const t = this.tenants.get(tenantId);
    if (t) removeEdge(t, edgeId);
    await this.persist();
  }

  // --- paths ---

  async queryPaths(tenantId: string, input: PathQueryInput): Promise<ExecutionPath[]> {
    const query = parseOrThrow(PathQuery, input, 'path query');
    const t = this.tenants.get(tenantId);
    if (!t) return [];
    const allowed = new Set<string>(query.traverseEdgeTypes);
    const forward = query.direction === 'outgoing';
    const starts = (
      query.startNodeId
        ? [t.nodes.get(query.startNodeId)?.node].filter((n): n is NormalizedNode => !!n)
        : [...t.nodes.values()].map((s) => s.node).filter((n) => n.nodeType === query.startNodeType)
    )
      .filter((n) => isLive(n) && (!query.startNodeType || n.nodeType === query.startNodeType))
      .filter((n) => matchesFilters(n, query.startNodeFilters))
      .sort(byNodeId);
    return searchPaths({
      starts,
      maxDepth: query.maxDepth,
      limit: query.limit,
      isEnd: (n) => (!query.endNodeType || n.nodeType === query.endNodeType) && matchesFilters(n, query.endNodeFilters),
      step: (nodeId) =>
        [...((forward ? t.outgoing : t.incoming).get(nodeId) ?? [])]
          .map((id) => t.edges.get(id)!.edge)
          .filter((e) => allowed.has(e.edgeType))
          .sort((a, b) => cmp(a.edgeId, b.edgeId))
          .map((edge) => ({ edge, next: t.nodes.get(forward ? edge.targetNodeId : edge.sourceNodeId)?.node }))
          .filter((s): s is { edge: NormalizedEdge; next: NormalizedNode } => !!s.next && isLive(s.next)),
    });
  }

  // --- events ---

  async appendEvents(tenantId: string, events: GraphEvent[]): Promise<void> {
    appendEvents(this.tenant(tenantId), events);
    await this.persist();
  }

  async queryEvents(tenantId: string, query: EventQueryInput): Promise<GraphEvent[]> {
    return (await this.queryEventPage(tenantId, query)).events;
  }

  async queryEventPage(tenantId: string, input: EventQueryInput): Promise<EventPage> {
    const q = parseOrThrow(EventQuery, input, 'event query');
    const t = this.tenants.get(tenantId);
    if (!t) return { events: [] };
    const after = q.after ? decodeEventCursor(q.after) : undefined;
    const sign = q.orderBy === 'asc' ? 1 : -1;
    const since = q.since ? Date.parse(q.since) : undefined;
    const until = q.until ? Date.parse(q.until) : undefined;
    const matching = t.events
      .filter(
        (e) =>
          (!q.entityId || e.entityId === q.entityId || e.targetEntityId === q.entityId) &&
          (!q.entityType || e.entityType === q.entityType) &&
          (!q.eventType || e.eventType === q.eventType) &&
          (!q.relationshipType || e.relationshipType === q.relationshipType) &&
          (!q.syncId || e.syncId === q.syncId) &&
          (since === undefined || Date.parse(e.timestamp) >= since) &&
          (until === undefined || Date.parse(e.timestamp) <= until) &&
          (!after || sign * comparePositions(positionOf(e), after) > 0),
      )
      .sort((a, b) => sign * comparePositions(positionOf(a), positionOf(b)));
    const events = matching.slice(0, q.limit);
    const last = events.at(-1);
    return matching.length > q.limit && last ? { events, nextCursor: encodeEventCursor(positionOf(last)) } : { events };
  }

  // --- state ---

  async getLastSyncState(tenantId: string, connectorId: string): Promise<SyncState | null> {
    return (await this.listSyncStates(tenantId, { connectorId, limit: 1 }))[0] ?? null;
  }

  async saveSyncState(tenantId: string, state: SyncState): Promise<void> {
    this.tenant(tenantId).syncs.set(state.syncId, structuredClone(state));
    await this.persist();
  }

  async listSyncStates(tenantId: string, options: { connectorId?: string; limit?: number } = {}): Promise<SyncState[]> {
    const t = this.tenants.get(tenantId);
    if (!t) return [];
    return [...t.syncs.values()]
      .filter((s) => !options.connectorId || s.connectorId === options.connectorId)
      .sort((a, b) => cmp(b.startedAt, a.startedAt) || cmp(b.syncId, a.syncId))
      .slice(0, options.limit ?? 50);
  }

  async getGraphForConnector(tenantId: string, connectorId: string): Promise<NormalizedGraph> {
    const t = this.tenants.get(tenantId);
    const last = await this.getLastSyncState(tenantId, connectorId);
    const nodes = t ? [...t.nodes.values()].filter((s) => s.connectorId === connectorId && isLive(s.node)).map((s) => s.node) : [];
    const edges = t ? [...t.edges.values()].filter((s) => s.connectorId === connectorId).map((s) => s.edge) : [];
    return {
      syncId: last?.syncId ?? 'none',
      connectorId,
      tenantId,
      transformedAt: last?.completedAt ?? last?.startedAt ?? new Date(0).toISOString(),
      nodes,
      edges,
      temporalMarkers: [],
      evidenceCompleteness: last?.evidenceCompleteness ?? { sources: {} },
    };
  }

  async commitSync(tenantId: string, commit: SyncCommit): Promise<void> {
    // No await between the first write and the last: nothing else runs in between.
    const t = this.tenant(tenantId);
    for (const id of commit.changes.removeEdgeIds) removeEdge(t, id);
    for (const node of commit.changes.upsertNodes) {
      this.writeNode(t, node, commit.connectorId);
      // A tombstone keeps no edges: the diff lists them, this guards hand-made change sets.
      if (node.deletedAt) for (const id of [...(t.outgoing.get(node.nodeId) ?? []), ...(t.incoming.get(node.nodeId) ?? [])]) removeEdge(t, id);
    }
    for (const edge of commit.changes.upsertEdges) writeEdge(t, edge, commit.connectorId);
    appendEvents(t, commit.events);
    enqueue(t, commit.outbox ?? []);
    t.syncs.set(commit.syncState.syncId, structuredClone(commit.syncState));
    await this.persist();
  }

  // --- outbox and leases ---

  async pendingOutbox(limit: number): Promise<OutboxMessage[]> {
    const pending: OutboxMessage[] = [];
    for (const t of this.tenants.values()) for (const m of t.outbox.values()) if (!m.sentAt) pending.push(m);
    return pending.sort(compareOutbox).slice(0, limit);
  }

  async markOutboxSent(keys: readonly OutboxKey[], sentAt: string): Promise<void> {
    for (const { tenantId, outboxId } of keys) {
      const row = this.tenants.get(tenantId)?.outbox.get(outboxId);
      if (row) row.sentAt = sentAt;
    }
    await this.persist();
  }

  async enqueueOutbox(tenantId: string, messages: readonly OutboxMessage[]): Promise<void> {
    enqueue(this.tenant(tenantId), messages);
    await this.persist();
  }

  async outboxStats(): Promise<{ pending: number; sent: number }> {
    let pending = 0;
    let sent = 0;
    for (const t of this.tenants.values()) for (const m of t.outbox.values()) m.sentAt ? sent++ : pending++;
    return { pending, sent };
  }

  async tryAcquireLease(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    const held = this.leases.get(key);
    if (held && held.owner !== owner && held.expiresAt > now) return false;
    this.leases.set(key, { owner, expiresAt: now + ttlMs });
    return true;
  }

  async releaseLease(key: string, owner: string): Promise<void> {
    if (this.leases.get(key)?.owner === owner) this.leases.delete(key);
  }

  async close(): Promise<void> {
    await this.persisting;
  }

  // --- internals ---

  private writeNode(t: TenantState, node: NormalizedNode, connectorId = MANUAL_CONNECTOR): void {
    const existing = t.nodes.get(node.nodeId);
    t.nodes.set(node.nodeId, { node: structuredClone(node), connectorId: existing && connectorId === MANUAL_CONNECTOR ? existing.connectorId : connectorId });
  }

  /** Serialised writes of the whole state; the rename makes each write all-or-nothing. */
  private persist(): Promise<void> {
    const file = this.filePath;
    if (!file) return Promise.resolve();
    this.persisting = this.persisting.then(async () => {
      await mkdir(dirname(file), { recursive: true });
      const snapshot = Object.fromEntries(
        [...this.tenants].map(([id, t]) => [
          id,
          { nodes: [...t.nodes.values()], edges: [...t.edges.values()], events: t.events, syncs: [...t.syncs.values()], outbox: [...t.outbox.values()] },
        ]),
      );
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify({ version: 1, tenants: snapshot }));
      await rename(tmp, file);
    });
    return this.persisting;
  }

  private async load(file: string): Promise<void> {
    const data = JSON.parse(await readFile(file, 'utf8')) as {
      version: number;
      tenants: Record<string, { nodes: StoredNode[]; edges: StoredEdge[]; events: GraphEvent[]; syncs: SyncState[]; outbox?: OutboxMessage[] }>;
    };
    for (const [id, saved] of Object.entries(data.tenants)) {
      const t = this.tenant(id);
      saved.nodes.forEach((s) => t.nodes.set(s.node.nodeId, s));
      saved.edges.forEach((s) => writeEdge(t, s.edge, s.connectorId));
      appendEvents(t, saved.events);
      saved.syncs.forEach((s) => t.syncs.set(s.syncId, s));
      saved.outbox?.forEach((m) => t.outbox.set(m.outboxId, m));
    }
  }
}

function writeEdge(t: TenantState, edge: NormalizedEdge, connectorId = MANUAL_CONNECTOR): void {
  const existing = t.edges.get(edge.edgeId);
  if (existing) removeEdge(t, edge.edgeId);
  t.edges.set(edge.edgeId, { edge: structuredClone(edge), connectorId: existing && connectorId === MANUAL_CONNECTOR ? existing.connectorId : connectorId });
  index(t.outgoing, edge.sourceNodeId).add(edge.edgeId);
  index(t.incoming, edge.targetNodeId).add(edge.edgeId);
}

function removeEdge(t: TenantState, edgeId: string): void {
  const stored = t.edges.get(edgeId);
  if (!stored) return;
  t.edges.delete(edgeId);
  t.outgoing.get(stored.edge.sourceNodeId)?.delete(edgeId);
  t.incoming.get(stored.edge.targetNodeId)?.delete(edgeId);
}

/** Events are append-only and idempotent by id: a replayed sync adds nothing. */
function appendEvents(t: TenantState, events: GraphEvent[]): void {
  for (const e of events) {
    if (t.eventIds.has(e.eventId)) continue;
    t.eventIds.add(e.eventId);
    t.events.push(structuredClone(e));
  }
}

/** Outbox rows are idempotent by id: re-writing a sync's rows adds nothing and unsends nothing. */
function enqueue(t: TenantState, messages: readonly OutboxMessage[]): void {
  for (const m of messages) if (!t.outbox.has(m.outboxId)) t.outbox.set(m.outboxId, structuredClone(m));
}

export function compareOutbox(a: OutboxMessage, b: OutboxMessage): number {
  return cmp(a.createdAt, b.createdAt) || cmp(a.batchId, b.batchId) || a.position - b.position;
}

function index(map: Map<string, Set<string>>, key: string): Set<string> {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  return set;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byNodeId = (a: NormalizedNode, b: NormalizedNode) => cmp(a.nodeId, b.nodeId);
