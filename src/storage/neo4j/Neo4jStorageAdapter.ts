import neo4j from 'neo4j-driver';
import type { ManagedTransaction } from 'neo4j-driver';
import { EDGE_TYPES, EventQuery, OWNERSHIP_STATES, PathQuery, PostureQuery, parseOrThrow } from '../../model/index.ts';
import type {
  EdgeType,
  EventQueryInput,
  GraphChangeSet,
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
  PostureEntry,
  SyncCommit,
  SyncState,
} from '../../model/index.ts';
import { decodeEventCursor, encodeEventCursor, positionOf } from '../event-order.ts';
import type { EdgeDirection, EventPage, NodePage, NodePageQuery, OutboxListQuery, ReadAt, StorageAdapter, StoredHashes } from '../StorageAdapter.ts';

/** Which connector a bulk load writes for (bench loads outside a sync). */
export interface WriteOptions {
  connectorId?: string;
}
import { asOfTime, edgesForNodeAsOf, nodeListAsOf, nodesAsOf, typesAsOf } from './as-of-statements.ts';
import { Neo4jStorageConfig } from './config.ts';
import type { Neo4jStorageConfigInput } from './config.ts';
import { render } from './cypher-files.ts';
import { StorageError } from '../errors.ts';
import { edgeTypeHint, removeEdgesById } from './edge-removal.ts';
import { nodeTypeLookup, writeEdges } from './edge-writes.ts';
import { Executor } from './Executor.ts';
import { readPreviousState } from './hash-pairs.ts';
import type { WorkLabel } from './Executor.ts';
import { HISTORY_TYPE_PREFIX, labelFor, NODE_LABEL, NODE_VERSION_LABEL } from './labels.ts';
import { committedOutbox } from '../committed-outbox.ts';
import { send } from './pipeline.ts';
import { parseEdge, parseEvent, parseNode, parseOutbox, parseSyncState, pendingOutboxEntry, syncParams } from './rows.ts';
import type { PendingRow } from './rows.ts';
import { anchoredPaths, pathsAsOf } from './path-expansion.ts';
import { postureChains, postureIdentities, postureOtherChains } from './posture-statements.ts';
import { applySchema } from './schema.ts';
import { commitRows, existingEdgeIds, existingNodeIds, planStage, runStaged, stageStatements, stagingTenant, switchStaged } from './staged-commit.ts';
import { disableNagleFor, portOf } from './tcp-no-delay.ts';
import { HIDDEN_PREFIX, homeIsEmpty, homeOf, lockedHomeOf, stagedHome, switchHome } from './tenant-home.ts';
import {
  MANUAL_CONNECTOR,
  edgeUpsertBatches,
  edgesForNode,
  eventAppends,
  nodeList,
  nodeUpsertBatches,
  nodeUpserts,
  outboxEnqueues,
  pathSearch,
  tombstoneEdgeRemovals,
  tombstoneEdgeTypes,
} from './statements.ts';
import type { Statement } from './statements.ts';

/** History a tenant keeps (bench and tests): versions counted as the memory adapter counts them. */
export interface HistoryStats {
  /** Current nodes (tombstones included) and relationships. */
  liveNodes: number;
  liveEdges: number;
  /** Archived versions only: NodeVersion nodes and HIST_<TYPE> relationships. */
  archivedNodeVersions: number;
  archivedEdgeVersions: number;
  /** Every version, current ones included. */
  nodeVersions: number;
  edgeVersions: number;
}

/** What a connector owns in storage, with the content hashes stored beside each row. */
export interface ConnectorSnapshot {
  graph: NormalizedGraph;
  nodeHashes: Map<string, string>;
  edgeHashes: Map<string, string>;
}

/** Run statements in `tx`, sent together (pipeline.ts). */
const run = async (tx: ManagedTransaction, statements: readonly Statement[]) => {
  await send(tx, statements);
};

/**
 * Tombstones keep no edges. The probes say which relationship types touch them (usually none: the
 * diff has removed its connector's edges of a deleted node already), and only those types get a
 * drop statement — not one statement per type for every commit that deletes a node.
 */
const dropTombstoneEdges = async (tx: ManagedTransaction, probes: readonly Statement[], drops: (types: EdgeType[]) => Statement[]) => {
  const types = new Set<EdgeType>();
  for (const result of await send(tx, probes)) for (const record of result.records) types.add(record.get('type') as EdgeType);
  if (types.size) await run(tx, drops([...types]));
};

const nowIso = () => new Date().toISOString();
/** The normalized asOf of a read, or undefined for the current graph. */
const pastOf = (at: ReadAt | undefined) => (at?.asOf ? asOfTime(at.asOf) : undefined);

