import { diffGraphs, NEW } from '../diff/index.ts';
import type { CurrentClassification, ExtractionSummary } from '../diff/index.ts';
import type { DiffResult, NodeType, NormalizedEdge, NormalizedGraph, NormalizedNode, SyncError, SyncMode, SyncState } from '../model/index.ts';
import type { StorageAdapter } from '../storage/StorageAdapter.ts';
import { syncCompletedMessage } from '../events/outbox-messages.ts';
import { classifyState } from './classify-state.ts';
import { readPreviousGraph } from './previous-graph.ts';
import type { PreviousGraph } from './previous-graph.ts';

export interface ApplyGraphOptions {
  mode?: SyncMode;
  startedAt?: string;
  deltaToken?: string;
  cursor?: SyncState['cursor'];
  /** Connector errors to record (a partial extraction's skipped entities). */
  errors?: SyncState['errors'];
  /** The previous state to diff against, when the caller already read it (an incremental overlay). */
  previous?: PreviousGraph;
  /** Node ids of the other graphs committed in the same run (a cross-system edge may point at one). */
  runNodeIds?: ReadonlySet<string>;
}

/** Dangling-edge warnings kept per sync record; the rest are counted in the last one. */
const MAX_DANGLING_WARNINGS = 50;

/**
 * An edge must join nodes that exist: in this graph, in another graph of the same run, or live in
 * the store. One that does not is refused, alone (the rest of the graph is stored), and named in
 * the sync record as a DANGLING_EDGE warning, which makes the sync partial: an analyst reading it
 * sees what the source claimed and why it is not in the graph. Refusing, rather than storing the
 * edge, keeps every store the same (a graph database cannot hold an edge without its ends).
 *
 * An edge the connector already stores under the same id (`edgeStatus` not NEW: classifyCurrent
 * against its previous state) is not checked: the id names the edge's type and ends
 * (validateGraph), and a store holds an edge only while both ends are live (dangling edges are
 * refused, tombstones drop their edges: the contract suite). The classification looked every id
 * up already; looking them up again here cost ~0.25 s of a 100k-node 1% sync. A table of the
 * graph's node ids is made only when many edges are left to check; a few edges' ends are looked
 * for in one pass over the nodes.
 */
async function withoutDanglingEdges(
  storage: StorageAdapter,
  graph: NormalizedGraph,
  runNodeIds: ReadonlySet<string> = new Set(),
  classified?: CurrentClassification,
): Promise<{ graph: NormalizedGraph; warnings: SyncError[]; refused?: ReadonlySet<NormalizedEdge>; nodeTypes?: ReadonlyMap<string, NodeType> }> {
  const edges = graph.edges;
  const edgeStatus = classified?.edgeStatus;
  let toCheck = edges.length;
  if (edgeStatus) {
    toCheck = 0;
    for (let i = 0; i < edgeStatus.length; i++) if (edgeStatus[i] === NEW) toCheck++;
  }
  if (toCheck === 0) return { graph, warnings: [] };
  // Many edges to check (a first sync): a table of the graph's nodes by id, with their types, which
  // the diff then reads the edge events' entity types from (DiffOptions.currentNodeTypes) rather
  // than making its own. A few (a 1% change of a large tenant): only their ends are looked for,
  // in one pass over the nodes, without a table of a million ids for them.
  const nodeTypes = toCheck * 8 >= graph.nodes.length ? nodeTypesOf(graph.nodes) : undefined;
  const inGraph: { has(id: string): boolean } = nodeTypes ?? endsInGraph(graph, edgeStatus, classified?.summary);
  const handedOn = nodeTypes ? { nodeTypes } : {};
  const elsewhere = new Set<string>();
  // Two checks per edge, no array per edge: a first sync of a large tenant has millions.
  for (let i = 0; i < edges.length; i++) {
    if (edgeStatus && edgeStatus[i] !== NEW) continue;
    const e = edges[i]!;
    if (!inGraph.has(e.sourceNodeId) && !runNodeIds.has(e.sourceNodeId)) elsewhere.add(e.sourceNodeId);
    if (!inGraph.has(e.targetNodeId) && !runNodeIds.has(e.targetNodeId)) elsewhere.add(e.targetNodeId);
  }
  if (elsewhere.size === 0) return { graph, warnings: [], ...handedOn };
  const ids = [...elsewhere];
  const stored = await storage.getNodes(graph.tenantId, ids);
  const missing = new Set(ids.filter((_, i) => !stored[i] || stored[i]!.status === 'deleted'));
  if (missing.size === 0) return { graph, warnings: [], ...handedOn };
  const dangling = graph.edges.filter((e) => missing.has(e.sourceNodeId) || missing.has(e.targetNodeId));
  const warnings: SyncError[] = dangling.slice(0, MAX_DANGLING_WARNINGS).map((e) => ({
    type: 'DANGLING_EDGE',
    operation: 'load',
    message: `edge ${e.edgeId} (${e.edgeType}) not stored: ${missing.has(e.sourceNodeId) ? e.sourceNodeId : e.targetNodeId} is neither in this graph nor in the store`,
  }));
  if (dangling.length > MAX_DANGLING_WARNINGS) {
    warnings.push({ type: 'DANGLING_EDGE', operation: 'load', message: `${dangling.length - MAX_DANGLING_WARNINGS} more dangling edges not stored` });
  }
  const refused = new Set(dangling);
  return { graph: { ...graph, edges: graph.edges.filter((e) => !refused.has(e)) }, warnings, refused, ...handedOn };
}

