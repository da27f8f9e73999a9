import { edgeHashIs, nodeHashIs } from '../model/index.ts';
import type { NormalizedEdge, NormalizedGraph, NormalizedNode } from '../model/index.ts';
import { vanishedIds } from './vanished-ids.ts';

// The previous state a full sync diffs against without a second copy of the graph (DESIGN
// decision 3, "hashes first"): the store's ids and content hashes, and in full only the stored
// entities whose hash differs from the extraction's or that the extraction no longer has.
//
//   const plan = classifyCurrent(state, current);                 // hashes `current` once
//   const changedNodes = await fetchNodes(plan.staleNodeIds);      // the caller's I/O
//   diffGraphs({ ...state, changedNodes, changedEdges }, current, { classified: plan });

export interface HashedPrevious {
  /** Every live stored node / edge of the connector: id → content hash. */
  nodeHashes: ReadonlyMap<string, string>;
  edgeHashes: ReadonlyMap<string, string>;
  /**
   * The stored entities for (at least) the ids classifyCurrent calls stale. A stale id missing
   * here is treated as not stored (a row deleted since the hashes were read).
   */
  changedNodes: ReadonlyMap<string, NormalizedNode>;
  changedEdges: ReadonlyMap<string, NormalizedEdge>;
}

/** Per entity of `current` (same index as current.nodes / current.edges). */
export const NEW = 0;
export const SAME = 1;
export const CHANGED = 2;

export interface CurrentClassification {
  nodeStatus: Uint8Array;
  edgeStatus: Uint8Array;
  /** Stored ids to read in full: content changed, or gone from the extraction. */
  staleNodeIds: string[];
  staleEdgeIds: string[];
}

/**
 * Compare `current` with stored hashes: each current entity is hashed once and marked NEW, SAME
 * or CHANGED, and the stored ids whose full state the diff needs are listed.
 */
export function classifyCurrent(
  state: { nodeHashes: ReadonlyMap<string, string>; edgeHashes: ReadonlyMap<string, string> },
  current: Pick<NormalizedGraph, 'nodes' | 'edges'>,
): CurrentClassification {
  const nodes = classifyNodes(current.nodes, state.nodeHashes);
  const edges = classifyEdges(current.edges, state.edgeHashes);
  return { nodeStatus: nodes.status, edgeStatus: edges.status, staleNodeIds: nodes.stale, staleEdgeIds: edges.stale };
}

// One loop per kind of row, not one generic loop taking id and hash functions: a call site shared
// by nodes and edges is polymorphic and V8 stops inlining it (1.4 s of a 1M-node diff's profile
// went to those little callbacks). The hash is compared where it is computed (nodeHashIs), no
// string made per row.

function classifyNodes(items: readonly NormalizedNode[], stored: ReadonlyMap<string, string>) {
  const status = new Uint8Array(items.length);
  const stale: string[] = [];
  let matched = 0;
  if (stored.size > 0) {
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      const hash = stored.get(item.nodeId);
      if (hash === undefined) continue; // NEW (0)
      matched++;
      if (nodeHashIs(item, hash)) status[i] = SAME;
      else {
        status[i] = CHANGED;
        stale.push(item.nodeId);
      }
    }
  }
  // Stored ids the extraction no longer has are stale too.
  if (matched < stored.size)
    for (const id of vanishedIds(stored, stored.size - matched, items.length, (i) => (status[i] === NEW ? undefined : items[i]!.nodeId))) stale.push(id);
  return { status, stale };
}

function classifyEdges(items: readonly NormalizedEdge[], stored: ReadonlyMap<string, string>) {
  const status = new Uint8Array(items.length);
  const stale: string[] = [];
  let matched = 0;
  if (stored.size > 0) {
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      const hash = stored.get(item.edgeId);
      if (hash === undefined) continue;
      matched++;
      if (edgeHashIs(item, hash)) status[i] = SAME;
      else {
        status[i] = CHANGED;
        stale.push(item.edgeId);
      }
    }
  }
  // Stored ids the extraction no longer has are stale too.
  if (matched < stored.size)
    for (const id of vanishedIds(stored, stored.size - matched, items.length, (i) => (status[i] === NEW ? undefined : items[i]!.edgeId))) stale.push(id);
  return { status, stale };
}
