import { DEFAULT_CHAIN_DEPTH, reversePath } from '../analysis/execution-chains.ts';
import { isEntryPoint } from '../analysis/entry-points.ts';
import type { EdgeType, ExecutionPath, GraphEvent, NodeType, NormalizedEdge, NormalizedNode } from '../model/index.ts';
import { makeEdgeId } from '../model/index.ts';
import { checkpoint } from '../runtime/cooperative.ts';
import type { DriftContext } from './drift-context.ts';
import { walkPaths } from './walk-paths.ts';

// Chain-level comparison (issue 17): only chains that run through something the window changed
// can appear or go, so drift enumerates those paths at both ends and decides for each whether it
// was a reported chain then, instead of recomputing every chain of every identity it reaches.
//
// A reported chain is a path that (1) exists, (2) starts at an entry point, (3) ends where the
// family ends (an identity; a connection or credential a chain stops at) and (4) is maximal: no
// longer path of the family has it as its tail (execution-chains.ts maximalChains). Between two
// moments (1)–(3) can change only for a path holding a changed edge or node, and (4) only for a
// path whose one-hop extension holds one (the edge into its first node, or that edge's source):
// that path is a tail of a path through the change. So the candidates are the paths through the
// changes and their tails; each is judged at both moments.

/** One kind of chain: the hops it follows and where it ends. */
export interface PathFamily {
  traverse: readonly EdgeType[];
  endType: NodeType;
  /** Execution chains stop at who they run as: no identity strictly inside. */
  noIdentityInside: boolean;
  /** Out-edges of the end node whose change changes whether it ends a chain (a stop's USES / AUTHENTICATES_AS). */
  endStatusEdges: readonly EdgeType[];
  /** Whether this end node ends a reported chain at this moment (beyond its type). */
  endQualifies: (ctx: DriftContext, end: NormalizedNode, asOf: string) => Promise<boolean>;
}

/** What the window changed, as far as chains can tell: edges added or removed, nodes whose chain-relevant fields moved. */
export interface ChainChanges {
  edges: Map<string, { edgeType: EdgeType; sourceNodeId: string; targetNodeId: string }>;
  nodes: Set<string>;
}

/**
 * The only node types chain edges join (model/edge.ts EDGE_ENDPOINTS: CALLS, INVOKES, USES,
 * AUTHENTICATES_AS, RUNS_AS; a RUNS_AS to a person ends no chain): a person, resource or piece of
 * evidence that changed, before or after, is on no chain, and is not walked from.
 */
const CHAIN_NODE_TYPES = new Set<string>(['automation', 'connection', 'credential', 'identity']);

/** A node as chains see it: live or not, its type, and what decides whether it starts a chain. */
const chainShape = (n: NormalizedNode | null): string =>
  !n || n.deletedAt ? '' : [n.nodeType, n.sourceSystem, n.nodeType === 'automation' ? n.properties.automationSubtype : ''].join('\u0000');

/**
 * The window's changes to the given edge types, and the nodes whose chain shape differs between
 * the two ends (read for the entities of node events of chain node types only: a relationship
 * event moves no node).
 */
export async function chainChanges(ctx: DriftContext, events: readonly GraphEvent[], edgeTypes: ReadonlySet<string>): Promise<ChainChanges> {
  const edges: ChainChanges['edges'] = new Map();
  const candidates = new Set<string>();
  for (const e of events) {
    if (e.relationshipType) {
      if (edgeTypes.has(e.relationshipType) && e.targetEntityId) {
        const edgeId = e.edgeId ?? makeEdgeId(e.relationshipType, e.entityId, e.targetEntityId);
        edges.set(edgeId, { edgeType: e.relationshipType, sourceNodeId: e.entityId, targetNodeId: e.targetEntityId });
      }
    } else if (CHAIN_NODE_TYPES.has(e.entityType) || CHAIN_NODE_TYPES.has(String(e.beforeState?.nodeType))) candidates.add(e.entityId);
  }
  const nodes = new Set<string>();
  for (const id of [...candidates].sort()) {
    await checkpoint();
    if (chainShape(await ctx.node(id, ctx.since)) !== chainShape(await ctx.node(id, ctx.until))) nodes.add(id);
  }
  return { edges, nodes };
}

export interface PathDiff {
  /** Reported at the window's end and not at its start, as of the end. */
  added: ExecutionPath[];
  /** Reported at the start and not at the end, as of the start. */
  removed: ExecutionPath[];
  /** Paths judged (the change's reach). */
  candidates: number;
  /** Distinct ends of those paths (the identities, for execution chains). */
  identities: number;
}

