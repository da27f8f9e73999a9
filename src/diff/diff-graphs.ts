import { EDGE_ENDPOINTS, EDGE_TYPES, NODE_TYPES, edgeHashIs, nodeHashIs, sameEdgeContent, sameNodeContent } from '../model/index.ts';
import type {
  DiffResult,
  EdgeType,
  GraphChangeSet,
  GraphEvent,
  JsonObject,
  NodeType,
  NormalizedEdge,
  NormalizedGraph,
  NormalizedNode,
  StoredGraph,
} from '../model/index.ts';
import { changedEdgeProperties, changedNodeProperties } from './changed-properties.ts';
import { diffEventIds } from './event-ids.ts';
import { IdArraySet } from './id-set.ts';
import { idTable } from './id-table.ts';
import { sortedBy } from './sorted-by.ts';
import { CHANGED, SAME, classifyCurrent } from './hashed-previous.ts';
import type { CurrentClassification, HashedPrevious } from './hashed-previous.ts';
import { typeTally } from './type-tally.ts';
import { TRIGGER_EDGE_TYPES, isTriggerRelevantLifecycle, isTriggerRelevantUpdate } from './trigger-relevance.ts';

export interface GraphDiff {
  result: DiffResult;
  changes: GraphChangeSet;
}

/**
 * Optional precomputed content hashes (nodeContentHash / edgeContentHash) of the previous graph (a store can keep them so a sync hashes
 * only the new extraction).
 */
export interface DiffOptions {
  previousNodeHashes?: ReadonlyMap<string, string>;
  previousEdgeHashes?: ReadonlyMap<string, string>;
  /** With a HashedPrevious: classifyCurrent's answer, when the caller already has it (no second hashing). */
  classified?: CurrentClassification;
  /**
   * The previous state holds only what an incremental extraction touched, and its deletions are
   * listed by the source (removal markers): a type absent from `current` is not an empty
   * extraction, so no deletion is withheld for it.
   */
  deletionsListed?: boolean;
  /**
   * The type of every node of `current` by id, when the caller already made that table (applyGraph's
   * dangling-edge check does, for a first sync): the edge events' entity types are read from it
   * instead of a second table of the same ids.
   */
  currentNodeTypes?: ReadonlyMap<string, NodeType>;
}

/** A node present on both sides whose hash differs; `changed` empty: same content, rewritten only for its hash. */
interface Updated {
  before: NormalizedNode;
  after: NormalizedNode;
  changed: string[];
}

/**
 * What a diff found, by the phase its events are emitted in (see emit), unsorted. Entities are
 * kept as they are, no object per change: a first sync finds millions.
 */
interface Found {
  created: NormalizedNode[];
  /** Updated nodes, and nodes with the same content whose stored hash differs (another key order, or a hash written by an older hash function): rewritten so the next sync skips them by hash again; no event, no count (see model/hash.ts). */
  updated: Updated[];
  /** Stored edges gone from the extraction, and the stored side of each replaced edge. */
  removed: NormalizedEdge[];
  /** New edges, the new side of each replaced edge, and edges rewritten only for their hash. */
  added: NormalizedEdge[];
  /** Replaced edges (rule 6: in both `removed` and `added`): id → the properties that changed. */
  replaced: Map<string, string[]>;
  /** Ids in `added` of edges with the same content whose stored hash differs. */
  rehashedEdges: Set<string>;
  /** Stored nodes gone from the extraction, within the deletion scope (tombstoned when emitted). */
  deleted: NormalizedNode[];
}

const found = (): Found => ({ created: [], updated: [], removed: [], added: [], replaced: new Map(), rehashedEdges: new Set(), deleted: [] });

/**
 * previous (stored, live) vs current (this extraction) → events and the changes to store.
 * Pure: no I/O, deterministic for the same inputs whatever their order.
 *
 * The six rules of seed 003, with deletion scoped (DESIGN decision 3): only types the extraction
 * saw completely can lose nodes or edges, and a type that came back empty where the store had data
 * is never wiped — an empty extraction is far likelier a source fault than a real mass deletion.
 */