const jsonColumn = async (tx: ManagedTransaction, statement: Statement): Promise<string[]> =>
  (await tx.run(statement.text, statement.params)).records.map((r) => r.get('json') as string);

/**
 * The StorageAdapter on Neo4j 5 (DESIGN decision 5), behaving as the memory adapter does (the
 * contract suite in test/contract/ is the judge). Statements come from cypher/; each method is
 * one transaction, and commitSync puts a sync's graph changes, events and sync record in one.
 */
export class Neo4jStorageAdapter implements StorageAdapter {
  private constructor(
    private readonly executor: Executor,
    private readonly batchSize: number,
    private readonly transactionRows: number,
    private readonly singleTransactionRows: number,
  ) {}

  /** Connect, check the server answers, and create missing constraints and indexes. */
  static async connect(input: Neo4jStorageConfigInput): Promise<Neo4jStorageAdapter> {
    const config = Neo4jStorageConfig.fromInput(input);
    disableNagleFor(portOf(config.uri));
    const driver = neo4j.driver(
      config.uri,
      config.user ? neo4j.auth.basic(config.user, config.password ?? '') : undefined,
      { disableLosslessIntegers: true, maxTransactionRetryTime: config.maxTransactionRetryTimeMs, logging: { level: 'error', logger: () => {} } },
    );
    const executor = new Executor(driver, {
      database: config.database,
      fetchSize: config.fetchSize,
      ...(config.transactionTimeoutMs ? { transactionTimeoutMs: config.transactionTimeoutMs } : {}),
    });
    try {
      if (config.applySchema) await applySchema(executor);
      else await executor.read({ operation: 'ping' }, (tx) => tx.run('RETURN 1'));
    } catch (error) {
      await driver.close();
      throw error;
    }
    return new Neo4jStorageAdapter(executor, config.batchSize, config.transactionRows, config.singleTransactionRows);
  }

  /**
   * The home each tenant's last read found: a hint only, for building a commit's statements before
   * its transaction (commitInOne); the home read under the lock decides what is written.
   */
  private readonly homeHints = new Map<string, string>();

  /** A read of the tenant's rows: `work` gets the id they are stored under (tenant-home.ts). */
  private readTenant<T>(operation: string, tenantId: string, work: (tx: ManagedTransaction, storedAs: string) => Promise<T>): Promise<T> {
    return this.executor.read({ operation, tenantId }, async (tx) => {
      const home = await homeOf(tx, tenantId);
      this.homeHints.set(tenantId, home);
      return work(tx, home);
    });
  }

  /** A write of the tenant's rows, holding its home's lock (tenant-home.ts). */
  private writeTenant<T>(operation: string, tenantId: string, work: (tx: ManagedTransaction, storedAs: string) => Promise<T>): Promise<T> {
    return this.executor.write({ operation, tenantId }, async (tx) => work(tx, await lockedHomeOf(tx, tenantId)));
  }

  /** The tenant's home in a transaction of its own, for work that writes in many transactions (bulk loads) or purges. */
  private storedAs(tenantId: string): Promise<string> {
    return this.executor.read({ operation: 'tenantHome', tenantId }, (tx) => homeOf(tx, tenantId));
  }

  // --- graph operations ---

  async getNode(tenantId: string, nodeId: string, at?: ReadAt): Promise<NormalizedNode | null> {
    return (await this.getNodes(tenantId, [nodeId], at))[0] ?? null;
  }

  async getNodes(tenantId: string, nodeIds: readonly string[], at?: ReadAt): Promise<(NormalizedNode | null)[]> {
    if (nodeIds.length === 0) return [];
    const asOf = pastOf(at);
    const statementFor = (t: string) => (asOf ? nodesAsOf(t, nodeIds, asOf) : { text: render('nodeGetMany'), params: { tenantId: t, nodeIds: [...new Set(nodeIds)] } });
    const found = await this.readTenant('getNodes', tenantId, async (tx, t) => {
      const statement = statementFor(t);
      const result = await tx.run(statement.text, statement.params);
      return new Map(result.records.map((r) => [r.get('nodeId') as string, r.get('json') as string | null]));
    });
    return nodeIds.map((id) => {
      const json = found.get(id);
      return json ? parseNode(json) : null;
    });
  }

