import type { GraphChangeSet, StoredGraph } from '../model/index.ts';

/**
 * A change set applied to a live graph, in memory. Tombstoned nodes leave the live graph. Used by
 * the memory adapter's reasoning in tests and by the property "apply(a, diff(a, b)) = b".
 */
export function applyChanges(graph: StoredGraph, changes: GraphChangeSet): StoredGraph {
  const nodes = new Map(graph.nodes.map((n) => [n.nodeId, n]));
  for (const n of changes.upsertNodes) {
    if (n.status === 'deleted' && n.deletedAt) nodes.delete(n.nodeId);
    else nodes.set(n.nodeId, n);
  }
  const edges = new Map(graph.edges.map((e) => [e.edgeId, e]));
  for (const id of changes.removeEdgeIds) edges.delete(id);
  for (const e of changes.upsertEdges) edges.set(e.edgeId, e);
  return { nodes: [...nodes.values()], edges: [...edges.values()] };
}
