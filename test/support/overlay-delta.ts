import type { NormalizedGraph, StoredGraph } from '../../src/model/index.ts';

/**
 * An incremental (delta) extraction holds only what changed. Laid over the stored graph it gives
 * the full current graph, so the ordinary diff yields exactly the delta's changes: nodes and edges
 * in the delta replace their stored versions, nodes the delta marks deleted (temporal markers of
 * type 'deleted') leave with their edges, and everything else stays as stored.
 */
export function overlayDelta(previous: StoredGraph, delta: NormalizedGraph): NormalizedGraph {
  const removed = new Set(delta.temporalMarkers.filter((m) => m.markerType === 'deleted').map((m) => m.nodeId));
  const nodes = new Map(previous.nodes.map((n) => [n.nodeId, n]));
  for (const n of delta.nodes) nodes.set(n.nodeId, n);
  for (const id of removed) nodes.delete(id);
  const edges = new Map(previous.edges.map((e) => [e.edgeId, e]));
  for (const e of delta.edges) edges.set(e.edgeId, e);
  for (const [id, e] of edges) if (removed.has(e.sourceNodeId) || removed.has(e.targetNodeId)) edges.delete(id);
  return {
    ...delta,
    nodes: [...nodes.values()],
    edges: [...edges.values()],
    // Every type counts as complete: what is absent was either unchanged (kept above) or removed.
    extractionScope: undefined,
  };
}