const keyOf = (p: ExecutionPath) => p.edges.map((e) => e.edgeId).join('>');

interface Candidate {
  key: string;
  /** The path as of each moment it exists at (a path through no change exists at both or neither). */
  at: Map<string, ExecutionPath>;
  throughChange: boolean;
}

/** The reported chains of a family that differ between the window's two ends, found from the changes alone. */
export async function diffPathsThroughChanges(ctx: DriftContext, family: PathFamily, changes: ChainChanges): Promise<PathDiff> {
  const maxDepth = DEFAULT_CHAIN_DEPTH;
  const traverse = new Set<string>(family.traverse);
  const changedNodes = new Set(changes.nodes);
  for (const e of changes.edges.values()) if (family.endStatusEdges.includes(e.edgeType)) changedNodes.add(e.sourceNodeId);
  const changedEdges = [...changes.edges].filter(([, e]) => traverse.has(e.edgeType)).sort(([a], [b]) => (a < b ? -1 : 1));
  const touchesChange = (p: ExecutionPath) => p.edges.some((e) => changes.edges.has(e.edgeId)) || p.nodes.some((n) => changedNodes.has(n.nodeId));

  const candidates = new Map<string, Candidate>();
  const add = (p: ExecutionPath, asOf: string) => {
    // The path and every tail of it that starts at an automation: a tail's maximality can turn on the change.
    for (let i = 0; i < p.edges.length; i++) {
      if (p.nodes[i]!.nodeType !== 'automation') continue;
      const tail = i === 0 ? p : slice(p, i);
      const key = keyOf(tail);
      let c = candidates.get(key);
      if (!c) candidates.set(key, (c = { key, at: new Map(), throughChange: touchesChange(tail) }));
      c.at.set(asOf, tail);
    }
  };

  for (const asOf of [ctx.since, ctx.until]) {
    for (const [edgeId, e] of changedEdges) {
      await checkpoint();
      const edge = (await ctx.edges(e.sourceNodeId, 'outgoing', asOf)).find((x) => x.edgeId === edgeId);
      const source = await ctx.node(e.sourceNodeId, asOf);
      const target = await ctx.node(e.targetNodeId, asOf);
      if (!edge || !live(source) || !live(target)) continue;
      const backs = await backFrom(ctx, family, source, asOf, maxDepth - 1);
      const fwds = await forwardFrom(ctx, family, target, asOf, maxDepth - 1);
      for (const b of backs) for (const f of fwds) join(family, b, f, edge, maxDepth, (p) => add(p, asOf));
    }
    for (const id of [...changedNodes].sort()) {
      await checkpoint();
      const node = await ctx.node(id, asOf);
      if (!live(node)) continue;
      const backs = await backFrom(ctx, family, node, asOf, maxDepth);
      const fwds = await forwardFrom(ctx, family, node, asOf, maxDepth);
      for (const b of backs) for (const f of fwds) join(family, b, f, null, maxDepth, (p) => add(p, asOf));
    }
  }

  const added: ExecutionPath[] = [];
  const removed: ExecutionPath[] = [];
  for (const c of [...candidates.values()].sort((a, b) => (a.key < b.key ? -1 : 1))) {
    await checkpoint();
    const known = c.at.get(ctx.until) ?? c.at.get(ctx.since)!;
    // A path through no change exists at both ends or at neither, with the same chain shape.
    const was = await reported(ctx, family, c.throughChange ? c.at.get(ctx.since) : known, ctx.since, maxDepth);
    const is = await reported(ctx, family, c.throughChange ? c.at.get(ctx.until) : known, ctx.until, maxDepth);
    if (is && !was) added.push(await asOfMoment(ctx, c.at.get(ctx.until) ?? known, ctx.until));
    if (was && !is) removed.push(await asOfMoment(ctx, c.at.get(ctx.since) ?? known, ctx.since));
  }
  const ends = new Set([...candidates.values()].map((c) => [...c.at.values()][0]!.endNode.nodeId));
  return { added, removed, candidates: candidates.size, identities: ends.size };
}

const live = (n: NormalizedNode | null): n is NormalizedNode => !!n && !n.deletedAt;

/** The path's nodes as one moment holds them (names, properties), for a finding that describes it then. */
async function asOfMoment(ctx: DriftContext, p: ExecutionPath, asOf: string): Promise<ExecutionPath> {
  const nodes = await Promise.all(p.nodes.map(async (n) => (await ctx.node(n.nodeId, asOf)) ?? n));
  return { ...p, nodes, startNode: nodes[0]!, endNode: nodes.at(-1)! };
}

