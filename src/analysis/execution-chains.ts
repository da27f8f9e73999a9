import { CHAIN_EDGE_TYPES, DEFAULT_CHAIN_DEPTH, shortHash } from '../model/index.ts';
import type { ExecutionPath } from '../model/index.ts';
import type { ReadAt, StorageAdapter } from '../storage/StorageAdapter.ts';
import { isEntryPoint } from './entry-points.ts';

// Defined in the model (chains.ts), which the stores' posture counts read too; re-exported for the
// analysis's callers.
export { CHAIN_EDGE_TYPES, DEFAULT_CHAIN_DEPTH };

export interface ChainQuery {
  /** Chains ending at this identity. */
  to?: string;
  /** Chains starting at this automation. */
  from?: string;
  maxDepth?: number;
  limit?: number;
  /** Chains as the graph stood at this ISO time (resolveAsOf turns a sync id into one). */
  asOf?: string;
}

export const readAt = (query: ChainQuery): ReadAt | undefined => (query.asOf ? { asOf: query.asOf } : undefined);

/**
 * Execution chains: automation → (CALLS)* → automation → INVOKES → connection → USES → credential
 * → AUTHENTICATES_AS → identity, or automation → RUNS_AS → identity, starting at an entry point
 * (entry-points.ts: library code nothing calls starts no chain; chain-verdicts.ts reports it as a
 * latent path). Chains are returned in automation → identity order whatever the walking direction.
 */
export async function findExecutionChains(storage: StorageAdapter, tenantId: string, query: ChainQuery): Promise<ExecutionPath[]> {
  const paths = await findPathsToIdentities(storage, tenantId, query);
  return paths.filter((p) => isEntryPoint(p.startNode)).slice(0, query.limit ?? 1_000);
}

/**
 * Every maximal automation → identity path, from entry points and library code alike. Only maximal
 * paths: one that is the tail of a longer one (the script include inside a business rule's chain)
 * is folded into it, because an analyst asks "what ultimately runs as this identity".
 */
export async function findPathsToIdentities(storage: StorageAdapter, tenantId: string, query: ChainQuery): Promise<ExecutionPath[]> {
  const maxDepth = query.maxDepth ?? DEFAULT_CHAIN_DEPTH;
  const at = readAt(query);
  const search = { traverseEdgeTypes: CHAIN_EDGE_TYPES, maxDepth, limit: 5_000 };
  let paths: ExecutionPath[];
  if (query.to) {
    // Walk back from the identity: far fewer paths than forward from every automation.
    const backwards = await storage.queryPaths(
      tenantId,
      { ...search, startNodeId: query.to, startNodeType: 'identity', endNodeType: 'automation', direction: 'incoming' },
      at,
    );
    paths = backwards.map(reversePath);
    if (query.from) paths = paths.filter((p) => p.startNode.nodeId === query.from);
  } else {
    const start = query.from ? { startNodeId: query.from } : {};
    paths = await storage.queryPaths(tenantId, { ...search, ...start, startNodeType: 'automation', endNodeType: 'identity' }, at);
  }
  return maximalChains(paths.filter(isWellFormedChain));
}

export function reversePath(p: ExecutionPath): ExecutionPath {
  const nodes = [...p.nodes].reverse();
  return { nodes, edges: [...p.edges].reverse(), depth: p.depth, startNode: nodes[0]!, endNode: nodes.at(-1)! };
}

/** Automation first, identity last, and no identity in the middle (a chain stops at who it runs as). */
function isWellFormedChain(p: ExecutionPath): boolean {
  return (
    p.startNode.nodeType === 'automation' &&
    p.endNode.nodeType === 'identity' &&
    p.nodes.slice(1, -1).every((n) => n.nodeType !== 'identity')
  );
}

const pathKey = (p: ExecutionPath) => p.edges.map((e) => e.edgeId).join('>');

/** Drop chains that are a proper suffix of another chain in the set. */
export function maximalChains(paths: ExecutionPath[]): ExecutionPath[] {
  const suffixes = new Set<string>();
  for (const p of paths) {
    for (let i = 1; i < p.edges.length; i++) suffixes.add(p.edges.slice(i).map((e) => e.edgeId).join('>'));
  }
  return paths
    .filter((p) => !suffixes.has(pathKey(p)))
    .sort((a, b) => compare(a.startNode.nodeId, b.startNode.nodeId) || compare(pathKey(a), pathKey(b)));
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const chainIds = new WeakMap<ExecutionPath, string>();

/** Stable id of a chain, derived from its edges: the same chain always has the same id. */
export function chainId(p: ExecutionPath): string {
  let id = chainIds.get(p);
  if (!id) chainIds.set(p, (id = `chain:${shortHash(pathKey(p), 24)}`));
  return id;
}
