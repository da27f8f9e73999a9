import type { ExecutionPath, NormalizedEdge, NormalizedNode } from '../model/index.ts';
import { assertWithinDeadline } from '../runtime/cooperative.ts';

export interface PathSearch {
  starts: NormalizedNode[];
  /** Edges to follow from a node, already restricted to allowed types and direction, sorted. */
  step: (nodeId: string) => { edge: NormalizedEdge; next: NormalizedNode }[];
  isEnd: (node: NormalizedNode) => boolean;
  maxDepth: number;
  limit: number;
}

/**
 * Every simple path (no node twice) from the start nodes up to maxDepth hops that ends at a node
 * isEnd accepts, depth-first in a deterministic order, stopping at `limit` paths. Depth-first
 * keeps memory to one path; the depth cap bounds the work on cyclic CALLS graphs.
 */
export function searchPaths(search: PathSearch): ExecutionPath[] {
  const found: ExecutionPath[] = [];
  const nodes: NormalizedNode[] = [];
  const edges: NormalizedEdge[] = [];
  const onPath = new Set<string>();
  let visits = 0;

  const visit = (node: NormalizedNode): void => {
    if (found.length >= search.limit) return;
    // Synchronous, so it cannot yield; it can stop once its request has timed out.
    if ((++visits & 4095) === 0) assertWithinDeadline();
    nodes.push(node);
    onPath.add(node.nodeId);
    if (edges.length > 0 && search.isEnd(node)) {
      found.push({ nodes: [...nodes], edges: [...edges], depth: edges.length, startNode: nodes[0]!, endNode: node });
    }
    if (edges.length < search.maxDepth) {
      for (const { edge, next } of search.step(node.nodeId)) {
        if (onPath.has(next.nodeId)) continue;
        edges.push(edge);
        visit(next);
        edges.pop();
        if (found.length >= search.limit) break;
      }
    }
    nodes.pop();
    onPath.delete(node.nodeId);
  };

  for (const start of search.starts) {
    visit(start);
    if (found.length >= search.limit) break;
  }
  return found;
}