  async getNodesByType(tenantId: string, nodeType: NodeType, at?: ReadAt): Promise<NormalizedNode[]> {
    const asOf = pastOf(at);
    const text = asOf ? undefined : render('nodeByType', { LABEL: labelFor(nodeType) });
    const rows = await this.readTenant('getNodesByType', tenantId, (tx, t) =>
      jsonColumn(tx, text ? { text, params: { tenantId: t } } : nodeListAsOf(t, { nodeType }, asOf!)),
    );
    return rows.map(parseNode);
  }

  async listNodes(tenantId: string, query: NodePageQuery, at?: ReadAt): Promise<NodePage> {
    const first = Math.max(0, Math.floor(query.first));
    const asOf = pastOf(at);
    const listing = {
      ...(query.nodeType ? { nodeType: query.nodeType } : {}),
      ...(query.filters ? { filters: query.filters } : {}),
      ...(query.includeDeleted ? { includeDeleted: true } : {}),
      ...(query.after ? { after: query.after } : {}),
      limit: first + 1,
    };
    const rows = await this.readTenant('listNodes', tenantId, (tx, t) => jsonColumn(tx, asOf ? nodeListAsOf(t, listing, asOf) : nodeList(t, listing)));
    return { nodes: rows.slice(0, first).map(parseNode), hasNextPage: rows.length > first };
  }

  async getEdgesForNode(tenantId: string, nodeId: string, direction: EdgeDirection, at?: ReadAt): Promise<NormalizedEdge[]> {
    const asOf = pastOf(at);
    const rows = await this.readTenant('getEdgesForNode', tenantId, (tx, t) =>
      jsonColumn(tx, asOf ? edgesForNodeAsOf(t, nodeId, direction, asOf) : edgesForNode(t, nodeId, direction)),
    );
    return rows.map(parseEdge);
  }

  /**
   * Not part of StorageAdapter: a bulk load outside any sync, for benchmarks that fill a tenant
   * too large for one transaction. Batches of `batchSize` rows grouped by type, committed in transactions of about
   * `transactionRows` rows, so a million rows never need one huge transaction; commitSync is the
   * all-or-nothing path. Every type is checked before the first batch is written.
   */
  async bulkUpsertNodes(tenantId: string, nodes: NormalizedNode[], options?: WriteOptions): Promise<void> {
    const statements = nodeUpsertBatches(await this.storedAs(tenantId), nodes, options?.connectorId ?? MANUAL_CONNECTOR, nowIso(), this.batchSize);
    await this.writeInTransactions({ operation: 'bulkUpsertNodes', tenantId }, statements);
  }

  /**
   * Not part of StorageAdapter (see bulkUpsertNodes); batched the same way. `created`: the caller
   * knows none of these edges is stored yet (an initial import), so they are created as a first
   * sync's new edges are (edge-writes.ts), not merged.
   */
  async bulkUpsertEdges(tenantId: string, edges: NormalizedEdge[], options?: WriteOptions & { created?: boolean }): Promise<void> {
    const connectorId = options?.connectorId ?? MANUAL_CONNECTOR;
    const storedAs = await this.storedAs(tenantId);
    if (!options?.created) {
      await this.writeInTransactions({ operation: 'bulkUpsertEdges', tenantId }, edgeUpsertBatches(storedAs, edges, connectorId, nowIso(), this.batchSize));
      return;
    }
    const write = { tenantId: storedAs, connectorId, at: nowIso(), batchSize: this.batchSize };
    for (let i = 0; i < edges.length; i += this.transactionRows) {
      const part = edges.slice(i, i + this.transactionRows);
      await this.executor.write({ operation: 'bulkUpsertEdges', tenantId }, (tx) => writeEdges(tx, part, new Set(part.map((e) => e.edgeId)), () => undefined, write));
    }
  }

  // --- paths ---

  async queryPaths(tenantId: string, input: PathQueryInput, at?: ReadAt): Promise<ExecutionPath[]> {
    const query = parseOrThrow(PathQuery, input, 'path query');
    // As of a past moment: level by level over current and history relationships (path-expansion.ts).
    const asOf = pastOf(at);
    if (asOf) return pathsAsOf(this.executor, tenantId, query, asOf);
    // From one node: fetch its neighbourhood and walk it here (path-expansion.ts). From every
    // node of a type: one variable-length MATCH, ordered and limited on the server.
    if (query.startNodeId !== undefined) return anchoredPaths(this.executor, tenantId, { ...query, startNodeId: query.startNodeId });
    const found = await this.readTenant('queryPaths', tenantId, async (tx, t) => {
      const statement = pathSearch(t, query);
      const record = (await tx.run(statement.text, statement.params)).records[0];
      return {
        pathNodeIds: (record?.get('pathNodeIds') ?? []) as string[][],
        pathEdgeIds: (record?.get('pathEdgeIds') ?? []) as string[][],
        nodes: (record?.get('nodes') ?? []) as string[],
        edges: (record?.get('edges') ?? []) as string[],
      };
    });
    const nodes = new Map(found.nodes.map((json) => parseNode(json)).map((n) => [n.nodeId, n]));
    const edges = new Map(found.edges.map((json) => parseEdge(json)).map((e) => [e.edgeId, e]));
    return found.pathNodeIds.map((nodeIds, i) => {
      const pathNodes = nodeIds.map((id) => nodes.get(id)!);
      const pathEdges = found.pathEdgeIds[i]!.map((id) => edges.get(id)!);
      return { nodes: pathNodes, edges: pathEdges, depth: pathEdges.length, startNode: pathNodes[0]!, endNode: pathNodes.at(-1)! };
    });
  }