export function diffGraphs(previous: StoredGraph | HashedPrevious, current: NormalizedGraph, options: DiffOptions = {}): GraphDiff {
  if ('nodeHashes' in previous)
    return diffHashed(previous, current, options.classified ?? classifyCurrent(previous, current), options.deletionsListed === true, options.currentNodeTypes);
  const at = current.transformedAt;
  const prevNodes = new Map<string, NormalizedNode>();
  for (const n of previous.nodes) prevNodes.set(n.nodeId, n);
  const currNodes = new Map<string, NormalizedNode>();
  for (const n of current.nodes) currNodes.set(n.nodeId, n);

  const { deletableNodeTypes, deletableEdgeTypes, withheld } = deletionScope(previous, current);
  const f = found();

  // Rules 1 and 2: created and updated nodes.
  for (const node of current.nodes) {
    const before = prevNodes.get(node.nodeId);
    if (!before) {
      f.created.push(node);
      continue;
    }
    const storedHash = options.previousNodeHashes?.get(node.nodeId);
    const same = storedHash ? nodeHashIs(node, storedHash) : sameNodeContent(before, node);
    if (!same) {
      const changed = changedNodeProperties(before, node);
      if (changed.length || storedHash) f.updated.push({ before, after: node, changed });
    }
  }

  // Rule 3: deleted nodes become tombstones, within the deletion scope.
  const deletedIds = new Set<string>();
  for (const node of previous.nodes) {
    if (currNodes.has(node.nodeId) || !deletableNodeTypes.has(node.nodeType)) continue;
    deletedIds.add(node.nodeId);
    f.deleted.push(node);
  }

  // Rules 4–6: edges added, removed, and replaced when their properties differ.
  const prevEdges = new Map<string, NormalizedEdge>();
  for (const e of previous.edges) prevEdges.set(e.edgeId, e);
  const currEdgeIds = new Set<string>();
  for (const edge of current.edges) {
    currEdgeIds.add(edge.edgeId);
    const before = prevEdges.get(edge.edgeId);
    if (!before) {
      f.added.push(edge);
      continue;
    }
    const storedHash = options.previousEdgeHashes?.get(edge.edgeId);
    const same = storedHash ? edgeHashIs(edge, storedHash) : sameEdgeContent(before, edge);
    if (!same) {
      // Report only real property changes (a stored hash also differs on mere key order).
      const changed = changedEdgeProperties(before, edge);
      if (changed.length) replace(f, before, edge, changed);
      else if (storedHash) rehash(f, edge);
    }
  }
  for (const edge of previous.edges) {
    if (currEdgeIds.has(edge.edgeId)) continue;
    const endpointDeleted = deletedIds.has(edge.sourceNodeId) || deletedIds.has(edge.targetNodeId);
    if (endpointDeleted || deletableEdgeTypes.has(edge.edgeType)) f.removed.push(edge);
  }

  const typeOf = (id: string, edgeType: EdgeType): NodeType =>
    currNodes.get(id)?.nodeType ?? prevNodes.get(id)?.nodeType ?? EDGE_ENDPOINTS[edgeType].from[0]!;
  return emit(current, f, { typeOf, withheld, at });
}

function replace(f: Found, before: NormalizedEdge, after: NormalizedEdge, changed: string[]): void {
  f.removed.push(before);
  f.added.push(after);
  f.replaced.set(after.edgeId, changed);
}

function rehash(f: Found, edge: NormalizedEdge): void {
  f.added.push(edge);
  f.rehashedEdges.add(edge.edgeId);
}

/**
 * The same rules against stored ids and hashes (HashedPrevious): an entity whose hash is unchanged
 * is never looked at again, and full stored states are touched only for the changed and the gone.
 * Gives the same result as diffing against the whole stored graph (test/unit/diff checks it).
 */
