import { edgeContentHash, nodeContentHash } from '../model/index.ts';
import type { NormalizedEdge, NormalizedGraph, NormalizedNode } from '../model/index.ts';
import type { StorageAdapter } from '../storage/StorageAdapter.ts';
import type { PreviousGraph } from './previous-graph.ts';

const FETCH_BATCH = 5_000;

/**
 * An incremental (delta) extraction holds only what changed: nodes and edges to add or replace,
 * and nodes the source says were deleted (temporal markers of type 'deleted'). Everything else
 * stays as stored. This reads from the store only what the delta touches — the stored versions of
 * its nodes and edges, the ends of its edges, the deleted nodes and their edges — so a delta costs
 * what it changes, not the size of the tenant. Diffing the returned graph against the returned
 * previous state gives the same events and changes as laying the delta over the whole stored
 * graph (the contract suite checks it).
 *
 * The returned graph is the delta plus the stored ends of its edges (unchanged, so they make no
 * events; they give edge events their entity types), without the deleted nodes and their edges.
 */
export async function readDeltaPrevious(storage: StorageAdapter, delta: NormalizedGraph): Promise<{ current: NormalizedGraph; previous: PreviousGraph }> {
  const { tenantId } = delta;
  const removed = new Set(delta.temporalMarkers.filter((m) => m.markerType === 'deleted').map((m) => m.nodeId));
  const deltaNodes = delta.nodes.filter((n) => !removed.has(n.nodeId));
  const deltaEdges = delta.edges.filter((e) => !removed.has(e.sourceNodeId) && !removed.has(e.targetNodeId));

  // Stored nodes: the delta's own, the deleted ones, and the ends of the delta's edges.
  const wantedNodes = new Set<string>([...delta.nodes.map((n) => n.nodeId), ...removed]);
  for (const e of deltaEdges) wantedNodes.add(e.sourceNodeId).add(e.targetNodeId);
  const storedNodes = new Map<string, NormalizedNode>();
  for (const batch of batches([...wantedNodes])) {
    for (const node of await storage.getNodes(tenantId, batch)) if (node && !node.deletedAt) storedNodes.set(node.nodeId, node);
  }

  // Stored edges: the delta's own, and every edge of a deleted node (they leave with it).
  const storedEdges = new Map<string, NormalizedEdge>();
  for (const batch of batches(deltaEdges.map((e) => e.edgeId))) {
    for (const edge of await storage.getEdges(tenantId, batch)) if (edge) storedEdges.set(edge.edgeId, edge);
  }
  for (const id of removed) {
    if (!storedNodes.has(id)) continue;
    for (const edge of await storage.getEdgesForNode(tenantId, id, 'both')) storedEdges.set(edge.edgeId, edge);
  }

  const inDelta = new Set(deltaNodes.map((n) => n.nodeId));
  const ends = [...storedNodes.values()].filter((n) => !inDelta.has(n.nodeId) && !removed.has(n.nodeId));
  const current: NormalizedGraph = {
    ...delta,
    nodes: [...deltaNodes, ...ends],
    edges: deltaEdges,
    // What is absent was either unchanged (not read) or listed as deleted: nothing is withheld.
    extractionScope: undefined,
  };
  const nodeHashes = new Map([...storedNodes.values()].map((n) => [n.nodeId, nodeContentHash(n)]));
  const edgeHashes = new Map([...storedEdges.values()].map((e) => [e.edgeId, edgeContentHash(e)]));
  return {
    current,
    previous: { previous: { nodeHashes, edgeHashes, changedNodes: storedNodes, changedEdges: storedEdges }, diffOptions: { deletionsListed: true } },
  };
}

function* batches<T>(items: readonly T[]): Generator<T[]> {
  for (let i = 0; i < items.length; i += FETCH_BATCH) yield items.slice(i, i + FETCH_BATCH);
}