  // --- events ---

  async queryEvents(tenantId: string, query: EventQueryInput): Promise<GraphEvent[]> {
    return (await this.queryEventPage(tenantId, query)).events;
  }

  async queryEventPage(tenantId: string, input: EventQueryInput): Promise<EventPage> {
    const q = parseOrThrow(EventQuery, input, 'event query');
    const after = q.after ? decodeEventCursor(q.after) : undefined;
    const text = render('eventQuery', { ORDER: q.orderBy === 'asc' ? 'ASC' : 'DESC', AFTER: q.orderBy === 'asc' ? '>' : '<' });
    const params = {
      entityId: q.entityId ?? null,
      entityType: q.entityType ?? null,
      eventType: q.eventType ?? null,
      relationshipType: q.relationshipType ?? null,
      syncId: q.syncId ?? null,
      sinceMs: q.since ? Date.parse(q.since) : null,
      untilMs: q.until ? Date.parse(q.until) : null,
      after: after ? [Date.parse(after[0]), after[0], after[1], after[2]] : null,
      limit: neo4j.int(q.limit + 1),
    };
    const rows = await this.readTenant('queryEvents', tenantId, (tx, t) => jsonColumn(tx, { text, params: { ...params, tenantId: t } }));
    const events = rows.slice(0, q.limit).map(parseEvent);
    const last = events.at(-1);
    return rows.length > q.limit && last ? { events, nextCursor: encodeEventCursor(positionOf(last)) } : { events };
  }

  // --- state ---

  async getEdges(tenantId: string, edgeIds: readonly string[]): Promise<(NormalizedEdge | null)[]> {
    if (edgeIds.length === 0) return [];
    // The edge-id index is per relationship type: the type an id names is tried first, every type
    // only for the ids that were not found under it (see edge-removal.ts). The statements of one
    // round are sent together and read in order (one round trip, not one per type).
    const found = new Map<string, NormalizedEdge>();
    const byType = new Map<EdgeType, string[]>();
    for (const id of new Set(edgeIds)) {
      const type = edgeTypeHint(id);
      if (!type) continue;
      let ids = byType.get(type);
      if (!ids) byType.set(type, (ids = []));
      ids.push(id);
    }
    await this.readTenant('getEdges', tenantId, async (tx, t) => {
      const fetchAll = async (lookups: Iterable<[EdgeType, string[]]>) => {
        const results = [...lookups].map(([type, ids]) => tx.run(render('edgeGetMany', { TYPE: type }), { tenantId: t, edgeIds: ids }));
        for (const result of results) {
          for (const record of (await result).records) {
            const edge = parseEdge(record.get('json') as string);
            found.set(edge.edgeId, edge);
          }
        }
      };
      await fetchAll(byType);
      const rest = [...new Set(edgeIds)].filter((id) => !found.has(id));
      if (rest.length) await fetchAll(EDGE_TYPES.map((type): [EdgeType, string[]] => [type, rest]));
    });
    return edgeIds.map((id) => found.get(id) ?? null);
  }

  async lastCompletedSync(tenantId: string, connectorId: string): Promise<SyncState | null> {
    const rows = await this.readTenant('lastCompletedSync', tenantId, (tx, t) =>
      jsonColumn(tx, { text: render('syncLastCompleted'), params: { tenantId: t, connectorId } }),
    );
    return rows[0] ? parseSyncState(rows[0]) : null;
  }

  /**
   * Ids and content hashes from the connector indexes alone: no row is read in full, and the rows
   * come as one list of strings per statement, two pipelined statements in all (hash-pairs.ts).
   */
  async previousState(tenantId: string, connectorId: string): Promise<StoredHashes> {
    return this.readTenant('previousState', tenantId, (tx, t) => readPreviousState(tx, t, connectorId));
  }

