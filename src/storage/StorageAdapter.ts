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
  PostureQuery,
  SyncCommit,
  SyncState,
} from '../model/index.ts';

export type EdgeDirection = 'incoming' | 'outgoing' | 'both';

/**
 * What a sync diffs against (DESIGN decision 3, "stored ids + content hashes"): the content hash
 * (nodeContentHash / edgeContentHash) of every live node and edge a connector wrote. A sync reads
 * this instead of the whole stored graph, and full rows only for what changed (previous-graph.ts).
 */
export type PreviousState = StoredHashes | StoredFingerprints;

/** A connector's stored fingerprints, one list per kind, in ascending order. */
export interface FingerprintLists {
  nodes: Float64Array;
  edges: Float64Array;
}

export interface StoredHashes {
  nodeHashes: Map<string, string>;
  edgeHashes: Map<string, string>;
}

/**
 * The same state as one number per live row (model/fingerprint.ts: rowFingerprint of its id and
 * content hash), for a store that can read numbers far faster than millions of id and hash
 * strings (SQLite). The rows no current row matches are read back with their ids and hashes;
 * when the fingerprints cannot decide (a collision, or the rows changed since), the sync reads
 * the exact maps (sync/classify-state.ts).
 */
export interface StoredFingerprints {
  /** Whether the connector has live nodes / edges stored at all: a first sync fingerprints nothing. */
  stored: { nodes: boolean; edges: boolean };
  /**
   * Every live row's fingerprint, by kind. The caller starts this read, fingerprints its
   * extraction (`rowsExpected` rows), then awaits it: a store may read a large state on another
   * thread meanwhile.
   */
  fingerprints(rowsExpected: number): Promise<FingerprintLists>;
  /** The connector's live nodes / edges with these fingerprints: id → content hash. */
  nodesWith(fingerprints: readonly number[]): Promise<Map<string, string>>;
  edgesWith(fingerprints: readonly number[]): Promise<Map<string, string>>;
  /** The exact state, ids and hashes. */
  hashes(): Promise<StoredHashes>;
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

/** An outbox entry by its tenant, id and batch (the sync of a graph event: the SQLite store finds the event's row by it). */
export type OutboxKey = Pick<OutboxEntry, 'tenantId' | 'outboxId' | 'batchId'>;

/**
 * The transactional outbox (DESIGN decision 6). Not tenant-scoped: the relay is a system process
 * that drains every tenant's outbox; API callers never reach these methods.
 */
export interface OutboxStore {
  /**
   * Unsent entries of every tenant (or of one), oldest first by (createdAt, batchId, position):
   * messages made in advance, and graph events a commit published (`publishEvents`), which the
   * relay wraps (events/outbox-messages.ts messageOf).
   */
  pendingOutbox(limit: number, tenantId?: string): Promise<OutboxEntry[]>;
  markOutboxSent(keys: readonly OutboxKey[], sentAt: string): Promise<void>;
  /** Rows written outside a sync (e.g. drift findings); ids already present are ignored. */
  enqueueOutbox(tenantId: string, messages: readonly OutboxMessage[]): Promise<void>;
  /** Counts for monitoring and tests. */
  outboxStats(): Promise<{ pending: number; sent: number }>;
  /**
   * One tenant's prepared messages of one topic, sent or not (not the graph events a commit
   * published: those are read as events), newest first by (createdAt, outboxId), strictly before
   * `before` when given (the last row of the previous page). The product's own audit trail
   * (authgraph.audit.all) is listed through this: it is written nowhere else.
   */
  listOutbox(tenantId: string, query: OutboxListQuery): Promise<OutboxMessage[]>;
}

export interface OutboxListQuery {
  topic: string;
  limit: number;
  before?: { createdAt: string; outboxId: string };
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
  /** Current edges by id, in the order asked; null where there is none. */
  getEdges(tenantId: string, edgeIds: readonly string[]): Promise<(NormalizedEdge | null)[]>;

  // --- Path queries ---
  /** Simple paths only, depth and count capped by the model (MAX_PATH_DEPTH, MAX_PATHS). */
  queryPaths(tenantId: string, query: PathQueryInput, at?: ReadAt): Promise<ExecutionPath[]>;

  // --- Events (written only by commitSync) ---
  queryEvents(tenantId: string, query: EventQueryInput): Promise<GraphEvent[]>;
  queryEventPage(tenantId: string, query: EventQueryInput): Promise<EventPage>;

  // --- State ---
  /** The newest sync of the connector that committed its graph (status completed or partial). */
  lastCompletedSync(tenantId: string, connectorId: string): Promise<SyncState | null>;
  /** Ids and content hashes (or fingerprints of them) of the connector's live nodes and edges: what a sync diffs against. */
  previousState(tenantId: string, connectorId: string): Promise<PreviousState>;
  /**
   * Live nodes and edges written for this connector, as a whole graph. Only an incremental sync
   * needs it (a delta is laid over the stored graph); a full sync reads previousState.
   */
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
  /**
   * A token that changes whenever the tenant's stored data may have changed, whoever wrote it
   * (another process included), so cached answers can be kept until then. Undefined when the store
   * cannot tell cheaply: callers then cache nothing.
   */
  dataVersion(tenantId: string): Promise<string | undefined>;
  /** Releases connections and flushes pending persistence. */
  close(): Promise<void>;
}
