import { edgeContentHash, nodeContentHash } from '../model/index.ts';
import type { NormalizedEdge, NormalizedGraph, NormalizedNode, StoredGraph } from '../model/index.ts';
import type { DiffOptions } from '../diff/index.ts';
import type { StorageAdapter } from '../storage/StorageAdapter.ts';

/** What diffGraphs needs from storage for one sync: the previous graph and its stored hashes. */
export interface PreviousGraph {
  previous: StoredGraph;
  diffOptions: DiffOptions;
}

const FETCH_BATCH = 5_000;

/**
 * The stored state of `current`'s connector, read for diffing against `current` (DESIGN decision
 * 3: hashes first). Ids and content hashes come from previousState; a stored row whose hash equals
 * the current row's has the same content, so the current object stands in for it (no second copy
 * of an unchanged graph), and only rows that changed or vanished are read in full — they are the
 * before states of the events. Diffing with the returned options gives the same result as diffing
 * against the whole stored graph (the contract suite checks it).
 */
export async function readPreviousGraph(storage: StorageAdapter, current: NormalizedGraph): Promise<PreviousGraph> {
  const { tenantId, connectorId } = current;
  const { nodeHashes, edgeHashes } = await storage.previousState(tenantId, connectorId);

  const nodes: NormalizedNode[] = [];
  const staleNodes = new Set(nodeHashes.keys());
  for (const node of current.nodes) {
    const stored = nodeHashes.get(node.nodeId);
    if (stored !== undefined && stored === nodeContentHash(node)) {
      nodes.push(node);
      staleNodes.delete(node.nodeId);
    }
  }
  const edges: NormalizedEdge[] = [];
  const staleEdges = new Set(edgeHashes.keys());
  for (const edge of current.edges) {
    const stored = edgeHashes.get(edge.edgeId);
    if (stored !== undefined && stored === edgeContentHash(edge)) {
      edges.push(edge);
      staleEdges.delete(edge.edgeId);
    }
  }

  const nodeIds = [...staleNodes];
  for (let i = 0; i < nodeIds.length; i += FETCH_BATCH) {
    for (const node of await storage.getNodes(tenantId, nodeIds.slice(i, i + FETCH_BATCH))) if (node && !node.deletedAt) nodes.push(node);
  }
  const edgeIds = [...staleEdges];
  for (let i = 0; i < edgeIds.length; i += FETCH_BATCH) {
    for (const edge of await storage.getEdges(tenantId, edgeIds.slice(i, i + FETCH_BATCH))) if (edge) edges.push(edge);
  }
  return { previous: { nodes, edges }, diffOptions: { previousNodeHashes: nodeHashes, previousEdgeHashes: edgeHashes } };
}
