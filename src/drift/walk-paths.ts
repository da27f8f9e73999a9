import type { ExecutionPath, NodeType, NormalizedEdge, NormalizedNode } from '../model/index.ts';
import type { DriftContext } from './drift-context.ts';

/**
 * Every simple path (no node twice) from `start` over these edge types in one direction, at most
 * `maxDepth` hops, ending at a node of `endType`, as of one moment: the store's queryPaths
 * (path-search.ts) walked here node by node through the drift's cached reads, so the walks from
 * all the changes of a window, for every kind of chain, read each node's edges once per moment.
 * Paths are in walking order (for an incoming walk, from `start` backwards).
 */
export async function walkPaths(
  ctx: DriftContext,
  start: NormalizedNode,
  traverse: ReadonlySet<string>,
  endType: NodeType,
  direction: 'outgoing' | 'incoming',
  maxDepth: number,
  asOf: string,
): Promise<ExecutionPath[]> {
  const found: ExecutionPath[] = [];
  const nodes: NormalizedNode[] = [];
  const edges: NormalizedEdge[] = [];
  const onPath = new Set<string>();
  const visit = async (node: NormalizedNode): Promise<void> => {
    nodes.push(node);
    onPath.add(node.nodeId);
    if (edges.length > 0 && node.nodeType === endType) {
      found.push({ nodes: [...nodes], edges: [...edges], depth: edges.length, startNode: nodes[0]!, endNode: node });
    }
    if (edges.length < maxDepth) {
      for (const edge of await ctx.edges(node.nodeId, direction, asOf)) {
        if (!traverse.has(edge.edgeType)) continue;
        const nextId = direction === 'outgoing' ? edge.targetNodeId : edge.sourceNodeId;
        if (onPath.has(nextId)) continue;
        const next = await ctx.node(nextId, asOf);
        if (!next || next.deletedAt) continue;
        edges.push(edge);
        await visit(next);
        edges.pop();
      }
    }
    nodes.pop();
    onPath.delete(node.nodeId);
  };
  if (!start.deletedAt) await visit(start);
  return found;
}
