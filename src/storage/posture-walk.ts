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

/** A chain hop out of a node to a live node, as the walk takes it. */
interface Step {
  next: PostureNode;
  edgeType: EdgeType;
  /** 1 when a partial chain to a connection (to a credential) may not take this hop. */
  offConnection: number;
  offCredential: number;
  /** The credential an AUTHENTICATES_AS hop leaves. */
  credential: PostureNode | undefined;
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

  // The walk keys its bookkeeping by node object, not id: view.node gives one object per node,
  // and a lookup by object is an identity hash where one by id hashes and compares the id
  // string (the ids read from a store are a fresh string per row): on the 100k tenant most of
  // the walk's time went to such lookups.
  const chainsTo = new Map<PostureNode, number>();
  const chainsVia = new Map<PostureNode, number>();
  const calledOnly = new Set(query.calledOnly);
  let entryPoint = true;
  /** Hops on the path so far that a partial chain to a connection, or to a credential, may not take. */
  let offConnectionHops = 0;
  let offCredentialHops = 0;
  const onPath = new Set<PostureNode>();
  const bump = (map: Map<PostureNode, number>, node: PostureNode) => map.set(node, (map.get(node) ?? 0) + 1);

  // What the walk asks of a node again on every path through it, worked out once per node: its
  // hops to live nodes, the live automations calling it, whether a partial chain stops at it.
  const stepsOf = new Map<PostureNode, Step[]>();
  const steps = (node: PostureNode) => {
    let list = stepsOf.get(node);
    if (!list) {
      list = [];
      for (const e of view.edges(node.nodeId, 'outgoing')) {
        if (!CHAIN_TYPES.has(e.edgeType)) continue;
        const next = view.node(e.targetNodeId);
        if (!next) continue;
        const offConnection = TO_CONNECTION.has(e.edgeType) ? 0 : 1;
        const offCredential = TO_CREDENTIAL.has(e.edgeType) ? 0 : 1;
        list.push({ next, edgeType: e.edgeType, offConnection, offCredential, credential: e.edgeType === 'AUTHENTICATES_AS' ? node : undefined });
      }
      stepsOf.set(node, list);
    }
    return list;
  };
  const callersOf = new Map<PostureNode, PostureNode[]>();
  const callers = (start: PostureNode) => {
    let list = callersOf.get(start);
    if (!list) {
      list = [];
      for (const e of view.edges(start.nodeId, 'incoming')) {
        const caller = e.edgeType === 'CALLS' ? view.node(e.sourceNodeId) : null;
        if (caller?.nodeType === 'automation') list.push(caller);
      }
      callersOf.set(start, list);
    }
    return list;
  };
  /** A path from `start` is folded into a longer one when a live automation off the path calls it. */
  const calledFromOutside = (start: PostureNode) => {
    for (const c of callers(start)) if (!onPath.has(c)) return true;
    return false;
  };
  const maximal = (start: PostureNode, depth: number) => depth === DEFAULT_CHAIN_DEPTH || !calledFromOutside(start);
  const hasOutgoing = (nodeId: string, edgeType: string) => {
    for (const e of view.edges(nodeId, 'outgoing')) if (e.edgeType === edgeType) return true;
    return false;
  };
  /** A connection with no credential to follow, a credential matching no identity. */
  const danglingOf = new Map<PostureNode, boolean>();
  const dangling = (node: PostureNode) => {
    let d = danglingOf.get(node);
    if (d === undefined) danglingOf.set(node, (d = !hasOutgoing(node.nodeId, node.nodeType === 'connection' ? 'USES' : 'AUTHENTICATES_AS')));
    return d;
  };
  /** The path ends where a partial chain stops. */
  const stopsHere = (node: PostureNode) =>
    ((node.nodeType === 'connection' && offConnectionHops === 0) || (node.nodeType === 'credential' && offCredentialHops === 0)) && dangling(node);

  /** An identity ends a chain (reached in `depth` hops, the last one `hop`). */
  const end = (start: PostureNode, identity: PostureNode, depth: number, hop: EdgeType, credential: PostureNode | undefined) => {
    if (!maximal(start, depth)) return;
    if (!entryPoint) chainsByKind.latent++;
    else {
      chainsByKind[hop === 'RUNS_AS' ? 'runs_as' : 'authenticates_as']++;
      bump(chainsTo, identity);
      if (credential) bump(chainsVia, credential);
    }
  };
  const walk = (start: PostureNode, node: PostureNode, depth: number, credential: PostureNode | undefined) => {
    if (depth > 0 && stopsHere(node) && maximal(start, depth)) chainsByKind[entryPoint ? 'partial' : 'latent']++;
    if (depth === DEFAULT_CHAIN_DEPTH) return;
    for (const step of steps(node)) {
      const next = step.next;
      if (onPath.has(next)) continue;
      // Counted here, not one call deeper: most steps end at an identity. (The path's nodes that
      // matter to `maximal` are automations, so the identity need not join the path.)
      if (next.nodeType === 'identity') {
        end(start, next, depth + 1, step.edgeType, step.credential ?? credential);
        continue;
      }
      onPath.add(next);
      offConnectionHops += step.offConnection;
      offCredentialHops += step.offCredential;
      walk(start, next, depth + 1, step.credential ?? credential);
      offConnectionHops -= step.offConnection;
      offCredentialHops -= step.offCredential;
      onPath.delete(next);
    }
  };
  for (const a of automations) {
    // The graph's own object for the node, so a path back to its start is seen.
    const start = view.node(a.nodeId);
    if (!start) continue;
    entryPoint = !calledOnly.has(`${start.sourceSystem}:${start.automationSubtype}`);
    onPath.add(start);
    walk(start, start, 0, undefined);
    onPath.delete(start);
  }

  const privileged: PostureEntry[] = [];
  for (const [{ nodeId }, n] of chainsTo) if (isPrivileged(view, nodeId)) privileged.push({ nodeId, chains: n });
  privileged.sort((a, b) => b.chains - a.chains || cmp(a.nodeId, b.nodeId));

  const now = Date.parse(query.now);
  const soon = Date.parse(query.expiringBefore);
  // Each entry with its expiry parsed once (a sort comparing dates parsed them per comparison).
  const expired: [PostureEntry, number][] = [];
  const expiring: [PostureEntry, number][] = [];
  for (const [c, n] of chainsVia) {
    if (c.nodeType !== 'credential') continue;
    const expiresAt = c.expiresAt;
    const at = expiresAt ? Date.parse(expiresAt) : undefined;
    const entry: [PostureEntry, number] = [{ nodeId: c.nodeId, chains: n, ...(expiresAt ? { expiresAt } : {}) }, at ?? Infinity];
    if (c.status === 'expired' || (at !== undefined && at < now)) expired.push(entry);
    else if (at !== undefined && at < soon) expiring.push(entry);
  }
  const list = (entries: PostureEntry[]) => ({ count: entries.length, top: entries.slice(0, query.top) });
  const byExpiry = (entries: [PostureEntry, number][]) => list(entries.sort(soonestFirst).map(([e]) => e));
  return {
    identitiesByOwnership,
    chainsByKind,
    privilegedReachable: list(privileged),
    credentialsExpired: byExpiry(expired),
    credentialsExpiring: byExpiry(expiring),
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
const soonestFirst = ([a, at]: [PostureEntry, number], [b, bt]: [PostureEntry, number]) => (at === bt ? cmp(a.nodeId, b.nodeId) : at - bt);