  /** Other processes write this store too: the version is read from the tenant's sync records. */
  async dataVersion(tenantId: string): Promise<string | undefined> {
    return this.readTenant('dataVersion', tenantId, async (tx, t) => {
      const record = (await tx.run(render('syncDataVersion'), { tenantId: t })).records[0];
      return `${Number(record?.get('records') ?? 0)}|${(record?.get('lastWrite') as string | null) ?? ''}`;
    });
  }

  async saveSyncState(tenantId: string, state: SyncState): Promise<void> {
    await this.writeTenant('saveSyncState', tenantId, (tx, t) => tx.run(render('syncSave'), syncParams(t, state)));
  }

  async listSyncStates(tenantId: string, options: { connectorId?: string; limit?: number } = {}): Promise<SyncState[]> {
    const params = { connectorId: options.connectorId ?? null, limit: neo4j.int(Math.max(0, options.limit ?? 50)) };
    const rows = await this.readTenant('listSyncStates', tenantId, (tx, t) => jsonColumn(tx, { text: render('syncList'), params: { ...params, tenantId: t } }));
    return rows.map(parseSyncState);
  }

  async getGraphForConnector(tenantId: string, connectorId: string): Promise<NormalizedGraph> {
    return (await this.getConnectorSnapshot(tenantId, connectorId)).graph;
  }

  /**
   * getGraphForConnector plus the content hash stored with each node and edge, so a sync can hand
   * them to diffGraphs (DiffOptions.previousNodeHashes) and hash only the new extraction. Rows
   * stream from the server in fetchSize pages, parsed as they arrive.
   */
  async getConnectorSnapshot(tenantId: string, connectorId: string): Promise<ConnectorSnapshot> {
    const last = await this.lastCompletedSync(tenantId, connectorId);
    const nodes: NormalizedNode[] = [];
    const edges: NormalizedEdge[] = [];
    const nodeHashes = new Map<string, string>();
    const edgeHashes = new Map<string, string>();
    await this.readTenant('getGraphForConnector', tenantId, async (tx, t) => {
      nodes.length = edges.length = 0;
      nodeHashes.clear();
      edgeHashes.clear();
      for await (const record of tx.run(render('nodeForConnector'), { tenantId: t, connectorId })) {
        const node = parseNode(record.get('json') as string);
        nodes.push(node);
        nodeHashes.set(node.nodeId, record.get('hash') as string);
      }
      for (const type of EDGE_TYPES) {
        for await (const record of tx.run(render('edgeForConnector', { TYPE: type }), { tenantId: t, connectorId })) {
          const edge = parseEdge(record.get('json') as string);
          edges.push(edge);
          edgeHashes.set(edge.edgeId, record.get('hash') as string);
        }
      }
    });
    const graph: NormalizedGraph = {
      syncId: last?.syncId ?? 'none',
      connectorId,
      tenantId,
      transformedAt: last?.completedAt ?? last?.startedAt ?? new Date(0).toISOString(),
      nodes,
      edges,
      temporalMarkers: [],
      evidenceCompleteness: last?.evidenceCompleteness ?? { sources: {} },
    };
    return { graph, nodeHashes, edgeHashes };
  }

  /**
   * One transaction: edge removals (edge-removal.ts), node upserts (tombstones lose their edges), edge upserts,
   * events, outbox rows, the sync record. The statements are built for the tenant's home (tenant-home.ts)
   * at the start of the transaction, once its lock is held, and so every label and type is checked before
   * anything is written; any failure inside rolls all of it back. History is written by
   * the same statements: what this sync wrote is valid from its data's time (validAt, else startedAt).
   * A commit of more than `singleTransactionRows` rows is staged first (staged-commit.ts): still
   * all or nothing for every reader, without one transaction holding all of it.
   */
  async commitSync(tenantId: string, commit: SyncCommit): Promise<void> {
    const at = asOfTime(commit.syncState.validAt ?? commit.syncState.startedAt);
    const outbox = [...committedOutbox(commit)];
    if (commitRows(commit.changes, commit.events, outbox.length) > this.singleTransactionRows) {
      await this.commitStaged(tenantId, commit, at, outbox);
      return;
    }
    await this.commitInOne(tenantId, commit.connectorId, commit.changes, { events: commit.events, outbox, syncState: commit.syncState, at });
  }

