import type { ExecutionPath, NormalizedEdge, NormalizedNode, PathQuery } from '../../model/index.ts';
import { searchPaths } from '../memory/path-search.ts';
import { matchesFilters } from '../node-filters.ts';
import { render } from './cypher-files.ts';
import type { Executor } from './Executor.ts';
import { labelFor, relationshipTypeFor } from './labels.ts';
import { parseEdge, parseNode } from './rows.ts';
import type { Statement } from './statements.ts';

/**
 * One level of an anchored path search as Cypher: the relationship types come from EDGE_TYPES
 * (checked again here, they are written into the text), everything else is a parameter.
 */
export function expansionStep(tenantId: string, query: PathQuery, nodeIds: readonly string[], lastLevel: boolean): Statement {
  const types = [...new Set(query.traverseEdgeTypes.map(relationshipTypeFor))];
  const incoming = query.direction === 'incoming';
  const endLabel = lastLevel && query.endNodeType ? `\n  AND next:${labelFor(query.endNodeType)}` : '';
  return {
    text: render('pathExpand', { LEFT: incoming ? '<-' : '-', RIGHT: incoming ? '-' : '->', REL_TYPES: types.join('|'), LAST_LEVEL: endLabel }),
    params: { tenantId, nodeIds },
  };
}

/**
 * Paths from one start node. A variable-length MATCH enumerates every path on the server and
 * ships each one; paths to a busy identity share most of their nodes and edges, so this instead
 * fetches the neighbourhood level by level (at most maxDepth round trips, each node and edge
 * once) and walks it with the memory adapter's depth-first search: the same simple paths, in
 * the same order, under the same limit.
 */
export async function anchoredPaths(executor: Executor, tenantId: string, query: PathQuery & { startNodeId: string }): Promise<ExecutionPath[]> {
  return executor.read({ operation: 'queryPaths', tenantId }, async (tx) => {
    const startRecord = (await tx.run(render('nodeGetMany'), { tenantId, nodeIds: [query.startNodeId] })).records[0];
    const startJson = startRecord?.get('json') as string | null | undefined;
    if (!startJson) return [];
    const start = parseNode(startJson);
    if (start.deletedAt || (query.startNodeType && start.nodeType !== query.startNodeType) || !matchesFilters(start, query.startNodeFilters)) {
      return [];
    }

    const nodes = new Map<string, NormalizedNode>([[start.nodeId, start]]);
    const adjacency = new Map<string, { edge: NormalizedEdge; next: string }[]>();
    const expanded = new Set<string>();
    let frontier = [start.nodeId];
    // Any simple path of at most maxDepth hops only leaves nodes at BFS distance < maxDepth, so
    // maxDepth levels fetch every edge such a path can use.
    for (let depth = 0; depth < query.maxDepth && frontier.length > 0; depth++) {
      for (const id of frontier) expanded.add(id);
      const step = expansionStep(tenantId, query, frontier, depth === query.maxDepth - 1);
      const record = (await tx.run(step.text, step.params)).records[0];
      for (const json of (record?.get('nodes') ?? []) as string[]) {
        const node = parseNode(json);
        if (!nodes.has(node.nodeId)) nodes.set(node.nodeId, node);
      }
      const next = new Set<string>();
      for (const [from, to, edgeJson] of (record?.get('steps') ?? []) as [string, string, string][]) {
        let list = adjacency.get(from);
        if (!list) adjacency.set(from, (list = []));
        list.push({ edge: parseEdge(edgeJson), next: to });
        if (!expanded.has(to)) next.add(to);
      }
      frontier = [...next];
    }

    const byEdgeId = (a: { edge: NormalizedEdge }, b: { edge: NormalizedEdge }) => (a.edge.edgeId < b.edge.edgeId ? -1 : a.edge.edgeId > b.edge.edgeId ? 1 : 0);
    for (const list of adjacency.values()) list.sort(byEdgeId);
    return searchPaths({
      starts: [start],
      maxDepth: query.maxDepth,
      limit: query.limit,
      isEnd: (n) => (!query.endNodeType || n.nodeType === query.endNodeType) && matchesFilters(n, query.endNodeFilters),
      step: (nodeId) => (adjacency.get(nodeId) ?? []).map(({ edge, next }) => ({ edge, next: nodes.get(next)! })),
    });
  });
}