function diffHashed(
  previous: HashedPrevious,
  current: NormalizedGraph,
  plan: CurrentClassification,
  deletionsListed: boolean,
  currentNodeTypes?: ReadonlyMap<string, NodeType>,
): GraphDiff {
  const at = current.transformedAt;
  const { nodeStatus, edgeStatus } = plan;
  // Types the store holds, for the deletion scope: an unchanged entity has its current type. The
  // current types are counted in the same pass (one pass over millions of rows, not three).
  const prevNodeCounts = new Map<NodeType, number>();
  const prevEdgeCounts = new Map<EdgeType, number>();
  const currNodeCounts = new Map<NodeType, number>();
  const currEdgeCounts = new Map<EdgeType, number>();
  const bump = <K>(counts: Map<K, number>, key: K) => counts.set(key, (counts.get(key) ?? 0) + 1);
  const f = found();
  const seenNodes = new Set<string>();
  // Per-row counts go to plain arrays by type (a Map update per row is the slow part at 4M rows).
  // With the classification's summary, only the rows not SAME are looked at (their types counted
  // here); the unchanged rows per type are the summary's totals less those.
  const summary = plan.summary;
  const nodeTally = typeTally<NodeType>();
  const edgeTally = typeTally<EdgeType>();
  const nodes = current.nodes;
  for (let i = 0; i < nodes.length; i++) {
    const status = nodeStatus[i];
    if (status === SAME) {
      if (!summary) nodeTally.add(nodes[i]!.nodeType, true);
      continue;
    }
    const node = nodes[i]!;
    nodeTally.add(node.nodeType, false);
    const before = status === CHANGED ? previous.changedNodes.get(node.nodeId) : undefined;
    if (!before || before.deletedAt) {
      f.created.push(node);
      continue;
    }
    seenNodes.add(node.nodeId);
    bump(prevNodeCounts, before.nodeType);
    f.updated.push({ before, after: node, changed: changedNodeProperties(before, node) });
  }
  tallyInto(nodeTally, summary?.nodeTypeCounts(), currNodeCounts, prevNodeCounts);
  // Stale ids not matched to a current entity are the ones the extraction no longer has.
  const goneNodes = plan.staleNodeIds.filter((id) => !seenNodes.has(id)).map((id) => previous.changedNodes.get(id)).filter((n) => n !== undefined && !n.deletedAt) as NormalizedNode[];
  for (const node of goneNodes) bump(prevNodeCounts, node.nodeType);

  const seenEdges = new Set<string>();
  const edges = current.edges;
  for (let i = 0; i < edges.length; i++) {
    const status = edgeStatus[i];
    if (status === SAME) {
      if (!summary) edgeTally.add(edges[i]!.edgeType, true);
      continue;
    }
    const edge = edges[i]!;
    edgeTally.add(edge.edgeType, false);
    const before = status === CHANGED ? previous.changedEdges.get(edge.edgeId) : undefined;
    if (!before) {
      f.added.push(edge);
      continue;
    }
    seenEdges.add(edge.edgeId);
    bump(prevEdgeCounts, before.edgeType);
    const changed = changedEdgeProperties(before, edge);
    if (changed.length) replace(f, before, edge, changed);
    else rehash(f, edge);
  }
  tallyInto(edgeTally, summary?.edgeTypeCounts(), currEdgeCounts, prevEdgeCounts);
  const goneEdges = plan.staleEdgeIds.filter((id) => !seenEdges.has(id)).map((id) => previous.changedEdges.get(id)).filter((e) => e !== undefined) as NormalizedEdge[];
  for (const edge of goneEdges) bump(prevEdgeCounts, edge.edgeType);

  const { deletableNodeTypes, deletableEdgeTypes, withheld } = deletionScopeOf(prevNodeCounts, prevEdgeCounts, current, deletionsListed, {
    nodes: currNodeCounts,
    edges: currEdgeCounts,
  });
  const deletedIds = new Set<string>();
  for (const node of goneNodes) {
    if (!deletableNodeTypes.has(node.nodeType)) continue;
    deletedIds.add(node.nodeId);
    f.deleted.push(node);
  }
  for (const edge of goneEdges) {
    const endpointDeleted = deletedIds.has(edge.sourceNodeId) || deletedIds.has(edge.targetNodeId);
    if (endpointDeleted || deletableEdgeTypes.has(edge.edgeType)) f.removed.push(edge);
  }

  // Node types for the edge events' entityType, from where each source node sits in the
  // extraction, else its stored state.
  let typeOf = (id: string, edgeType: EdgeType): NodeType => previous.changedNodes.get(id)?.nodeType ?? EDGE_ENDPOINTS[edgeType].from[0]!;
  const edgeEvents = f.added.length + f.removed.length;
  if (edgeEvents > 0 && edgeEvents * 8 < nodes.length) {
    // A few edge events (a 1% change): only the source ids they ask about are looked for — through
    // the summary's id hashes, else in one pass over the nodes with a Set that fits in cache —
    // instead of a table of every node id (0.4 s at 1M nodes for 24k edge events).
    const asked = new Set<string>();
    for (const edge of f.added) asked.add(edge.sourceNodeId);
    for (const edge of f.removed) asked.add(edge.sourceNodeId);
    const types = new Map<string, NodeType>();
    if (summary) for (const [id, at] of summary.positionsOf(asked)) types.set(id, nodes[at]!.nodeType);
    else
      for (let i = 0; i < nodes.length; i++) {
        const node = nodes[i]!;
        if (asked.has(node.nodeId) && !types.has(node.nodeId)) types.set(node.nodeId, node.nodeType);
      }
    const stored = typeOf;
    typeOf = (id, edgeType) => types.get(id) ?? stored(id, edgeType);
  } else if (edgeEvents > 0 && currentNodeTypes) {
    // Millions of them, and the caller's table of the extraction's node types at hand.
    const stored = typeOf;
    typeOf = (id, edgeType) => currentNodeTypes.get(id) ?? stored(id, edgeType);
  } else if (edgeEvents > 0) {
    // Millions of them (a first sync): a table of positions, not a Map of a million ids. The ids
    // and types are copied into flat arrays first: a probe then reads one array slot, not a node
    // object and its id (a quarter of a first sync's profile went to those lookups).
    const ids = new Array<string>(nodes.length);
    const types = new Array<NodeType>(nodes.length);
    for (let i = 0; i < nodes.length; i++) {
      ids[i] = nodes[i]!.nodeId;
      types[i] = nodes[i]!.nodeType;
    }
    const positions = idTable(ids.length, (i) => ids[i]);
    const stored = typeOf;
    typeOf = (id, edgeType) => {
      const at = positions.indexOf(id);
      return at >= 0 ? types[at]! : stored(id, edgeType);
    };
  }
  return emit(current, f, { typeOf, withheld, at });
}

