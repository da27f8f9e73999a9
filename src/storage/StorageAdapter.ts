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
  PostureCounts,
  PostureQuery,
  SyncCommit,
  SyncState,
} from '../model/index.ts';

export type EdgeDirection = 'incoming' | 'outgoing' | 'both';

/** Which connector a write belongs to; getGraphForConnector and the diff are scoped by it. */
export interface WriteOptions {
  connectorId?: string;
}

/**
 * Reads as the graph stood at a moment (history issue). `asOf` is an ISO timestamp compared with
 * the time each version became valid (the transformedAt of the sync that wrote it), so the answer
 * is the state after every sync up to and including that moment. Absent: the current graph.
 * Callers turn a sync id into its timestamp with resolveAsOf (src/storage/as-of.ts).
 */
export interface ReadAt {
  asOf?: string;
}

export interface NodePageQuery {
  nodeType?: NodeType;
  /** Equality on top-level fields or `properties` fields; an array value means "one of". */
  filters?: Record<string, unknown>;
  includeDeleted?: boolean;
  first: number;
  /** nodeId of the last node of the previous page (nodes are ordered by nodeId). */
  after?: string;
}

export interface NodePage {
  nodes: NormalizedNode[];
  hasNextPage: boolean;
}

export interface EventPage {
  events: GraphEvent[];
  /** Cursor for the next page, absent on the last page. */
  nextCursor?: string;
}

export interface OutboxKey {
  tenantId: string;
  outboxId: string;
}

/**
 * The transactional outbox (DESIGN decision 6). Not tenant-scoped: the relay is a system process
 * that drains every tenant's outbox; API callers never reach these methods.
 */
export interface OutboxStore {
  /** Unsent rows of every tenant, oldest first by (createdAt, batchId, position). */
  pendingOutbox(limit: number): Promise<OutboxMessage[]>;
  markOutboxSent(keys: readonly OutboxKey[], sentAt: string): Promise<void>;
  /** Rows written outside a sync (e.g. drift findings); ids already present are ignored. */
  enqueueOutbox(tenantId: string, messages: readonly OutboxMessage[]): Promise<void>;
  /** Counts for monitoring and tests. */
  outboxStats(): Promise<{ pending: number; sent: number }>;
}

/** A lease held for ttlMs, across processes: one relay, one run of a connector instance. */
export interface LeaseStore {
  /** True when the caller now holds the lease (it was free, expired, or already the caller's). */
  tryAcquireLease(key: string, owner: string, ttlMs: number): Promise<boolean>;
  releaseLease(key: string, owner: string): Promise<void>;
}

/**
 * The only door to the database (DESIGN decision 4). Every method is tenant-scoped; an adapter
 * must never return another tenant's data. The seed's methods come first, then what the sync
 * engine and the API need. Behaviour is defined by test/contract/storage-adapter.contract.ts.
 */
export interface StorageAdapter extends OutboxStore, LeaseStore {
  // --- Graph operations (seed 003) ---
  /** Returns tombstones too (status 'deleted'), so history stays readable. */
  getNode(tenantId: string, nodeId: string, at?: ReadAt): Promise<NormalizedNode | null>;
  /** Live nodes only. */
  getNodesByType(tenantId: string, nodeType: NodeType, at?: ReadAt): Promise<NormalizedNode[]>;
  getEdgesForNode(tenantId: string, nodeId: string, direction: EdgeDirection, at?: ReadAt): Promise<NormalizedEdge[]>;
  upsertNode(tenantId: string, node: NormalizedNode, options?: WriteOptions): Promise<void>;
  /** Tombstones the node (status 'deleted', deletedAt now) and removes its edges. */
  deleteNode(tenantId: string, nodeId: string): Promise<void>;
  upsertEdge(tenantId: string, edge: NormalizedEdge, options?: WriteOptions): Promise<void>;
  deleteEdge(tenantId: string, edgeId: string): Promise<void>;

  // --- Path queries ---
  /** Simple paths only, depth and count capped by the model (MAX_PATH_DEPTH, MAX_PATHS). */
  queryPaths(tenantId: string, query: PathQueryInput, at?: ReadAt): Promise<ExecutionPath[]>;

  // --- Events ---
  appendEvents(tenantId: string, events: GraphEvent[]): Promise<void>;
  queryEvents(tenantId: string, query: EventQueryInput): Promise<GraphEvent[]>;
  queryEventPage(tenantId: string, query: EventQueryInput): Promise<EventPage>;

  // --- Bulk ---
  bulkUpsertNodes(tenantId: string, nodes: NormalizedNode[], options?: WriteOptions): Promise<void>;
  bulkUpsertEdges(tenantId: string, edges: NormalizedEdge[], options?: WriteOptions): Promise<void>;

  // --- State ---
  getLastSyncState(tenantId: string, connectorId: string): Promise<SyncState | null>;
  /** Live nodes and edges written for this connector, as a graph the diff can compare against. */
  getGraphForConnector(tenantId: string, connectorId: string): Promise<NormalizedGraph>;

  // --- Beyond the seed ---
  /** Graph changes, events, outbox rows and the sync record in one atomic unit: all or nothing. */
  commitSync(tenantId: string, commit: SyncCommit): Promise<void>;
  /** Insert or replace a sync record (e.g. 'running' at start, 'failed' on error). */
  saveSyncState(tenantId: string, state: SyncState): Promise<void>;
  listSyncStates(tenantId: string, options?: { connectorId?: string; limit?: number }): Promise<SyncState[]>;
  getNodes(tenantId: string, nodeIds: readonly string[], at?: ReadAt): Promise<(NormalizedNode | null)[]>;
  listNodes(tenantId: string, query: NodePageQuery, at?: ReadAt): Promise<NodePage>;
  /**
   * The tenant's posture (src/model/posture.ts): counts and ranked lists computed where the data
   * is, for dashboards, so the graph is never read into the caller.
   */
  postureCounts(tenantId: string, query: PostureQuery, at?: ReadAt): Promise<PostureCounts>;
  /** Releases connections and flushes pending persistence. */
  close(): Promise<void>;
}