  /**
   * `first` runs first in the transaction, with the tenant's home locked, and says which id the
   * rest is written under (a staged commit's switch: the home, or the new home it switched to).
   */
  private async commitInOne(
    tenantId: string,
    connectorId: string,
    changes: GraphChangeSet,
    { events, outbox, syncState, at }: { events: readonly GraphEvent[]; outbox: readonly OutboxEntry[]; syncState: SyncState; at: string },
    first?: (tx: ManagedTransaction, storedAs: string) => Promise<string>,
  ): Promise<void> {
    // Built once per home and way of writing events (a retried transaction reuses them).
    const built = new Map<string, { nodes: Statement[]; probes: Statement[]; rest: Statement[] }>();
    const statementsFor = (t: string, createEvents: boolean) => {
      const key = `${createEvents ? 'create' : 'merge'}|${t}`;
      let b = built.get(key);
      if (!b) {
        b = {
          nodes: nodeUpserts(t, changes.upsertNodes, connectorId, at, this.batchSize),
          probes: tombstoneEdgeTypes(t, changes.upsertNodes, this.batchSize),
          rest: [...eventAppends(t, events, this.batchSize, outbox, createEvents), { text: render('syncSave'), params: syncParams(t, syncState) }],
        };
        built.set(key, b);
      }
      return b;
    };
    const typeOf = nodeTypeLookup(changes.upsertNodes);
    const write = (newEdgeIds: ReadonlySet<string> | undefined, createEvents: boolean) =>
      this.writeTenant('commitSync', tenantId, async (tx, home) => {
        const t = first ? await first(tx, home) : home;
        const statements = statementsFor(t, createEvents);
        // Sent in three rounds (pipeline.ts), each waiting only for what it depends on: removals
        // and node upserts; the tombstone probes (after every removal); edge writes and the rest.
        await Promise.all([removeEdgesById(tx, t, changes.removeEdgeIds, at, this.batchSize), run(tx, statements.nodes)]);
        await dropTombstoneEdges(tx, statements.probes, (types) => tombstoneEdgeRemovals(t, changes.upsertNodes, at, this.batchSize, types));
        await Promise.all([
          writeEdges(tx, changes.upsertEdges, newEdgeIds, typeOf, { tenantId: t, connectorId, at, batchSize: this.batchSize }),
          run(tx, statements.rest),
        ]);
      });
    // Built before the transaction for the home the last read found (a sync read its previous
    // state just before): ~20 ms of a 100k-node 1% sync's commit not spent holding the tenant's
    // lock. Under another home the statements are built again inside.
    const hinted = first ? undefined : this.homeHints.get(tenantId);
    if (hinted !== undefined) statementsFor(hinted, events.length > 0);
    try {
      // Edges the diff found new and the sync's events are created, not merged (edge-writes.ts,
      // events/create.cypher).
      await write(changes.newEdgeIds, events.length > 0);
    } catch (error) {
      // An edge new to this connector that another connector already wrote, or an event id stored
      // already (the same sync committed again), breaks a key constraint on CREATE; the whole
      // commit rolled back, so it is redone with MERGE alone.
      if (!(changes.newEdgeIds?.size || events.length) || !(error instanceof StorageError && error.code === 'CONFLICT')) throw error;
      await write(undefined, false);
    }
  }

  /**
   * commitSync of a large commit (staged-commit.ts). Into a tenant whose home holds nothing yet (a
   * first sync), everything is staged under a new home and the switch only repoints the tenant to
   * it (tenant-home.ts): one small write, whatever the sync's size. Otherwise creates are staged
   * under a staging tenant and the switch gives each staged row the tenant's home.
   */
  private async commitStaged(tenantId: string, commit: SyncCommit, at: string, outbox: readonly OutboxEntry[]): Promise<void> {
    const { changes, connectorId } = commit;
    const { home, empty, plan } = await this.readTenant('commitSync.plan', tenantId, async (tx, t) => {
      if (await homeIsEmpty(tx, t)) return { home: t, empty: true, plan: planStage(changes, new Set(), new Set()) };
      const live = changes.upsertNodes.filter((n) => !n.deletedAt).map((n) => n.nodeId);
      const candidates = changes.newEdgeIds ? changes.upsertEdges.filter((e) => changes.newEdgeIds!.has(e.edgeId)) : [];
      const existing = planStage(changes, await existingNodeIds(tx, t, live, this.batchSize), await existingEdgeIds(tx, t, candidates, this.batchSize));
      return { home: t, empty: false, plan: existing };
    });
    const stage = empty ? stagedHome(tenantId, connectorId, home) : stagingTenant(tenantId, connectorId);
    await this.purgeTenant(stage); // what a staged commit that died left behind
    const label = { operation: 'commitSync.stage', tenantId };
    const switched = async (tx: ManagedTransaction, current: string) => {
      if (empty && current === home && (await homeIsEmpty(tx, current))) {
        await switchHome(tx, tenantId, current, stage);
        return stage;
      }
      // Not a first sync, or another write reached the tenant since the plan (its rows are not
      // under the new home): the staged rows move to the tenant's home one by one. A staged id
      // the tenant now has breaks a key constraint and the whole commit rolls back.
      await switchStaged(tx, stage, current);
      return current;
    };
    try {
      const typeOf = nodeTypeLookup(plan.nodes);
      const statements = stageStatements(stage, plan, commit.events, outbox, { connectorId, at, batchSize: this.batchSize, typeOf, pending: empty });
      await this.writeInTransactions(label, statements, runStaged);
      await this.commitInOne(tenantId, connectorId, plan.rest, { events: [], outbox: [], syncState: commit.syncState, at }, switched);
    } catch (error) {
      await this.purgeTenant(stage).catch(() => undefined);
      throw error;
    }
  }