const countBy = <T, K>(items: readonly T[], key: (t: T) => K) => {
  const counts = new Map<K, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
};

function deletionScope(previous: StoredGraph, current: NormalizedGraph) {
  return deletionScopeOf(
    countBy(previous.nodes, (n) => n.nodeType),
    countBy(previous.edges, (e) => e.edgeType),
    current,
  );
}

/**
 * A kind's counts into the diff's tallies: every current row (currCounts) and the unchanged ones
 * (prevCounts, which hold the stored rows' types). `counted`: the summary's totals, when the loop
 * tallied only the rows not SAME; the unchanged are then the totals less those.
 */
function tallyInto<K>(tally: ReturnType<typeof typeTally<K>>, counted: ReadonlyMap<K, number> | undefined, currCounts: Map<K, number>, prevCounts: Map<K, number>): void {
  if (!counted) {
    tally.into(currCounts, prevCounts);
    return;
  }
  const changed = tally.totals();
  for (const [key, all] of counted) {
    currCounts.set(key, (currCounts.get(key) ?? 0) + all);
    const same = all - (changed.get(key) ?? 0);
    if (same > 0) prevCounts.set(key, (prevCounts.get(key) ?? 0) + same);
  }
}

function deletionScopeOf(
  prevNodeCounts: ReadonlyMap<NodeType, number>,
  prevEdgeCounts: ReadonlyMap<EdgeType, number>,
  current: NormalizedGraph,
  deletionsListed = false,
  counted?: { nodes: ReadonlyMap<NodeType, number>; edges: ReadonlyMap<EdgeType, number> },
) {
  const completeNodes = new Set<NodeType>(current.extractionScope?.completeNodeTypes ?? NODE_TYPES);
  const completeEdges = new Set<EdgeType>(current.extractionScope?.completeEdgeTypes ?? EDGE_TYPES);
  const withheld: string[] = [];
  const currNodeCounts = counted?.nodes ?? countBy(current.nodes, (n) => n.nodeType);
  const deletableNodeTypes = new Set<NodeType>();
  for (const [type, count] of prevNodeCounts) {
    if (!completeNodes.has(type)) withheld.push(`node:${type}:incomplete_extraction`);
    else if (!deletionsListed && count > 0 && !currNodeCounts.get(type)) withheld.push(`node:${type}:empty_extraction`);
    else deletableNodeTypes.add(type);
  }
  const currEdgeCounts = counted?.edges ?? countBy(current.edges, (e) => e.edgeType);
  const deletableEdgeTypes = new Set<EdgeType>();
  for (const [type, count] of prevEdgeCounts) {
    if (!completeEdges.has(type)) withheld.push(`edge:${type}:incomplete_extraction`);
    else if (!deletionsListed && count > 0 && !currEdgeCounts.get(type)) withheld.push(`edge:${type}:empty_extraction`);
    else deletableEdgeTypes.add(type);
  }
  return { deletableNodeTypes, deletableEdgeTypes, withheld: withheld.sort() };
}

