import {
  CHAIN_EDGE_TYPES,
  DEFAULT_CHAIN_DEPTH,
  INBOUND_EDGE_TYPE,
  OWNERSHIP_STATES,
  PARTIAL_TO_CONNECTION_EDGE_TYPES,
  PARTIAL_TO_CREDENTIAL_EDGE_TYPES,
} from '../model/index.ts';
import type { EdgeType, NodeType, NormalizedEdge, NormalizedNode, OwnershipState, PostureCounts, PostureEntry, PostureQuery } from '../model/index.ts';

// StorageAdapter.postureCounts for the stores that hold the graph in this process (memory, the
// embedded SQLite file): one walk over the store's own indexes. Chains are counted, never
// collected, so the work is the number of chain hops, not of chains × length. Neo4j runs the same
// definition in Cypher (cypher/posture/). The walk reads nodes and edges through PostureGraph, a
// projection of the few fields it uses, so a store can answer from columns without decoding
// whole records.

/** What the walk reads of a live node. */
export interface PostureNode {
  nodeId: string;
  nodeType: NodeType;
  /** Automations and identities (a store may leave it out of the others: the walk compares no other's). */
  sourceSystem?: string;
  /** Automations. */
  automationSubtype?: string;
  /** Identities. */
  ownershipState?: OwnershipState;
  /** Roles. */
  isPrivileged?: boolean;
  /** Credentials: the record's status and expiry. */
  status?: string;
  expiresAt?: string;
}

/** What the walk reads of an edge live at the read's moment. */
export type PostureEdge = Pick<NormalizedEdge, 'edgeType' | 'sourceNodeId' | 'targetNodeId'>;

/**
 * The edge types the walk follows: chain hops and inbound OAuth out of a node, CALLS into a chain's
 * start (PostureGraph.edges; a store may leave every other edge out), and the role grants read
 * only for the identities chains end at (PostureGraph.grants). The first are few next to the
 * graph's evidence and membership edges, so a store can read all of them at once (the SQLite
 * store's partial index, sqlite/schema.ts), not node by node.
 */
export const POSTURE_EDGE_TYPES = {
  outgoing: [...new Set<EdgeType>([...CHAIN_EDGE_TYPES, INBOUND_EDGE_TYPE])],
  incoming: ['CALLS'] as EdgeType[],
  grants: ['HAS_ROLE', 'MEMBER_OF'] as EdgeType[],
} as const;

/** The graph at one moment, as the walk reads it. */
export interface PostureGraph {
  /**
   * Every live node of the type; for automations a store may leave out those with no outgoing
   * chain edge (a walk from them finds nothing).
   */
  nodesOfType(type: 'automation' | 'identity'): Iterable<PostureNode>;
  /** The node when it is live at the moment, else null (missing or a tombstone). */
  node(id: string): PostureNode | null;
  /** Edges at a node in one direction (whatever the other end's state): at least those of POSTURE_EDGE_TYPES.outgoing / incoming. */
  edges(nodeId: string, direction: 'outgoing' | 'incoming'): Iterable<PostureEdge>;
  /** An identity's outgoing edges: at least its grants (POSTURE_EDGE_TYPES.grants) of roles live and privileged at the moment. */
  grants(identityId: string): Iterable<PostureEdge>;
}

/** The projection of a whole node record; null for a tombstone. */
export function postureNodeOf(n: NormalizedNode | null | undefined): PostureNode | null {
  if (!n || n.deletedAt) return null;
  const base = { nodeId: n.nodeId, nodeType: n.nodeType, sourceSystem: n.sourceSystem };
  switch (n.nodeType) {
    case 'automation':
      return { ...base, automationSubtype: n.properties.automationSubtype };
    case 'identity':
      return { ...base, ownershipState: n.properties.ownershipState };
    case 'role':
      return { ...base, isPrivileged: n.properties.isPrivileged === true };
    case 'credential':
      return { ...base, status: n.status, ...(n.properties.expiresAt ? { expiresAt: n.properties.expiresAt } : {}) };
    default:
      return base;
  }
}

const CHAIN_TYPES = new Set<string>(CHAIN_EDGE_TYPES);
const TO_CONNECTION = new Set<string>(PARTIAL_TO_CONNECTION_EDGE_TYPES);
const TO_CREDENTIAL = new Set<string>(PARTIAL_TO_CREDENTIAL_EDGE_TYPES);
const GRANT_TYPES = new Set<string>(POSTURE_EDGE_TYPES.grants);

/**
 * The posture (model/posture.ts). Chain kinds as the chain analysis finds them (src/analysis):
 *  - to an identity (execution-chains.ts findPathsToIdentities): every maximal simple path
 *    automation → … → identity over CHAIN_EDGE_TYPES, at most DEFAULT_CHAIN_DEPTH hops;
 *  - partial (partial-chains.ts findPartialPaths): every maximal simple path over
 *    PARTIAL_TO_CONNECTION hops to a connection with no USES edge, or over PARTIAL_TO_CREDENTIAL
 *    hops to a credential with no AUTHENTICATES_AS edge; each such path is a prefix of a walk path
 *    (its hops are chain hops), so the one walk finds both;
 *  - either is latent when it starts at library code (query.calledOnly);
 *  - inbound_oauth (inbound-chains.ts): a live identity's AUTHENTICATES_TO edge to a live identity
 *    of another source system.
 * Maximal: not the tail of a longer path of the same kind, i.e. at the depth cap, or no live
 * automation off the path CALLS its start (the chain analysis keeps only such paths: maximalChains).
 * Unlike the analysis, whose path searches stop at 5,000 paths, the counts here are exact.
 */