  // --- outbox and leases (system-wide, not tenant-scoped: see OutboxStore) ---

  async pendingOutbox(limit: number, tenantId?: string): Promise<OutboxEntry[]> {
    const params = { limit: neo4j.int(Math.max(0, Math.floor(limit))), hidden: HIDDEN_PREFIX };
    // A published event is its own outbox row (rows.ts eventRow): its entry is made from its fields.
    return this.executor.read({ operation: 'pendingOutbox' }, async (tx) => {
      const result = await tx.run(render('outboxPending'), { ...params, tenantId: tenantId === undefined ? null : await homeOf(tx, tenantId) });
      const entries: OutboxEntry[] = [];
      for (const r of result.records) {
        const entry = pendingOutboxEntry(r.toObject() as unknown as PendingRow);
        if (entry) entries.push(entry);
      }
      return entries;
    });
  }

  async markOutboxSent(keys: readonly { tenantId: string; outboxId: string }[], sentAt: string): Promise<void> {
    if (keys.length === 0) return;
    const params = { keys: keys.map(({ tenantId, outboxId }) => ({ tenantId, outboxId })), sentAt };
    await this.executor.write({ operation: 'markOutboxSent' }, (tx) => tx.run(render('outboxMarkSent'), params));
  }

  async enqueueOutbox(tenantId: string, messages: readonly OutboxMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.writeTenant('enqueueOutbox', tenantId, (tx, t) => run(tx, outboxEnqueues(t, messages, this.batchSize)));
  }

  async listOutbox(tenantId: string, query: OutboxListQuery): Promise<OutboxMessage[]> {
    const params = {
      topic: query.topic,
      limit: neo4j.int(Math.max(0, Math.floor(query.limit))),
      beforeCreatedAt: query.before?.createdAt ?? null,
      beforeOutboxId: query.before?.outboxId ?? null,
    };
    return this.readTenant('listOutbox', tenantId, async (tx, t) => {
      const result = await tx.run(render('outboxList'), { ...params, tenantId: t });
      return result.records.map((r) => {
        const sentAt = r.get('sentAt') as string | null;
        return { ...(parseOutbox(r.get('json') as string) as OutboxMessage), ...(sentAt ? { sentAt } : {}) };
      });
    });
  }

  async outboxStats(): Promise<{ pending: number; sent: number }> {
    return this.executor.read({ operation: 'outboxStats' }, async (tx) => {
      const record = (await tx.run(render('outboxStats'))).records[0];
      return { pending: Number(record?.get('pending') ?? 0), sent: Number(record?.get('sent') ?? 0) };
    });
  }

  async tryAcquireLease(key: string, owner: string, ttlMs: number): Promise<boolean> {
    return this.executor.write({ operation: 'tryAcquireLease' }, async (tx) => {
      await tx.run(render('leaseLock'), { key, owner });
      const result = await tx.run(render('leaseAcquire'), { key, owner, ttlMs: neo4j.int(Math.max(0, Math.round(ttlMs))) });
      return result.records[0]?.get('granted') === true;
    });
  }

  async releaseLease(key: string, owner: string): Promise<void> {
    await this.executor.write({ operation: 'releaseLease' }, (tx) => tx.run(render('leaseRelease'), { key, owner }));
  }

