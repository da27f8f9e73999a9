import { findChainVerdicts, verdictId } from '../../analysis/chain-verdicts.ts';
import type { ChainVerdict } from '../../analysis/chain-verdicts.ts';
import type { ChainStop } from '../../analysis/partial-chains.ts';
import { shortHash } from '../../model/index.ts';
import type { ExecutionPath, NodeType, NormalizedEdge, NormalizedNode } from '../../model/index.ts';
import type { ApiContext } from '../context.ts';
import { badInput, notFound } from '../errors.ts';
import { ChainsArgs, PathsArgs, parseArgs } from '../inputs.ts';
import { edgeKey } from '../loaders.ts';
import { keysetPage, pageOf, sortByKey } from '../pagination.ts';
import { resolveApiAsOf } from './as-of.ts';
import type { Resolver, ResolverMap } from './types.ts';

/** Chains one executionChains call may return; pages are cut from these. */
export const MAX_CHAINS = 1_000;

const pathKey = (p: ExecutionPath) => [p.startNode.nodeId, p.edges.map((e) => e.edgeId).join('>')];
const verdictKey = (v: ChainVerdict) => pathKey(v.path);

interface Hop {
  position: number;
  from: NormalizedNode;
  edge: NormalizedEdge;
  to: NormalizedNode;
}

/** The node an argument names, of the type it must have: NOT_FOUND / BAD_USER_INPUT otherwise. */
async function expectNode(ctx: ApiContext, id: string, type: NodeType, argument: string): Promise<void> {
  const node = await ctx.loaders.node.load(id);
  if (!node) throw notFound(`node ${id}`);
  if (node.nodeType !== type) throw badInput(`${argument} must be a ${type} node; ${id} is a ${node.nodeType}`);
}

const executionChains: Resolver<unknown> = async (_parent, args, ctx) => {
  const a = parseArgs(ChainsArgs, args, 'executionChains');
  const asOf = await resolveApiAsOf(ctx, a.asOf);
  const kinds = a.kinds ? [...new Set(a.kinds)].sort() : undefined;
  const key = `executionChains ${a.to ?? ''} ${a.from ?? ''} ${a.maxDepth} ${asOf ?? ''} ${kinds?.join(',') ?? '*'}`;
  // The argument checks run beside the search, not before it: one storage round trip less.
  // The list is shared with other requests (tenant-scope.ts shared): read it, never change it.
  const [sorted] = await Promise.all([
    ctx.scope.shared(key, async (storage, tenantId) => {
      const chains = await findChainVerdicts(storage, tenantId, {
        ...(a.to ? { to: a.to } : {}),
        ...(a.from ? { from: a.from } : {}),
        ...(kinds ? { kinds } : {}),
        maxDepth: a.maxDepth,
        limit: MAX_CHAINS,
        ...(asOf ? { asOf } : {}),
      });
      return sortByKey(chains, verdictKey);
    }),
    a.to ? expectNode(ctx, a.to, 'identity', 'to') : undefined,
    a.from ? expectNode(ctx, a.from, 'automation', 'from') : undefined,
  ]);
  const page = pageOf(sorted, 'chain', a.first, a.after);
  // Every hop's nodes are in hand: Edge.source / target resolve from the cache, not from storage.
  for (const edge of page.edges) ctx.loaders.prime(edge.node.path.nodes);
  return { ...page, totalCount: sorted.length };
};

const paths: Resolver<unknown> = async (_parent, args, ctx) => {
  const a = parseArgs(PathsArgs, args, 'paths');
  const found = await ctx.scope.queryPaths(a.query);
  for (const p of found) ctx.loaders.prime(p.nodes);
  return { ...keysetPage(found, pathKey, 'path', a.first, a.after), totalCount: found.length };
};

export const chainResolvers: ResolverMap = {
  Query: { executionChains, paths },
  ExecutionChain: {
    id: (v: ChainVerdict) => verdictId(v),
    kind: (v: ChainVerdict) => v.kind,
    depth: (v: ChainVerdict) => v.path.depth,
    entryPoint: (v: ChainVerdict) => v.entryPoint,
    complete: (v: ChainVerdict) => v.stop === null,
    start: (v: ChainVerdict) => v.path.startNode,
    automation: (v: ChainVerdict) => (v.path.startNode.nodeType === 'automation' ? v.path.startNode : null),
    identity: (v: ChainVerdict) => (v.stop === null && v.path.endNode.nodeType === 'identity' ? v.path.endNode : null),
    stop: (v: ChainVerdict) => v.stop,
    nodes: (v: ChainVerdict) => v.path.nodes,
    hops: ({ path: p }: ChainVerdict): Hop[] => p.edges.map((edge, i) => ({ position: i, from: p.nodes[i]!, edge, to: p.nodes[i + 1]! })),
  },
  ChainStop: {
    // The stop node is on the chain, primed with the page: a cache read, not a storage one.
    node: (stop: ChainStop, _args: unknown, ctx: ApiContext) => ctx.loaders.node.load(stop.nodeId),
  },
  ChainHop: {
    evidence: (hop: Hop) => hop,
  },
  HopEvidence: {
    provenance: (hop: Hop) => hop.edge.properties.provenance ?? null,
    sourceEvidence: (hop: Hop) => hop.edge.properties.sourceEvidence ?? null,
    evidenceReferences: (hop: Hop) => hop.edge.properties.evidenceReferences ?? null,
    // Seed 003: AUTHENTICATES_AS is structural; the proof of the cross-system link sits on the
    // AUTHENTICATES_TO edge between the same two nodes. Chains of one page share their tails, so
    // the cached edge read is one per credential, not one per hop.
    crossSystemLink: async (hop: Hop, _args: unknown, ctx: ApiContext) => {
      if (hop.edge.edgeType !== 'AUTHENTICATES_AS') return null;
      const edges = await ctx.loaders.edges.load(edgeKey(hop.from.nodeId, 'outgoing'));
      return edges.find((e) => e.edgeType === 'AUTHENTICATES_TO' && e.targetNodeId === hop.to.nodeId) ?? null;
    },
  },
  Path: {
    id: (p: ExecutionPath) => `path:${shortHash(pathKey(p).join('>'), 24)}`,
  },
};