export function postureOf(view: PostureGraph, query: PostureQuery): PostureCounts {
  const identitiesByOwnership = Object.fromEntries(OWNERSHIP_STATES.map((s) => [s, 0])) as PostureCounts['identitiesByOwnership'];
  const chainsByKind: PostureCounts['chainsByKind'] = { authenticates_as: 0, runs_as: 0, inbound_oauth: 0, partial: 0, latent: 0 };
  for (const n of view.nodesOfType('identity')) {
    if (n.ownershipState) identitiesByOwnership[n.ownershipState]++;
    for (const e of view.edges(n.nodeId, 'outgoing')) {
      if (e.edgeType !== INBOUND_EDGE_TYPE || e.targetNodeId === n.nodeId) continue;
      const target = view.node(e.targetNodeId);
      if (target?.nodeType === 'identity' && target.sourceSystem !== n.sourceSystem) chainsByKind.inbound_oauth++;
    }
  }
  const automations = [...view.nodesOfType('automation')];

  const chainsTo = new Map<string, number>();
  const chainsVia = new Map<string, number>();
  const calledOnly = new Set(query.calledOnly);
  let entryPoint = true;
  let lastHop = '';
  /** Hops on the path so far that a partial chain to a connection, or to a credential, may not take. */
  let offConnectionHops = 0;
  let offCredentialHops = 0;
  const onPath = new Set<string>();
  const bump = (map: Map<string, number>, id: string) => map.set(id, (map.get(id) ?? 0) + 1);

  /** A path from `start` is folded into a longer one when a live automation off the path calls it. */
  const calledFromOutside = (start: string) => {
    for (const e of view.edges(start, 'incoming')) {
      if (e.edgeType === 'CALLS' && !onPath.has(e.sourceNodeId) && view.node(e.sourceNodeId)?.nodeType === 'automation') return true;
    }
    return false;
  };
  const maximal = (start: string, depth: number) => depth === DEFAULT_CHAIN_DEPTH || !calledFromOutside(start);
  const hasOutgoing = (nodeId: string, edgeType: string) => {
    for (const e of view.edges(nodeId, 'outgoing')) if (e.edgeType === edgeType) return true;
    return false;
  };
  /** The path ends where a partial chain stops: a connection with no credential to follow, a credential matching no identity. */
  const stopsHere = (node: PostureNode) =>
    (node.nodeType === 'connection' && offConnectionHops === 0 && !hasOutgoing(node.nodeId, 'USES')) ||
    (node.nodeType === 'credential' && offCredentialHops === 0 && !hasOutgoing(node.nodeId, 'AUTHENTICATES_AS'));

  const walk = (start: string, node: PostureNode, depth: number, credential: string | undefined) => {
    if (depth > 0 && node.nodeType === 'identity') {
      if (maximal(start, depth)) {
        if (!entryPoint) chainsByKind.latent++;
        else {
          chainsByKind[lastHop === 'RUNS_AS' ? 'runs_as' : 'authenticates_as']++;
          bump(chainsTo, node.nodeId);
          if (credential) bump(chainsVia, credential);
        }
      }
      return; // an identity ends a chain
    }
    if (depth > 0 && stopsHere(node) && maximal(start, depth)) chainsByKind[entryPoint ? 'partial' : 'latent']++;
    if (depth === DEFAULT_CHAIN_DEPTH) return;
    for (const e of view.edges(node.nodeId, 'outgoing')) {
      if (!CHAIN_TYPES.has(e.edgeType) || onPath.has(e.targetNodeId)) continue;
      const next = view.node(e.targetNodeId);
      if (!next) continue;
      const offConnection = TO_CONNECTION.has(e.edgeType) ? 0 : 1;
      const offCredential = TO_CREDENTIAL.has(e.edgeType) ? 0 : 1;
      onPath.add(next.nodeId);
      lastHop = e.edgeType;
      offConnectionHops += offConnection;
      offCredentialHops += offCredential;
      walk(start, next, depth + 1, e.edgeType === 'AUTHENTICATES_AS' ? node.nodeId : credential);
      offConnectionHops -= offConnection;
      offCredentialHops -= offCredential;
      onPath.delete(next.nodeId);
    }
  };
  for (const a of automations) {
    entryPoint = !calledOnly.has(`${a.sourceSystem}:${a.automationSubtype}`);
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
    const expiresAt = c.expiresAt;
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
  for (const e of view.grants(identityId)) {
    if (!GRANT_TYPES.has(e.edgeType)) continue;
    const role = view.node(e.targetNodeId);
    if (role?.nodeType === 'role' && role.isPrivileged) return true;
  }
  return false;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** Soonest expiry first; a credential with no expiresAt (expired by status) last; then nodeId. */
const byExpiry = (a: PostureEntry, b: PostureEntry) =>
  (a.expiresAt ? Date.parse(a.expiresAt) : Infinity) - (b.expiresAt ? Date.parse(b.expiresAt) : Infinity) || cmp(a.nodeId, b.nodeId);