/** The ends of the edges to check (NEW in `edgeStatus`) that are nodes of the graph: found through the summary's id hashes when there is one. */
function endsInGraph(graph: NormalizedGraph, edgeStatus: Uint8Array | undefined, summary: ExtractionSummary | undefined): ReadonlySet<string> | ReadonlyMap<string, number> {
  const asked = new Set<string>();
  for (let i = 0; i < graph.edges.length; i++) {
    if (edgeStatus && edgeStatus[i] !== NEW) continue;
    asked.add(graph.edges[i]!.sourceNodeId);
    asked.add(graph.edges[i]!.targetNodeId);
  }
  if (summary) return summary.positionsOf(asked);
  const found = new Set<string>();
  for (const node of graph.nodes) if (asked.has(node.nodeId)) found.add(node.nodeId);
  return found;
}

/** Node id → type (a valid graph holds each id once: validateGraph). */
function nodeTypesOf(nodes: readonly NormalizedNode[]): Map<string, NodeType> {
  const types = new Map<string, NodeType>();
  for (let i = 0; i < nodes.length; i++) types.set(nodes[i]!.nodeId, nodes[i]!.nodeType);
  return types;
}

/**
 * The classification of a graph without its refused edges. Only edges not stored (NEW) are ever
 * refused, so the stale ids stay as they are and only the per-edge statuses lose those places.
 */
function withoutRefused(classified: CurrentClassification, edges: readonly NormalizedEdge[], refused?: ReadonlySet<NormalizedEdge>): CurrentClassification {
  if (!refused?.size) return classified;
  // The summary counted the refused edges among the extraction's: the diff counts for itself.
  return { ...classified, edgeStatus: classified.edgeStatus.filter((_, i) => !refused.has(edges[i]!)), summary: undefined };
}

/** The diff, and what the committed sync record says of it. */
export type AppliedGraph = DiffResult & {
  status: 'completed' | 'partial';
  /** Edges refused because an end is nowhere (DANGLING_EDGE), as kept in the sync record. */
  warnings: SyncError[];
};

/**
 * Diff a validated graph against what storage holds for its connector, then commit the changes,
 * the events, their outbox rows and the sync record as one unit. Loading the same graph twice
 * changes nothing and publishes nothing new.
 */
export async function applyGraph(
  storage: StorageAdapter,
  input: NormalizedGraph,
  options: ApplyGraphOptions = {},
): Promise<AppliedGraph> {
  // The stored ids and hashes first (unless the caller diffs against its own previous state),
  // and the extraction classified against them once: the dangling-edge check skips the edges
  // found stored, and the diff takes the same classification.
  const state = options.previous ? undefined : await classifyState(await storage.previousState(input.tenantId, input.connectorId), input);
  const checked = await withoutDanglingEdges(storage, input, options.runNodeIds, state?.classified);
  const graph = checked.graph;
  const errors = [...(options.errors ?? []), ...checked.warnings];
  const { previous, diffOptions } =
    options.previous ?? (await readPreviousGraph(storage, graph, state && { ...state, classified: withoutRefused(state.classified, input.edges, checked.refused) }));
  const { result, changes } = diffGraphs(previous, graph, checked.nodeTypes ? { ...diffOptions, currentNodeTypes: checked.nodeTypes } : diffOptions);
  const sourceScope = scopeOf(graph, state?.classified.summary);
  const syncState: SyncState = {
    syncId: graph.syncId,
    tenantId: graph.tenantId,
    connectorId: graph.connectorId,
    mode: options.mode ?? 'full',
    status: errors.length || result.deletionsWithheld.some((w) => w.endsWith('incomplete_extraction')) ? 'partial' : 'completed',
    startedAt: options.startedAt ?? graph.transformedAt,
    completedAt: new Date().toISOString(),
    counts: {
      nodesCreated: result.nodesCreated,
      nodesUpdated: result.nodesUpdated,
      nodesDeleted: result.nodesDeleted,
      edgesCreated: result.edgesCreated,
      edgesUpdated: result.edgesUpdated,
      edgesRemoved: result.edgesRemoved,
      events: result.events.length,
    },
    errors,
    evidenceCompleteness: graph.evidenceCompleteness,
    validAt: graph.transformedAt,
    ...(options.mode === 'full' || !options.mode ? { baselineTakenAt: graph.transformedAt } : {}),
    ...(sourceScope ? { sourceScope } : {}),
    ...(options.deltaToken ? { deltaToken: options.deltaToken } : {}),
    ...(options.cursor ? { cursor: options.cursor } : {}),
  };
  // The events are published from their own rows (publishEvents), then the sync's notice.
  const createdAt = syncState.completedAt!;
  await storage.commitSync(graph.tenantId, {
    connectorId: graph.connectorId,
    changes,
    events: result.events,
    syncState,
    publishEvents: { createdAt },
    outbox: [syncCompletedMessage(syncState, createdAt, result.events.length)],
  });
  return { ...result, status: syncState.status as AppliedGraph['status'], warnings: checked.warnings };
}

/** The scope most of the graph's nodes share: the connector's own source instance. */
function scopeOf(graph: NormalizedGraph, summary: ExtractionSummary | undefined): string | undefined {
  let counts = summary?.scopeCounts();
  if (!counts) {
    counts = new Map<string, number>();
    for (const n of graph.nodes) counts.set(n.sourceScope, (counts.get(n.sourceScope) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}
