import { EDGE_ENDPOINTS, EDGE_TYPES, NODE_TYPES, edgeContentHash, nodeContentHash, sameEdgeContent, sameNodeContent } from '../model/index.ts';
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
import { makeEventId } from './event-ids.ts';
import { CHANGED, SAME, classifyCurrent } from './hashed-previous.ts';
import type { CurrentClassification, HashedPrevious } from './hashed-previous.ts';
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
}

type Change =
  | { kind: 'created'; node: NormalizedNode }
  | { kind: 'updated'; before: NormalizedNode; after: NormalizedNode; changed: string[] }
  | { kind: 'deleted'; node: NormalizedNode; tombstone: NormalizedNode }
  | { kind: 'edge_removed'; edge: NormalizedEdge; changed?: string[] }
  | { kind: 'edge_added'; edge: NormalizedEdge; changed?: string[] }
  // Same content, but the stored hash differs (another key order, or a hash written by an older
  // hash function): rewritten so the stored hash is current and the next sync skips the row by
  // hash again; no event, no count (see model/hash.ts).
  | { kind: 'rehashed'; node: NormalizedNode }
  | { kind: 'edge_rehashed'; edge: NormalizedEdge };

const byId = <T>(key: (t: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

/**
 * previous (stored, live) vs current (this extraction) → events and the changes to store.
 * Pure: no I/O, deterministic for the same inputs whatever their order.
 *
 * The six rules of seed 003, with deletion scoped (DESIGN decision 3): only types the extraction
 * saw completely can lose nodes or edges, and a type that came back empty where the store had data
 * is never wiped — an empty extraction is far likelier a source fault than a real mass deletion.
 */
export function diffGraphs(previous: StoredGraph | HashedPrevious, current: NormalizedGraph, options: DiffOptions = {}): GraphDiff {
  if ('nodeHashes' in previous) return diffHashed(previous, current, options.classified ?? classifyCurrent(previous, current), options.deletionsListed === true);
  const at = current.transformedAt;
  const prevNodes = new Map<string, NormalizedNode>();
  for (const n of previous.nodes) prevNodes.set(n.nodeId, n);
  const currNodes = new Map<string, NormalizedNode>();
  for (const n of current.nodes) currNodes.set(n.nodeId, n);

  const { deletableNodeTypes, deletableEdgeTypes, withheld } = deletionScope(previous, current);
  const changes: Change[] = [];

  // Rules 1 and 2: created and updated nodes.
  for (const node of current.nodes) {
    const before = prevNodes.get(node.nodeId);
    if (!before) {
      changes.push({ kind: 'created', node });
      continue;
    }
    const storedHash = options.previousNodeHashes?.get(node.nodeId);
    const same = storedHash ? storedHash === nodeContentHash(node) : sameNodeContent(before, node);
    if (!same) {
      const changed = changedNodeProperties(before, node);
      if (changed.length) changes.push({ kind: 'updated', before, after: node, changed });
      else if (storedHash) changes.push({ kind: 'rehashed', node });
    }
  }

  // Rule 3: deleted nodes become tombstones, within the deletion scope.
  const deletedIds = new Set<string>();
  for (const node of previous.nodes) {
    if (currNodes.has(node.nodeId) || !deletableNodeTypes.has(node.nodeType)) continue;
    deletedIds.add(node.nodeId);
    const tombstone = { ...node, status: 'deleted', deletedAt: at } as NormalizedNode;
    changes.push({ kind: 'deleted', node, tombstone });
  }

  // Rules 4–6: edges added, removed, and replaced when their properties differ.
  const prevEdges = new Map<string, NormalizedEdge>();
  for (const e of previous.edges) prevEdges.set(e.edgeId, e);
  const currEdgeIds = new Set<string>();
  for (const edge of current.edges) {
    currEdgeIds.add(edge.edgeId);
    const before = prevEdges.get(edge.edgeId);
    if (!before) {
      changes.push({ kind: 'edge_added', edge });
      continue;
    }
    const storedHash = options.previousEdgeHashes?.get(edge.edgeId);
    const same = storedHash ? storedHash === edgeContentHash(edge) : sameEdgeContent(before, edge);
    if (!same) {
      // Report only real property changes (a stored hash also differs on mere key order).
      const changed = changedEdgeProperties(before, edge);
      if (changed.length) changes.push({ kind: 'edge_removed', edge: before, changed }, { kind: 'edge_added', edge, changed });
      else if (storedHash) changes.push({ kind: 'edge_rehashed', edge });
    }
  }
  for (const edge of previous.edges) {
    if (currEdgeIds.has(edge.edgeId)) continue;
    const endpointDeleted = deletedIds.has(edge.sourceNodeId) || deletedIds.has(edge.targetNodeId);
    if (endpointDeleted || deletableEdgeTypes.has(edge.edgeType)) changes.push({ kind: 'edge_removed', edge });
  }

  const typeOf = (id: string, edgeType: EdgeType): NodeType =>
    currNodes.get(id)?.nodeType ?? prevNodes.get(id)?.nodeType ?? EDGE_ENDPOINTS[edgeType].from[0]!;
  return assemble(current, changes, { typeOf, withheld, at });
}

/**
 * The same rules against stored ids and hashes (HashedPrevious): an entity whose hash is unchanged
 * is never looked at again, and full stored states are touched only for the changed and the gone.
 * Gives the same result as diffing against the whole stored graph (test/unit/diff checks it).
 */
function diffHashed(previous: HashedPrevious, current: NormalizedGraph, plan: CurrentClassification, deletionsListed: boolean): GraphDiff {
  const at = current.transformedAt;
  const { nodeStatus, edgeStatus } = plan;
  // Types the store holds, for the deletion scope: an unchanged entity has its current type. The
  // current types are counted in the same pass (one pass over millions of rows, not three).
  const prevNodeCounts = new Map<NodeType, number>();
  const prevEdgeCounts = new Map<EdgeType, number>();
  const currNodeCounts = new Map<NodeType, number>();
  const currEdgeCounts = new Map<EdgeType, number>();
  const bump = <K>(counts: Map<K, number>, key: K) => counts.set(key, (counts.get(key) ?? 0) + 1);
  const changes: Change[] = [];
  const seenNodes = new Set<string>();
  // Per-row counts go to plain arrays by type (a Map update per row is the slow part at 4M rows).
  const nodeTally = typeTally<NodeType>();
  const edgeTally = typeTally<EdgeType>();
  const nodes = current.nodes;
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!;
    const status = nodeStatus[i];
    nodeTally.add(node.nodeType, status === SAME);
    if (status === SAME) continue;
    const before = status === CHANGED ? previous.changedNodes.get(node.nodeId) : undefined;
    if (!before || before.deletedAt) {
      changes.push({ kind: 'created', node });
      continue;
    }
    seenNodes.add(node.nodeId);
    bump(prevNodeCounts, before.nodeType);
    const changed = changedNodeProperties(before, node);
    changes.push(changed.length ? { kind: 'updated', before, after: node, changed } : { kind: 'rehashed', node });
  }
  nodeTally.into(currNodeCounts, prevNodeCounts);
  // Stale ids not matched to a current entity are the ones the extraction no longer has.
  const goneNodes = plan.staleNodeIds.filter((id) => !seenNodes.has(id)).map((id) => previous.changedNodes.get(id)).filter((n) => n !== undefined && !n.deletedAt) as NormalizedNode[];
  for (const node of goneNodes) bump(prevNodeCounts, node.nodeType);

  const seenEdges = new Set<string>();
  const added: Change[] = [];
  const edges = current.edges;
  for (let i = 0; i < edges.length; i++) {
    const edge = edges[i]!;
    const status = edgeStatus[i];
    edgeTally.add(edge.edgeType, status === SAME);
    if (status === SAME) continue;
    const before = status === CHANGED ? previous.changedEdges.get(edge.edgeId) : undefined;
    if (!before) {
      added.push({ kind: 'edge_added', edge });
      continue;
    }
    seenEdges.add(edge.edgeId);
    bump(prevEdgeCounts, before.edgeType);
    const changed = changedEdgeProperties(before, edge);
    if (changed.length) added.push({ kind: 'edge_removed', edge: before, changed }, { kind: 'edge_added', edge, changed });
    else added.push({ kind: 'edge_rehashed', edge });
  }
  edgeTally.into(currEdgeCounts, prevEdgeCounts);
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
    changes.push({ kind: 'deleted', node, tombstone: { ...node, status: 'deleted', deletedAt: at } as NormalizedNode });
  }
  for (const c of added) changes.push(c); // not push(...added): a first sync adds millions, past the argument limit
  for (const edge of goneEdges) {
    const endpointDeleted = deletedIds.has(edge.sourceNodeId) || deletedIds.has(edge.targetNodeId);
    if (endpointDeleted || deletableEdgeTypes.has(edge.edgeType)) changes.push({ kind: 'edge_removed', edge });
  }

  // Node types for the edge events' entityType: only the ends of changed edges are looked up.
  const wanted = new Set<string>();
  for (const c of changes) if (c.kind === 'edge_added' || c.kind === 'edge_removed') wanted.add(c.edge.sourceNodeId);
  const types = new Map<string, NodeType>();
  for (const node of current.nodes) if (wanted.has(node.nodeId)) types.set(node.nodeId, node.nodeType);
  for (const node of previous.changedNodes.values()) if (wanted.has(node.nodeId) && !types.has(node.nodeId)) types.set(node.nodeId, node.nodeType);
  const typeOf = (id: string, edgeType: EdgeType): NodeType => types.get(id) ?? EDGE_ENDPOINTS[edgeType].from[0]!;
  return assemble(current, changes, { typeOf, withheld, at });
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
 * Rows counted by type into two tallies (all rows, and the unchanged ones), in arrays indexed by
 * the order each type is first seen: a few types, millions of rows.
 */
function typeTally<K>() {
  const index = new Map<K, number>();
  const keys: K[] = [];
  const all: number[] = [];
  const same: number[] = [];
  let lastKey: K | undefined;
  let last = -1;
  return {
    add(key: K, unchanged: boolean) {
      // Rows come grouped by type more often than not: the last type is checked first.
      if (key !== lastKey || last < 0) {
        let at = index.get(key);
        if (at === undefined) {
          index.set(key, (at = keys.length));
          keys.push(key);
          all.push(0);
          same.push(0);
        }
        lastKey = key;
        last = at;
      }
      all[last]!++;
      if (unchanged) same[last]!++;
    },
    /** Add the totals to `allCounts` and the unchanged rows to `sameCounts`. */
    into(allCounts: Map<K, number>, sameCounts: Map<K, number>) {
      keys.forEach((key, i) => {
        allCounts.set(key, (allCounts.get(key) ?? 0) + all[i]!);
        if (same[i]) sameCounts.set(key, (sameCounts.get(key) ?? 0) + same[i]!);
      });
    },
  };
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

// Stable event order: node creations, updates, edge removals, edge additions, node deletions —
// the order a consumer can replay without dangling references. Ties broken by id.
const PHASE: Record<Change['kind'], number> = { created: 0, updated: 1, rehashed: 1, edge_removed: 2, edge_added: 3, edge_rehashed: 3, deleted: 4 };
const changeKey = (c: Change): string =>
  c.kind === 'created' || c.kind === 'deleted' || c.kind === 'rehashed' ? c.node.nodeId : c.kind === 'updated' ? c.after.nodeId : c.edge.edgeId;
// One comparator for the whole sort: a first sync sorts millions of changes (~20 comparisons each).
const byChangeKey = byId(changeKey);

function assemble(
  current: NormalizedGraph,
  changes: Change[],
  ctx: {
    typeOf: (nodeId: string, edgeType: EdgeType) => NodeType;
    withheld: string[];
    at: string;
  },
): GraphDiff {
  changes.sort((a, b) => PHASE[a.kind] - PHASE[b.kind] || byChangeKey(a, b));
  const { tenantId, syncId, connectorId } = current;
  const events: GraphEvent[] = [];
  const evaluate = new Set<string>();
  const newEdgeIds = new Set<string>();
  const out: GraphChangeSet = { upsertNodes: [], upsertEdges: [], removeEdgeIds: [], newEdgeIds };
  const counts = { nodesCreated: 0, nodesUpdated: 0, nodesDeleted: 0, edgesCreated: 0, edgesUpdated: 0, edgesRemoved: 0 };
  const { typeOf } = ctx;
  const push = (e: Omit<GraphEvent, 'eventId' | 'tenantId' | 'timestamp' | 'sourceConnector' | 'syncId' | 'sequence'>) =>
    events.push({
      eventId: makeEventId({ tenantId, syncId, eventType: e.eventType, entityId: e.entityId, edgeId: e.edgeId }),
      tenantId,
      timestamp: ctx.at,
      sourceConnector: connectorId,
      syncId,
      sequence: events.length,
      ...e,
    });

  for (const c of changes) {
    switch (c.kind) {
      case 'created':
        counts.nodesCreated++;
        out.upsertNodes.push(c.node);
        push({ entityType: c.node.nodeType, entityId: c.node.nodeId, eventType: 'created', beforeState: null, afterState: asJson(c.node) });
        if (isTriggerRelevantLifecycle(c.node)) evaluate.add(c.node.nodeId);
        break;
      case 'updated':
        counts.nodesUpdated++;
        out.upsertNodes.push(c.after);
        push({
          entityType: c.after.nodeType,
          entityId: c.after.nodeId,
          eventType: 'updated',
          beforeState: asJson(c.before),
          afterState: asJson(c.after),
          changedProperties: c.changed,
        });
        if (isTriggerRelevantUpdate(c.after, c.changed)) evaluate.add(c.after.nodeId);
        break;
      case 'deleted':
        counts.nodesDeleted++;
        out.upsertNodes.push(c.tombstone);
        push({ entityType: c.node.nodeType, entityId: c.node.nodeId, eventType: 'deleted', beforeState: asJson(c.node), afterState: asJson(c.tombstone) });
        if (isTriggerRelevantLifecycle(c.node)) evaluate.add(c.node.nodeId);
        break;
      case 'rehashed':
        out.upsertNodes.push(c.node);
        break;
      case 'edge_rehashed':
        out.upsertEdges.push(c.edge);
        break;
      case 'edge_removed':
      case 'edge_added': {
        const added = c.kind === 'edge_added';
        if (added) {
          out.upsertEdges.push(c.edge);
          if (c.changed) counts.edgesUpdated++;
          else {
            counts.edgesCreated++;
            newEdgeIds.add(c.edge.edgeId);
          }
        } else {
          out.removeEdgeIds.push(c.edge.edgeId);
          if (!c.changed) counts.edgesRemoved++;
        }
        push({
          entityType: typeOf(c.edge.sourceNodeId, c.edge.edgeType),
          entityId: c.edge.sourceNodeId,
          eventType: added ? 'relationship_added' : 'relationship_removed',
          relationshipType: c.edge.edgeType,
          targetEntityId: c.edge.targetNodeId,
          edgeId: c.edge.edgeId,
          beforeState: added ? null : asJson(c.edge),
          afterState: added ? asJson(c.edge) : null,
          ...(c.changed ? { changedProperties: c.changed } : {}),
        });
        if (TRIGGER_EDGE_TYPES.has(c.edge.edgeType)) evaluate.add(c.edge.sourceNodeId);
        break;
      }
      default:
        throw new UnreachableCaseError(c);
    }
  }
  // A removal that is half of a replacement must not delete the edge the addition re-writes.
  const rewritten = new Set(out.upsertEdges.map((e) => e.edgeId));
  out.removeEdgeIds = out.removeEdgeIds.filter((id) => !rewritten.has(id));

  return {
    changes: out,
    result: {
      syncId,
      tenantId,
      computedAt: ctx.at,
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
