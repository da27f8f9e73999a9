import { EventQuery, PathQuery, PostureQuery, compareOutbox, edgeContentHash, isEventOutboxEntry, nodeContentHash, parseOrThrow, sameEdgeContent, sameNodeContent } from '../../model/index.ts';
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
import { comparePositions, decodeEventCursor, encodeEventCursor, positionOf } from '../event-order.ts';
import { matchesFilters } from '../node-filters.ts';
import { committedOutbox } from '../committed-outbox.ts';
import { scanOrderedEvents } from './event-scan.ts';
import type {
  EdgeDirection,
  EventPage,
  NodePage,
  OutboxKey,
  StoredHashes,
  OutboxListQuery,
  ReadAt,
  NodePageQuery,
  StorageAdapter,
} from '../StorageAdapter.ts';
import { searchPaths } from '../path-search.ts';
import { postureNodeOf, postureOf } from '../posture-walk.ts';
import type { PostureNode } from '../posture-walk.ts';
import { VersionLog } from './version-log.ts';

interface StoredNode {
  node: NormalizedNode;
  connectorId: string;
  /** Content hash kept with the row, so a sync reads hashes instead of rehashing the store. */
  hash: string;
}
interface StoredEdge {
  edge: NormalizedEdge;
  connectorId: string;
  hash: string;
}

class TenantState {
  nodes = new Map<string, StoredNode>();
  edges = new Map<string, StoredEdge>();
  outgoing = new Map<string, Set<string>>();
  incoming = new Map<string, Set<string>>();
  // History: every version of every node and edge with its validity, and every edge ever seen by
  // endpoint, for reads as of a past moment.
  nodeLog = new VersionLog<NormalizedNode>();
  edgeLog = new VersionLog<NormalizedEdge>();
  everOutgoing = new Map<string, Set<string>>();
  everIncoming = new Map<string, Set<string>>();
  /** Every node id ever stored, by the type it was stored with: a read of one type, now or as of a moment, visits that type only. */
  everOfType = new Map<NodeType, Set<string>>();
  pastViews = new Map<string, GraphView>();
  events: GraphEvent[] = [];
  /** True while `events` is in event order (appends normally are: a sync's events come after the last's). */
  eventsInOrder = true;
  eventIds = new Set<string>();
  syncs = new Map<string, SyncState>();
  outbox = new Map<string, OutboxEntry>();
  /** Bumped by every write: the dataVersion callers key cached answers by. */
  version = 0;
}
const isLive = (n: NormalizedNode) => !n.deletedAt;
const sameNode = sameNodeContent;
const sameEdge = sameEdgeContent;
const iso = (time: string) => new Date(time).toISOString();

/** The graph as one moment sees it: the live maps now, the version logs for a past moment. */
interface GraphView {
  node(id: string): NormalizedNode | undefined;
  edge(id: string): NormalizedEdge | undefined;
  edgeIds(nodeId: string, direction: 'outgoing' | 'incoming'): Iterable<string>;
  nodes(): Iterable<NormalizedNode>;
  nodesOfType(type: NodeType): Iterable<NormalizedNode>;
}

function currentView(t: TenantState): GraphView {
  return {
    node: (id) => t.nodes.get(id)?.node,
    edge: (id) => t.edges.get(id)?.edge,
    edgeIds: (id, dir) => (dir === 'outgoing' ? t.outgoing : t.incoming).get(id) ?? [],
    nodes: function* () {
      for (const s of t.nodes.values()) yield s.node;
    },
    nodesOfType: function* (type) {
      for (const id of t.everOfType.get(type) ?? []) {
        const n = t.nodes.get(id)?.node;
        if (n?.nodeType === type) yield n;
      }
    },
  };
}

function pastView(t: TenantState, time: string): GraphView {
  return {
    node: (id) => t.nodeLog.at(id, time),
    edge: (id) => t.edgeLog.at(id, time),
    edgeIds: (id, dir) => (dir === 'outgoing' ? t.everOutgoing : t.everIncoming).get(id) ?? [],
    nodes: function* () {
      for (const id of t.nodeLog.ids()) {
        const n = t.nodeLog.at(id, time);
        if (n) yield n;
      }
    },
    nodesOfType: function* (type) {
      for (const id of t.everOfType.get(type) ?? []) {
        const n = t.nodeLog.at(id, time);
        if (n?.nodeType === type) yield n;
      }
    },
  };
}

export class MemoryStorageAdapter implements StorageAdapter {
  private readonly tenants = new Map<string, TenantState>();
  /** Leases are process-wide (not per tenant): key → holder and expiry. */
  private readonly leases = new Map<string, { owner: string; expiresAt: number }>();