  async postureCounts(tenantId: string, input: PostureQuery, at?: ReadAt): Promise<PostureCounts> {
    const query = parseOrThrow(PostureQuery, input, 'posture query');
    const asOf = pastOf(at);
    return this.readTenant('postureCounts', tenantId, async (tx, t) => {
      const chains = postureChains(t, query, asOf);
      const identities = postureIdentities(t, asOf);
      const others = postureOtherChains(t, query, asOf);
      const i = await tx.run(identities.text, identities.params);
      const c = await tx.run(chains.text, chains.params);
      const o = (await tx.run(others.text, others.params)).records[0];
      const identitiesByOwnership = Object.fromEntries(OWNERSHIP_STATES.map((s) => [s, 0])) as PostureCounts['identitiesByOwnership'];
      for (const r of i.records) {
        const state = r.get('state') as string;
        if (Object.hasOwn(identitiesByOwnership, state)) identitiesByOwnership[state as keyof typeof identitiesByOwnership] = Number(r.get('count'));
      }
      const row = c.records[0];
      const walked = new Map(((row?.get('chainsByKind') ?? []) as [string, unknown][]).map(([k, n]) => [k, n]));
      const list = (count: string, top: string) => ({
        count: Number(row?.get(count) ?? 0),
        top: ((row?.get(top) ?? []) as { nodeId: string; chains: number; expiresAt?: string | null }[]).map(
          (e): PostureEntry => ({ nodeId: e.nodeId, chains: Number(e.chains), ...(e.expiresAt ? { expiresAt: e.expiresAt } : {}) }),
        ),
      });
      return {
        identitiesByOwnership,
        chainsByKind: {
          authenticates_as: Number(walked.get('authenticates_as') ?? 0),
          runs_as: Number(walked.get('runs_as') ?? 0),
          inbound_oauth: Number(o?.get('inbound') ?? 0),
          partial: Number(o?.get('partial') ?? 0),
          latent: Number(walked.get('latent') ?? 0) + Number(o?.get('latentPartial') ?? 0),
        },
        privilegedReachable: list('privilegedCount', 'privilegedTop'),
        credentialsExpired: list('expiredCount', 'expiredTop'),
        credentialsExpiring: list('expiringCount', 'expiringTop'),
      };
    });
  }

  /** How much history the tenant keeps beside its current graph (bench/drift-asof.bench.ts, tests). */
  async historyStats(tenantId: string): Promise<HistoryStats> {
    const all = typesAsOf(EDGE_TYPES);
    const text = render('tenantHistoryStats', {
      TYPES: all.filter((t) => !t.startsWith(HISTORY_TYPE_PREFIX)).join('|'),
      HISTORY_TYPES: all.filter((t) => t.startsWith(HISTORY_TYPE_PREFIX)).join('|'),
    });
    const record = await this.readTenant('historyStats', tenantId, async (tx, t) => (await tx.run(text, { tenantId: t })).records[0]);
    const count = (key: string) => Number(record?.get(key) ?? 0);
    const liveNodes = count('nodes');
    const liveEdges = count('edges');
    const archivedNodeVersions = count('archivedNodes');
    const archivedEdgeVersions = count('archivedEdges');
    return {
      liveNodes,
      liveEdges,
      archivedNodeVersions,
      archivedEdgeVersions,
      nodeVersions: liveNodes + archivedNodeVersions,
      edgeVersions: liveEdges + archivedEdgeVersions,
    };
  }

  /** Remove everything a tenant stored, in server-side batches (tests and benchmarks clean up), its home last. */
  async purgeTenant(tenantId: string): Promise<void> {
    const storedAs = await this.storedAs(tenantId);
    for (const id of new Set([storedAs, tenantId])) {
      for (const label of [NODE_LABEL, NODE_VERSION_LABEL, 'Event', 'SyncState', 'Outbox']) {
        await this.executor.autoCommit({ operation: 'purgeTenant', tenantId }, render('tenantPurge', { LABEL: label }), { tenantId: id });
      }
    }
    await this.executor.write({ operation: 'purgeTenant', tenantId }, (tx) => tx.run(render('tenantHomeForget'), { tenantId }));
  }

  private async writeInTransactions<S extends Statement>(
    label: WorkLabel,
    statements: Iterable<S>,
    runAll: (tx: ManagedTransaction, batch: S[]) => Promise<void> = run,
  ): Promise<void> {
    let pending: S[] = [];
    let rows = 0;
    const flush = async () => {
      const batch = pending;
      pending = [];
      rows = 0;
      await this.executor.write(label, (tx) => runAll(tx, batch));
    };
    for (const statement of statements) {
      pending.push(statement);
      rows += (statement.params.rows as unknown[] | undefined)?.length ?? 1;
      if (rows >= this.transactionRows) await flush();
    }
    if (pending.length) await flush();
  }

  async close(): Promise<void> {
    await this.executor.close();
  }
}
