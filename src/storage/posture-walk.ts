import { CHAIN_EDGE_TYPES, DEFAULT_CHAIN_DEPTH, OWNERSHIP_STATES } from '../model/index.ts';
import type { NormalizedEdge, NormalizedNode, PostureCounts, PostureEntry, PostureQuery } from '../model/index.ts';

// StorageAdapter.postureCounts for the stores that hold the graph in this process (memory, the
// embedded SQLite file): one walk over the store's own indexes. Chains are counted, never
// collected, so the work is the number of chain hops, not of chains × length. Neo4j runs the same
// definition in Cypher (cypher/posture/).

/** The graph at one moment, as the walk reads it. */
export interface PostureGraph {
  /** Every node of the type (tombstones may be included: the walk skips them). */
  nodesOfType(type: 'automation' | 'identity'): Iterable<NormalizedNode>;
  node(id: string): NormalizedNode | null | undefined;
  /** Edges at a node in one direction. */
  edges(nodeId: string, direction: 'outgoing' | 'incoming'): Iterable<NormalizedEdge>;
}

const CHAIN_TYPES = new Set<string>(CHAIN_EDGE_TYPES);
const live = (n: NormalizedNode | null | undefined): n is NormalizedNode => !!n && !n.deletedAt;

export function postureOf(view: PostureGraph, query: PostureQuery): PostureCounts {
  const identitiesByOwnership = Object.fromEntries(OWNERSHIP_STATES.map((s) => [s, 0])) as PostureCounts['identitiesByOwnership'];
  for (const n of view.nodesOfType('identity')) if (live(n) && n.nodeType === 'identity') identitiesByOwnership[n.properties.ownershipState]++;
  const automations = [...view.nodesOfType('automation')].filter(live);

  const chainsTo = new Map<string, number>();
  const chainsVia = new Map<string, number>();
  const chainsByKind: PostureCounts['chainsByKind'] = { authenticates_as: 0, runs_as: 0, latent: 0 };
  const calledOnly = new Set(query.calledOnly);
  let entryPoint = true;
  let lastHop = '';
  const onPath = new Set<string>();
  const bump = (map: Map<string, number>, id: string) => map.set(id, (map.get(id) ?? 0) + 1);

  /** A chain from `start` is folded into a longer one when a live automation off the path calls it. */
  const calledFromOutside = (start: string) => {
    for (const e of view.edges(start, 'incoming')) {
      if (e.edgeType === 'CALLS' && !onPath.has(e.sourceNodeId) && live(view.node(e.sourceNodeId))) return true;
    }
    return false;
  };

  const walk = (start: string, node: NormalizedNode, depth: number, credential: string | undefined) => {
    if (depth > 0 && node.nodeType === 'identity') {
      // Only a simple path can be extended at the front, and only within the depth cap.
      if (depth === DEFAULT_CHAIN_DEPTH || !calledFromOutside(start)) {
        if (!entryPoint) chainsByKind.latent++;
        else {
          chainsByKind[lastHop === 'RUNS_AS' ? 'runs_as' : 'authenticates_as']++;
          bump(chainsTo, node.nodeId);
          if (credential) bump(chainsVia, credential);
        }
      }
      return; // an identity ends a chain
    }
    if (depth === DEFAULT_CHAIN_DEPTH) return;
    for (const e of view.edges(node.nodeId, 'outgoing')) {
      if (!CHAIN_TYPES.has(e.edgeType) || onPath.has(e.targetNodeId)) continue;
      const next = view.node(e.targetNodeId);
      if (!live(next)) continue;
      onPath.add(next.nodeId);
      lastHop = e.edgeType;
      walk(start, next, depth + 1, e.edgeType === 'AUTHENTICATES_AS' ? node.nodeId : credential);
      onPath.delete(next.nodeId);
    }
  };
  for (const a of automations) {
    entryPoint = !(a.nodeType === 'automation' && calledOnly.has(`${a.sourceSystem}:${a.properties.automationSubtype}`));
    onPath.add(a.nodeId);
    walk(a.nodeId, a, 0, undefined);
    onPath.delete(a.nodeId);
  }

  const privileged: PostureEntry[] = [];
  for (const [nodeId, n] of chainsTo) if (isPrivileged(view, nodeId)) privileged.push({ nodeId, chains: n });
  privileged.sort((a, b) => b.chains - a.chains || cmp(a.nodeId, b.nodeId));

  const now = Date.parse(query.now);
  const soon = Date.parse(query.expiringBefore);
  const expired: PostureEntry[] = [];
  const expiring: PostureEntry[] = [];
  for (const [nodeId, n] of chainsVia) {
    const c = view.node(nodeId);
    if (c?.nodeType !== 'credential') continue;
    const expiresAt = c.properties.expiresAt;
    const at = expiresAt ? Date.parse(expiresAt) : undefined;
    const entry = { nodeId, chains: n, ...(expiresAt ? { expiresAt } : {}) };
    if (c.status === 'expired' || (at !== undefined && at < now)) expired.push(entry);
    else if (at !== undefined && at < soon) expiring.push(entry);
  }
  expired.sort(byExpiry);
  expiring.sort(byExpiry);
  const list = (entries: PostureEntry[]) => ({ count: entries.length, top: entries.slice(0, query.top) });
  return {
    identitiesByOwnership,
    chainsByKind,
    privilegedReachable: list(privileged),
    credentialsExpired: list(expired),
    credentialsExpiring: list(expiring),
  };
}

function isPrivileged(view: PostureGraph, identityId: string): boolean {
  for (const e of view.edges(identityId, 'outgoing')) {
    if (e.edgeType !== 'HAS_ROLE' && e.edgeType !== 'MEMBER_OF') continue;
    const role = view.node(e.targetNodeId);
    if (live(role) && role.nodeType === 'role' && role.properties.isPrivileged) return true;
  }
  return false;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** Soonest expiry first; a credential with no expiresAt (expired by status) last; then nodeId. */
const byExpiry = (a: PostureEntry, b: PostureEntry) =>
  (a.expiresAt ? Date.parse(a.expiresAt) : Infinity) - (b.expiresAt ? Date.parse(b.expiresAt) : Infinity) || cmp(a.nodeId, b.nodeId);