  private constructor() {}

  static create(): MemoryStorageAdapter {
    return new MemoryStorageAdapter();
  }

  private tenant(tenantId: string): TenantState {
    let t = this.tenants.get(tenantId);
    if (!t) this.tenants.set(tenantId, (t = new TenantState()));
    return t;
  }

  // --- graph operations ---

  /** The tenant's graph as of `at` (now when absent); undefined for an unknown tenant. */
  private view(tenantId: string, at?: ReadAt): GraphView | undefined {
    const t = this.tenants.get(tenantId);
    if (!t) return undefined;
    if (!at?.asOf) return currentView(t);
    // A view holds no data (it reads the logs when asked), so one per moment serves every read:
    // drift and history reads alternate between a few moments, thousands of times.
    // Keyed by the moment as asked: normalising it (a Date round trip) costs more than the read.
    let view = t.pastViews.get(at.asOf);
    if (!view) {
      if (t.pastViews.size >= 8) t.pastViews.clear();
      t.pastViews.set(at.asOf, (view = pastView(t, iso(at.asOf))));
    }
    return view;
  }

  async getNode(tenantId: string, nodeId: string, at?: ReadAt): Promise<NormalizedNode | null> {
    return this.view(tenantId, at)?.node(nodeId) ?? null;
  }

  async getNodes(tenantId: string, nodeIds: readonly string[], at?: ReadAt): Promise<(NormalizedNode | null)[]> {
    const v = this.view(tenantId, at);
    return nodeIds.map((id) => v?.node(id) ?? null);
  }

  async getNodesByType(tenantId: string, nodeType: NodeType, at?: ReadAt): Promise<NormalizedNode[]> {
    const v = this.view(tenantId, at);
    if (!v) return [];
    return [...v.nodesOfType(nodeType)].filter(isLive).sort(byNodeId);
  }

  async listNodes(tenantId: string, query: NodePageQuery, at?: ReadAt): Promise<NodePage> {
    const v = this.view(tenantId, at);
    if (!v) return { nodes: [], hasNextPage: false };
    const matching = [...v.nodes()]
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

  async getEdgesForNode(tenantId: string, nodeId: string, direction: EdgeDirection, at?: ReadAt): Promise<NormalizedEdge[]> {
    const v = this.view(tenantId, at);
    if (!v) return [];
    // One pass, no intermediate id set unless both directions can name an edge twice (a self-loop).
    const out: NormalizedEdge[] = [];
    const seen = direction === 'both' ? new Set<string>() : undefined;
    for (const dir of direction === 'both' ? (['outgoing', 'incoming'] as const) : [direction]) {
      for (const id of v.edgeIds(nodeId, dir)) {
        if (seen) {
          if (seen.has(id)) continue;
          seen.add(id);
        }
        const e = v.edge(id);
        if (e) out.push(e);
      }
    }
    return out.sort((a, b) => cmp(a.edgeId, b.edgeId));
  }

  async getEdges(tenantId: string, edgeIds: readonly string[]): Promise<(NormalizedEdge | null)[]> {
    const t = this.tenants.get(tenantId);
    return edgeIds.map((id) => t?.edges.get(id)?.edge ?? null);
  }

  // --- paths ---

  async queryPaths(tenantId: string, input: PathQueryInput, at?: ReadAt): Promise<ExecutionPath[]> {
    const query = parseOrThrow(PathQuery, input, 'path query');
    const v = this.view(tenantId, at);
    if (!v) return [];
    const allowed = new Set<string>(query.traverseEdgeTypes);
    const forward = query.direction === 'outgoing';
    const starts = (
      query.startNodeId
        ? [v.node(query.startNodeId)].filter((n): n is NormalizedNode => !!n)
        : query.startNodeType
          ? [...v.nodesOfType(query.startNodeType)]
          : []
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
        [...v.edgeIds(nodeId, forward ? 'outgoing' : 'incoming')]
          .map((id) => v.edge(id))
          .filter((e): e is NormalizedEdge => !!e && allowed.has(e.edgeType))
          .sort((a, b) => cmp(a.edgeId, b.edgeId))
          .map((edge) => ({ edge, next: v.node(forward ? edge.targetNodeId : edge.sourceNodeId) }))
          .filter((s): s is { edge: NormalizedEdge; next: NormalizedNode } => !!s.next && isLive(s.next)),
    });
  }

