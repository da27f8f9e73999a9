import type { ExecutionPath, NormalizedEdge, NormalizedNode, PathQuery } from '../../model/index.ts';
import type { ManagedTransaction } from 'neo4j-driver';
import { checkpoint } from '../../runtime/cooperative.ts';
import { searchPaths } from '../path-search.ts';
import { matchesFilters } from '../node-filters.ts';
import { nodeListAsOf, nodesAsOf, typesAsOf } from './as-of-statements.ts';
import { render } from './cypher-files.ts';
import { homeOf } from './tenant-home.ts';
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
 * One level of a path search as the graph stood at `asOf` (cypher/paths/expand-as-of.cypher):
 * the allowed types and their history types, each hop's validity checked, each node reached read
 * as it stood then. The end type is checked on that state, as a parameter.
 */
export function asOfExpansionStep(tenantId: string, query: PathQuery, nodeIds: readonly string[], lastLevel: boolean, asOf: string): Statement {
  const incoming = query.direction === 'incoming';
  const endType = lastLevel && query.endNodeType ? query.endNodeType : undefined;
  if (endType) labelFor(endType); // a type outside NODE_TYPES is an error even as a parameter
  return {
    text: render('pathExpandAsOf', {
      LEFT: incoming ? '<-' : '-',
      RIGHT: incoming ? '-' : '->',
      REL_TYPES: typesAsOf(query.traverseEdgeTypes).join('|'),
      LAST_LEVEL: endType ? '\n  AND state.nodeType = $endNodeType' : '',
    }),
    params: { tenantId, nodeIds, asOf, ...(endType ? { endNodeType: endType } : {}) },
  };
}

const jsonOf = async (tx: ManagedTransaction, statement: Statement): Promise<(string | null)[]> =>
  (await tx.run(statement.text, statement.params)).records.map((r) => r.get('json') as string | null);

/**
 * Paths from one start node. A variable-length MATCH enumerates every path on the server and
 * ships each one; paths to a busy identity share most of their nodes and edges, so this instead
 * fetches the neighbourhood level by level (at most maxDepth round trips, each node and edge
 * once) and walks it with the memory adapter's depth-first search: the same simple paths, in
 * the same order, under the same limit.
 */
export async function anchoredPaths(executor: Executor, tenant: string, query: PathQuery & { startNodeId: string }): Promise<ExecutionPath[]> {
  return executor.read({ operation: 'queryPaths', tenantId: tenant }, async (tx) => {
    const tenantId = await homeOf(tx, tenant);
    const [startJson] = await jsonOf(tx, { text: render('nodeGetMany'), params: { tenantId, nodeIds: [query.startNodeId] } });
    const start = startJson ? parseNode(startJson) : undefined;
    if (!start || !startMatches(start, query)) return [];
    return walk(tx, query, [start], (nodeIds, lastLevel) => expansionStep(tenantId, query, nodeIds, lastLevel));
  });
}

/**
 * Any path query as the graph stood at `asOf` (a normalized ISO time), from one start node or
 * from every node of a type, walked level by level as anchoredPaths does. A node's state at a
 * past moment may be an archived version, not the :Node itself, so a variable-length MATCH could
 * check node validity only after enumerating whole paths; level by level, each hop's validity
 * is checked as it is crossed and each node's past state is read once.
 */
export async function pathsAsOf(executor: Executor, tenant: string, query: PathQuery, asOf: string): Promise<ExecutionPath[]> {
  return executor.read({ operation: 'queryPathsAsOf', tenantId: tenant }, async (tx) => {
    const tenantId = await homeOf(tx, tenant);
    let starts: NormalizedNode[];
    if (query.startNodeId !== undefined) {
      const [json] = await jsonOf(tx, nodesAsOf(tenantId, [query.startNodeId], asOf));
      starts = json ? [parseNode(json)] : [];
    } else {
      const listing = nodeListAsOf(tenantId, { nodeType: query.startNodeType!, ...(query.startNodeFilters ? { filters: query.startNodeFilters } : {}) }, asOf);
      starts = (await jsonOf(tx, listing)).map((json) => parseNode(json!));
    }
    starts = starts.filter((n) => startMatches(n, query));
    if (starts.length === 0) return [];
    return walk(tx, query, starts, (nodeIds, lastLevel) => asOfExpansionStep(tenantId, query, nodeIds, lastLevel, asOf));
  });
}

function startMatches(start: NormalizedNode, query: PathQuery): boolean {
  return !start.deletedAt && (!query.startNodeType || start.nodeType === query.startNodeType) && matchesFilters(start, query.startNodeFilters);
}

/** Fetch every edge a path of at most maxDepth hops from `starts` can use, then search it depth-first. */
async function walk(
  tx: ManagedTransaction,
  query: PathQuery,
  starts: NormalizedNode[],
  stepAt: (nodeIds: string[], lastLevel: boolean) => Statement,
): Promise<ExecutionPath[]> {
  const nodes = new Map<string, NormalizedNode>(starts.map((n) => [n.nodeId, n]));
  const adjacency = new Map<string, { edge: NormalizedEdge; next: string }[]>();
  const expanded = new Set<string>();
  let frontier = starts.map((n) => n.nodeId);
  // Any simple path of at most maxDepth hops only leaves nodes at BFS distance < maxDepth (from
  // the nearest start), so maxDepth levels fetch every edge such a path can use.
  for (let depth = 0; depth < query.maxDepth && frontier.length > 0; depth++) {
    await checkpoint();
    for (const id of frontier) expanded.add(id);
    const step = stepAt(frontier, depth === query.maxDepth - 1);
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
    starts,
    maxDepth: query.maxDepth,
    limit: query.limit,
    isEnd: (n) => (!query.endNodeType || n.nodeType === query.endNodeType) && matchesFilters(n, query.endNodeFilters),
    step: (nodeId) => (adjacency.get(nodeId) ?? []).map(({ edge, next }) => ({ edge, next: nodes.get(next)! })),
  });
}