const nodeIdOf = (n: NormalizedNode) => n.nodeId;
const edgeIdOf = (e: NormalizedEdge) => e.edgeId;
const afterIdOf = (u: Updated) => u.after.nodeId;

/**
 * Events in a stable order, whatever the order of the inputs: node creations, updates, edge
 * removals, edge additions, node deletions — the order a consumer can replay without dangling
 * references — and by id (UTF-16 code unit order) within each. `sequence` numbers them in it.
 */
function emit(
  current: NormalizedGraph,
  f: Found,
  ctx: {
    typeOf: (nodeId: string, edgeType: EdgeType) => NodeType;
    withheld: string[];
    at: string;
  },
): GraphDiff {
  const { tenantId, syncId, connectorId } = current;
  const { typeOf, at } = ctx;
  const eventId = diffEventIds(tenantId, syncId);
  const events: GraphEvent[] = [];
  const evaluate = new Set<string>();
  const newEdgeIds: string[] = [];
  const out: GraphChangeSet = { upsertNodes: [], upsertEdges: [], removeEdgeIds: [], newEdgeIds: new IdArraySet(newEdgeIds) };
  const counts = { nodesCreated: 0, nodesUpdated: 0, nodesDeleted: 0, edgesCreated: 0, edgesUpdated: 0, edgesRemoved: 0 };
  // Each event is one object literal of one shape per kind, keys in the order events always had.
  const nodeEvent = (node: NormalizedNode, eventType: 'created' | 'deleted', beforeState: JsonObject | null, afterState: JsonObject | null): GraphEvent => ({
    eventId: eventId.node(eventType, node.nodeId),
    tenantId,
    timestamp: at,
    sourceConnector: connectorId,
    syncId,
    sequence: events.length,
    entityType: node.nodeType,
    entityId: node.nodeId,
    eventType,
    beforeState,
    afterState,
  });
  const edgeEvent = (edge: NormalizedEdge, added: boolean, changed: string[] | undefined): GraphEvent => {
    const event: GraphEvent = {
      eventId: eventId.edge(added ? 'relationship_added' : 'relationship_removed', edge.edgeId),
      tenantId,
      timestamp: at,
      sourceConnector: connectorId,
      syncId,
      sequence: events.length,
      entityType: typeOf(edge.sourceNodeId, edge.edgeType),
      entityId: edge.sourceNodeId,
      eventType: added ? 'relationship_added' : 'relationship_removed',
      relationshipType: edge.edgeType,
      targetEntityId: edge.targetNodeId,
      edgeId: edge.edgeId,
      beforeState: added ? null : asJson(edge),
      afterState: added ? asJson(edge) : null,
    };
    if (changed) event.changedProperties = changed;
    return event;
  };

  for (const node of sortedBy(f.created, nodeIdOf)) {
    counts.nodesCreated++;
    out.upsertNodes.push(node);
    events.push(nodeEvent(node, 'created', null, asJson(node)));
    if (isTriggerRelevantLifecycle(node)) evaluate.add(node.nodeId);
  }
  for (const { before, after, changed } of sortedBy(f.updated, afterIdOf)) {
    out.upsertNodes.push(after);
    if (!changed.length) continue; // rewritten for its hash only
    counts.nodesUpdated++;
    events.push({
      eventId: eventId.node('updated', after.nodeId),
      tenantId,
      timestamp: at,
      sourceConnector: connectorId,
      syncId,
      sequence: events.length,
      entityType: after.nodeType,
      entityId: after.nodeId,
      eventType: 'updated',
      beforeState: asJson(before),
      afterState: asJson(after),
      changedProperties: changed,
    });
    if (isTriggerRelevantUpdate(after, changed)) evaluate.add(after.nodeId);
  }
  for (const edge of sortedBy(f.removed, edgeIdOf)) {
    const changed = f.replaced.get(edge.edgeId);
    // The stored side of a replacement is overwritten by its new side, not removed.
    if (!changed) {
      out.removeEdgeIds.push(edge.edgeId);
      counts.edgesRemoved++;
    }
    events.push(edgeEvent(edge, false, changed));
    if (TRIGGER_EDGE_TYPES.has(edge.edgeType)) evaluate.add(edge.sourceNodeId);
  }
  for (const edge of sortedBy(f.added, edgeIdOf)) {
    out.upsertEdges.push(edge);
    if (f.rehashedEdges.size && f.rehashedEdges.has(edge.edgeId)) continue;
    const changed = f.replaced.size ? f.replaced.get(edge.edgeId) : undefined;
    if (changed) counts.edgesUpdated++;
    else {
      counts.edgesCreated++;
      newEdgeIds.push(edge.edgeId);
    }
    events.push(edgeEvent(edge, true, changed));
    if (TRIGGER_EDGE_TYPES.has(edge.edgeType)) evaluate.add(edge.sourceNodeId);
  }
  for (const node of sortedBy(f.deleted, nodeIdOf)) {
    const tombstone = { ...node, status: 'deleted', deletedAt: at } as NormalizedNode;
    counts.nodesDeleted++;
    out.upsertNodes.push(tombstone);
    events.push(nodeEvent(node, 'deleted', asJson(node), asJson(tombstone)));
    if (isTriggerRelevantLifecycle(node)) evaluate.add(node.nodeId);
  }

  return {
    changes: out,
    result: {
      syncId,
      tenantId,
      computedAt: at,
      ...counts,
      events,
      entitiesToEvaluate: [...evaluate].sort(),
      deletionsWithheld: ctx.withheld,
    },
  };
}

const asJson = (value: NormalizedNode | NormalizedEdge): JsonObject => value as unknown as JsonObject;

export class UnreachableCaseError extends Error {
  constructor(value: never) {
    super(`unreachable case: ${JSON.stringify(value)}`);
  }
}