  async postureCounts(tenantId: string, input: PostureQuery, at?: ReadAt): Promise<PostureCounts> {
    const query = parseOrThrow(PostureQuery, input, 'posture query');
    // An unknown tenant is an empty graph: every count 0.
    const v = this.view(tenantId, at) ?? currentView(new TenantState());
    const projected = new Map<string, PostureNode | null>();
    const edges = function* (nodeId: string, direction: 'outgoing' | 'incoming') {
      for (const id of v.edgeIds(nodeId, direction)) {
        const e = v.edge(id);
        if (e) yield e;
      }
    };
    return postureOf(
      {
        nodesOfType: function* (type) {
          for (const n of v.nodes()) {
            const live = n.nodeType === type ? postureNodeOf(n) : null;
            if (live) yield live;
          }
        },
        node: (id) => {
          let n = projected.get(id);
          if (n === undefined) projected.set(id, (n = postureNodeOf(v.node(id))));
          return n;
        },
        edges,
        grants: (identityId) => edges(identityId, 'outgoing'),
      },
      query,
    );
  }

  // --- events ---

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
    const matches = (e: GraphEvent) =>
      (!q.entityId || e.entityId === q.entityId || e.targetEntityId === q.entityId) &&
      (!q.entityType || e.entityType === q.entityType) &&
      (!q.eventType || e.eventType === q.eventType) &&
      (!q.relationshipType || e.relationshipType === q.relationshipType) &&
      (!q.syncId || e.syncId === q.syncId);
    if (t.eventsInOrder) {
      const { page, more } = scanOrderedEvents(t.events, q, after, matches);
      const last = page.at(-1);
      return more && last ? { events: page, nextCursor: encodeEventCursor(positionOf(last)) } : { events: page };
    }
    const matching = t.events
      .filter(
        (e) =>
          matches(e) &&
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

  async lastCompletedSync(tenantId: string, connectorId: string): Promise<SyncState | null> {
    const t = this.tenants.get(tenantId);
    if (!t) return null;
    return (
      [...t.syncs.values()]
        .filter((s) => s.connectorId === connectorId && (s.status === 'completed' || s.status === 'partial'))
        .sort((a, b) => cmp(b.startedAt, a.startedAt) || cmp(b.syncId, a.syncId))[0] ?? null
    );
  }

  async saveSyncState(tenantId: string, state: SyncState): Promise<void> {
    const t = this.tenant(tenantId);
    t.syncs.set(state.syncId, structuredClone(state));
    t.version++;
  }

  async previousState(tenantId: string, connectorId: string): Promise<StoredHashes> {
    const t = this.tenants.get(tenantId);
    const nodeHashes = new Map<string, string>();
    const edgeHashes = new Map<string, string>();
    if (t) {
      for (const s of t.nodes.values()) if (s.connectorId === connectorId && isLive(s.node)) nodeHashes.set(s.node.nodeId, s.hash);
      for (const s of t.edges.values()) if (s.connectorId === connectorId) edgeHashes.set(s.edge.edgeId, s.hash);
    }
    return { nodeHashes, edgeHashes };
  }

  async dataVersion(tenantId: string): Promise<string | undefined> {
    return String(this.tenants.get(tenantId)?.version ?? 0);
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
    const last = await this.lastCompletedSync(tenantId, connectorId);
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
    // Everything that can fail is done before the first write (the outbox rows are made here), and
    // there is no await between the first write and the last: nothing else runs in between.
    const outbox = [...committedOutbox(commit)];
    const t = this.tenant(tenantId);
    // Everything this sync wrote is valid from the time of its data.
    const at = iso(commit.syncState.validAt ?? commit.syncState.startedAt);
    for (const id of commit.changes.removeEdgeIds) removeEdge(t, id, at);
    for (const node of commit.changes.upsertNodes) {
      this.writeNode(t, node, at, commit.connectorId);
      // A tombstone keeps no edges: the diff lists them, this guards hand-made change sets.
      if (node.deletedAt) for (const id of [...(t.outgoing.get(node.nodeId) ?? []), ...(t.incoming.get(node.nodeId) ?? [])]) removeEdge(t, id, at);
    }
    for (const edge of commit.changes.upsertEdges) writeEdge(t, edge, at, commit.connectorId);
    appendEvents(t, commit.events);
    enqueue(t, outbox);
    t.syncs.set(commit.syncState.syncId, structuredClone(commit.syncState));
    t.version++;
  }

  // --- outbox and leases ---

  async pendingOutbox(limit: number, tenantId?: string): Promise<OutboxEntry[]> {
    const pending: OutboxEntry[] = [];
    for (const [id, t] of this.tenants) if (tenantId === undefined || id === tenantId) for (const m of t.outbox.values()) if (!m.sentAt) pending.push(m);
    return pending.sort(compareOutbox).slice(0, limit);
  }

  async markOutboxSent(keys: readonly OutboxKey[], sentAt: string): Promise<void> {
    for (const { tenantId, outboxId } of keys) {
      const row = this.tenants.get(tenantId)?.outbox.get(outboxId);
      if (row) row.sentAt = sentAt;
    }
  }

  async enqueueOutbox(tenantId: string, messages: readonly OutboxMessage[]): Promise<void> {
    enqueue(this.tenant(tenantId), messages);
  }

  async listOutbox(tenantId: string, query: OutboxListQuery): Promise<OutboxMessage[]> {
    const t = this.tenants.get(tenantId);
    if (!t) return [];
    const newestFirst = (a: { createdAt: string; outboxId: string }, b: { createdAt: string; outboxId: string }) =>
      b.createdAt.localeCompare(a.createdAt) || (a.outboxId < b.outboxId ? 1 : a.outboxId > b.outboxId ? -1 : 0);
    const { before } = query;
    return [...t.outbox.values()]
      .filter((m): m is OutboxMessage => !isEventOutboxEntry(m) && m.topic === query.topic && (!before || newestFirst(before, m) < 0))
      .sort(newestFirst)
      .slice(0, query.limit)
      .map((m) => structuredClone(m));
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

  /** How many versions history holds (growth follows changes, not syncs × graph size). */
  historyStats(tenantId: string): { nodeVersions: number; edgeVersions: number; liveNodes: number; liveEdges: number } {
    const t = this.tenants.get(tenantId);
    return {
      nodeVersions: t?.nodeLog.versionCount ?? 0,
      edgeVersions: t?.edgeLog.versionCount ?? 0,
      liveNodes: t?.nodes.size ?? 0,
      liveEdges: t?.edges.size ?? 0,
    };
  }

  async close(): Promise<void> {}

  // --- internals ---

  private writeNode(t: TenantState, node: NormalizedNode, at: string, connectorId: string): void {
    const copy = structuredClone(node);
    t.nodes.set(node.nodeId, { node: copy, connectorId, hash: nodeContentHash(copy) });
    t.nodeLog.write(node.nodeId, copy, at, sameNode);
    index(t.everOfType, node.nodeType).add(node.nodeId);
  }
}

function writeEdge(t: TenantState, edge: NormalizedEdge, at: string, connectorId: string): void {
  const existing = t.edges.get(edge.edgeId);
  if (existing) unlinkEdge(t, existing.edge);
  const copy = structuredClone(edge);
  t.edges.set(edge.edgeId, { edge: copy, connectorId, hash: edgeContentHash(copy) });
  index(t.outgoing, edge.sourceNodeId).add(edge.edgeId);
  index(t.incoming, edge.targetNodeId).add(edge.edgeId);
  index(t.everOutgoing, edge.sourceNodeId).add(edge.edgeId);
  index(t.everIncoming, edge.targetNodeId).add(edge.edgeId);
  t.edgeLog.write(edge.edgeId, copy, at, sameEdge);
}

function removeEdge(t: TenantState, edgeId: string, at: string): void {
  const stored = t.edges.get(edgeId);
  if (!stored) return;
  unlinkEdge(t, stored.edge);
  t.edgeLog.close(edgeId, at);
}

function unlinkEdge(t: TenantState, edge: NormalizedEdge): void {
  t.edges.delete(edge.edgeId);
  t.outgoing.get(edge.sourceNodeId)?.delete(edge.edgeId);
  t.incoming.get(edge.targetNodeId)?.delete(edge.edgeId);
}


/** Events are append-only and idempotent by id: a replayed sync adds nothing. */
function appendEvents(t: TenantState, events: readonly GraphEvent[]): void {
  for (const e of events) {
    if (t.eventIds.has(e.eventId)) continue;
    t.eventIds.add(e.eventId);
    const last = t.events.at(-1);
    if (last && comparePositions(positionOf(last), positionOf(e)) > 0) t.eventsInOrder = false;
    t.events.push(structuredClone(e));
  }
}

/** Outbox rows are idempotent by id: re-writing a sync's rows adds nothing and unsends nothing. */
function enqueue(t: TenantState, messages: Iterable<OutboxEntry>): void {
  for (const m of messages) if (!t.outbox.has(m.outboxId)) t.outbox.set(m.outboxId, structuredClone(m));
}

function index(map: Map<string, Set<string>>, key: string): Set<string> {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  return set;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byNodeId = (a: NormalizedNode, b: NormalizedNode) => cmp(a.nodeId, b.nodeId);