/** Whether a path (as of this moment; undefined: absent then) is a chain reported then. */
async function reported(ctx: DriftContext, family: PathFamily, p: ExecutionPath | undefined, asOf: string, maxDepth: number): Promise<boolean> {
  if (!p || !isEntryPoint(p.startNode) || p.endNode.nodeType !== family.endType) return false;
  if (!(await family.endQualifies(ctx, p.endNode, asOf))) return false;
  return p.depth >= maxDepth || !(await extendsBackwards(ctx, family, p, asOf, maxDepth));
}

/** Whether a longer path of the family has this one as its tail at this moment (it is then folded into it). */
async function extendsBackwards(ctx: DriftContext, family: PathFamily, p: ExecutionPath, asOf: string, maxDepth: number): Promise<boolean> {
  const onPath = new Set(p.nodes.map((n) => n.nodeId));
  for (const e of await ctx.edges(p.startNode.nodeId, 'incoming', asOf)) {
    if (!family.traverse.includes(e.edgeType) || onPath.has(e.sourceNodeId)) continue;
    const x = await ctx.node(e.sourceNodeId, asOf);
    if (!live(x) || (family.noIdentityInside && x.nodeType === 'identity')) continue;
    if (x.nodeType === 'automation') return true;
    // Rare in real data (only automations call automations): walk on to an automation.
    for (const b of await backFrom(ctx, family, x, asOf, maxDepth - p.depth - 1)) {
      if (b.nodes.every((n) => !onPath.has(n.nodeId)) && b.nodes.length > 1) return true;
    }
  }
  return false;
}

/**
 * Paths ending at `node` that start at an automation (in walking order, automation first; the
 * node alone when it is one), at most `depth` hops, no identity inside for execution chains.
 */
async function backFrom(ctx: DriftContext, family: PathFamily, node: NormalizedNode, asOf: string, depth: number): Promise<ExecutionPath[]> {
  const out: ExecutionPath[] = node.nodeType === 'automation' ? [single(node)] : [];
  if (depth <= 0) return out;
  const paths = await walkPaths(ctx, node, new Set(family.traverse), 'automation', 'incoming', depth, asOf);
  for (const p of paths) {
    const r = reversePath(p);
    if (family.noIdentityInside && r.nodes.slice(0, -1).some((n) => n.nodeType === 'identity')) continue;
    out.push(r);
  }
  return out;
}

/** Paths from `node` to an end of the family (the node alone when it is one), at most `depth` hops. */
async function forwardFrom(ctx: DriftContext, family: PathFamily, node: NormalizedNode, asOf: string, depth: number): Promise<ExecutionPath[]> {
  const out: ExecutionPath[] = node.nodeType === family.endType ? [single(node)] : [];
  if (depth <= 0) return out;
  const paths = await walkPaths(ctx, node, new Set(family.traverse), family.endType, 'outgoing', depth, asOf);
  for (const p of paths) {
    if (family.noIdentityInside && p.nodes.slice(1, -1).some((n) => n.nodeType === 'identity')) continue;
    out.push(p);
  }
  return out;
}

const single = (n: NormalizedNode): ExecutionPath => ({ nodes: [n], edges: [], depth: 0, startNode: n, endNode: n });

/** back + (edge) + forward as one simple path within the depth, started at an automation and ended at the family's end. */
function join(
  family: PathFamily,
  back: ExecutionPath,
  fwd: ExecutionPath,
  edge: NormalizedEdge | null,
  maxDepth: number,
  emit: (p: ExecutionPath) => void,
): void {
  const depth = back.depth + fwd.depth + (edge ? 1 : 0);
  if (depth === 0 || depth > maxDepth) return;
  const backIds = new Set(back.nodes.map((n) => n.nodeId));
  const fwdNodes = edge ? fwd.nodes : fwd.nodes.slice(1);
  if (fwdNodes.some((n) => backIds.has(n.nodeId))) return;
  const nodes = [...back.nodes, ...fwdNodes];
  if (nodes[0]!.nodeType !== 'automation' || nodes.at(-1)!.nodeType !== family.endType) return;
  if (family.noIdentityInside && nodes.slice(1, -1).some((n) => n.nodeType === 'identity')) return;
  const edges = edge ? [...back.edges, edge, ...fwd.edges] : [...back.edges, ...fwd.edges];
  emit({ nodes, edges, depth, startNode: nodes[0]!, endNode: nodes.at(-1)! });
}

function slice(p: ExecutionPath, from: number): ExecutionPath {
  const nodes = p.nodes.slice(from);
  return { nodes, edges: p.edges.slice(from), depth: p.depth - from, startNode: nodes[0]!, endNode: nodes.at(-1)! };
}
