import { makeEdgeId, makeNodeId } from '../../src/model/index.ts';
import type { EdgeType, NormalizedEdge, NormalizedGraph, NormalizedNode, NodeType } from '../../src/model/index.ts';
import { pick, seededRandom } from './random.ts';

// A synthetic tenant with a realistic mix: most nodes are automations and execution evidence,
// identities are few and heavily shared, chains run automation → automation → connection →
// credential → identity, and people own things. Seedable: the same options give the same graph.

export interface SyntheticOptions {
  nodes: number;
  seed?: number;
  tenantId?: string;
  connectorId?: string;
  syncId?: string;
  transformedAt?: string;
}

const MIX: [NodeType, number][] = [
  ['automation', 0.25],
  ['execution_evidence', 0.3],
  ['human_identity', 0.1],
  ['resource', 0.1],
  ['credential', 0.08],
  ['identity', 0.05],
  ['connection', 0.05],
  ['permission', 0.05],
  ['role', 0.02],
];

const SCOPE = 'synthetic.example.com';
const T0 = Date.UTC(2026, 0, 1);

export function syntheticTenant(options: SyntheticOptions): NormalizedGraph {
  const rand = seededRandom(options.seed ?? 42);
  const byType = new Map<NodeType, NormalizedNode[]>();
  const nodes: NormalizedNode[] = [];
  for (const [type, share] of MIX) {
    const count = Math.max(1, Math.round(options.nodes * share));
    const list: NormalizedNode[] = [];
    for (let i = 0; i < count && nodes.length < options.nodes; i++) {
      const node = makeNode(type, i, rand);
      list.push(node);
      nodes.push(node);
    }
    byType.set(type, list);
  }
  const edges = makeEdges(byType, rand, options.nodes * 3);
  return {
    syncId: options.syncId ?? 'sync-synthetic-1',
    connectorId: options.connectorId ?? 'synthetic',
    tenantId: options.tenantId ?? 'tenant-synthetic',
    transformedAt: options.transformedAt ?? new Date(T0).toISOString(),
    nodes,
    edges,
    temporalMarkers: [],
    evidenceCompleteness: { sources: {} },
  };
}

function iso(rand: () => number, days = 365): string {
  return new Date(T0 - Math.floor(rand() * days * 86_400_000)).toISOString();
}

function base(type: NodeType, i: number) {
  const sourceId = `${type.slice(0, 3)}${i.toString(36).padStart(6, '0')}`;
  return {
    nodeId: makeNodeId('custom', SCOPE, sourceId),
    sourceSystem: 'custom' as const,
    sourceScope: SCOPE,
    sourceId,
    displayName: `${type} ${i}`,
    status: 'active' as const,
  };
}

export function makeNode(type: NodeType, i: number, rand: () => number): NormalizedNode {
  const b = base(type, i);
  switch (type) {
    case 'identity':
      return { ...b, nodeType: type, properties: { identitySubtype: pick(rand, ['service_principal', 'oauth_app', 'integration_user'] as const), executionMode: 'autonomous', ownershipState: 'owned', lastActivityAt: iso(rand) } };
    case 'automation':
      return { ...b, nodeType: type, properties: { automationSubtype: pick(rand, ['business_rule', 'script_include', 'scheduled_job', 'flow_designer_flow'] as const), executionMode: 'autonomous', securityRelevance: pick(rand, ['active_external', 'dormant_authority', 'internal_inventory'] as const), ownershipState: 'owned' } };
    case 'connection':
      return { ...b, nodeType: type, properties: { connectionSubtype: 'rest_message', targetUrl: `https://api${i}.example.net/v1` } };
    case 'credential':
      return { ...b, nodeType: type, properties: { credentialSubtype: pick(rand, ['oauth_profile', 'client_secret', 'certificate'] as const), expiresAt: iso(rand, -365) } };
    case 'human_identity':
      return { ...b, nodeType: type, properties: { email: `user${i}@example.com`, accountEnabled: rand() > 0.05 } };
    case 'role':
      return { ...b, nodeType: type, properties: { roleName: `role_${i}`, roleSubtype: 'application', isPrivileged: rand() < 0.1 } };
    case 'permission':
      return { ...b, nodeType: type, properties: { permissionName: `perm.${i}`, normalizedAction: pick(rand, ['read', 'update', 'admin', 'create'] as const), scope: `scope_${i % 50}` } };
    case 'resource':
      return { ...b, nodeType: type, properties: { resourceSubtype: 'table', businessDomain: pick(rand, ['hr', 'finance', 'it_ops', 'unknown'] as const), sensitivity: 'internal' } };
    case 'execution_evidence':
      return { ...b, nodeType: type, properties: { executionType: 'api_call', executedAt: iso(rand, 30), outcome: 'success' } };
  }
}

function makeEdges(byType: Map<NodeType, NormalizedNode[]>, rand: () => number, target: number): NormalizedEdge[] {
  const edges = new Map<string, NormalizedEdge>();
  const get = (t: NodeType) => byType.get(t) ?? [];
  const add = (edgeType: EdgeType, from: NormalizedNode | undefined, to: NormalizedNode | undefined) => {
    if (!from || !to || from === to) return;
    const edgeId = makeEdgeId(edgeType, from.nodeId, to.nodeId);
    if (!edges.has(edgeId)) edges.set(edgeId, { edgeId, edgeType, sourceNodeId: from.nodeId, targetNodeId: to.nodeId, properties: {} });
  };
  const [automations, connections, credentials, identities, humans, roles, permissions, resources, evidence] = (
    ['automation', 'connection', 'credential', 'identity', 'human_identity', 'role', 'permission', 'resource', 'execution_evidence'] as const
  ).map(get) as NormalizedNode[][];
  // The chain backbone: every connection uses a credential that authenticates as an identity.
  connections!.forEach((c) => add('USES', c, pick(rand, credentials!)));
  credentials!.forEach((c) => add('AUTHENTICATES_AS', c, pick(rand, identities!)));
  // Call graphs are shallow, as on real instances: entry points (business rules, jobs, flows) call
  // a script include or two, script includes invoke outbound connections and rarely each other.
  const includes = automations!.filter((a) => a.nodeType === 'automation' && a.properties.automationSubtype === 'script_include');
  for (const a of automations!) {
    const r = rand();
    if (a.nodeType === 'automation' && a.properties.automationSubtype === 'script_include') {
      if (r < 0.6) add('INVOKES', a, pick(rand, connections!));
      else if (r < 0.65) add('CALLS', a, pick(rand, includes));
    } else {
      if (r < 0.5) {
        add('CALLS', a, pick(rand, includes));
        if (rand() < 0.3) add('CALLS', a, pick(rand, includes));
      } else if (r < 0.7) add('INVOKES', a, pick(rand, connections!));
      else if (r < 0.8) add('RUNS_AS', a, pick(rand, identities!));
    }
    add('OWNED_BY', a, pick(rand, humans!));
    add('TRIGGERS_ON', a, pick(rand, resources!));
  }
  identities!.forEach((i) => {
    add('OWNED_BY', i, pick(rand, humans!));
    add('HAS_ROLE', i, pick(rand, roles!));
  });
  roles!.forEach((r) => add('GRANTS', r, pick(rand, permissions!)));
  permissions!.forEach((p) => add('APPLIES_TO', p, pick(rand, resources!)));
  evidence!.forEach((e) => add('EXECUTES_ON', e, pick(rand, resources!)));
  // Fill up to the target fan-out with more ownership, role and call edges.
  const fillers: [EdgeType, NormalizedNode[], NormalizedNode[]][] = [
    ['MEMBER_OF', humans!, roles!],
    ['OWNED_BY', automations!, humans!],
    ['EXECUTES_ON', evidence!, resources!],
    ['APPROVED_BY', identities!, humans!],
  ];
  let guard = 0;
  while (edges.size < target && guard++ < target * 3) {
    const [type, from, to] = pick(rand, fillers);
    add(type, pick(rand, from), pick(rand, to));
  }
  return [...edges.values()];
}

/**
 * `count` automations new to `nodes`: numbered from 10,000,000, or past the highest such number
 * `nodes` holds. A graph mutated before holds the earlier mutation's new automations, and reusing
 * their numbers put each of those ids in the next graph twice (an extraction validateGraph
 * refuses; its two events of one id made a store redo the commit). A synthetic tenant mutated
 * once gets 10,000,000 onwards, as it always did. Read from the source ids, no set of every id.
 */
function newAutomations(nodes: readonly NormalizedNode[], count: number, rand: () => number): NormalizedNode[] {
  const FIRST = 10_000_000;
  let next = FIRST;
  for (const n of nodes) {
    if (n.nodeType !== 'automation') continue;
    const i = parseInt(n.sourceId.slice(3), 36);
    if (i >= next) next = i + 1;
  }
  return Array.from({ length: count }, (_, k) => makeNode('automation', next + k, rand));
}

/**
 * A copy with a fraction of nodes changed: ~60% updated, ~20% deleted, ~20% new, and as many
 * edges removed/added. Returns fresh objects, as a real extraction would.
 */
export function mutateTenant(graph: NormalizedGraph, fraction: number, seed = 7, syncId = 'sync-synthetic-2'): NormalizedGraph {
  const rand = seededRandom(seed);
  const changes = Math.max(1, Math.round(graph.nodes.length * fraction));
  const deleted = new Set<string>();
  const updated = new Set<string>();
  for (let i = 0; i < changes; i++) {
    const n = graph.nodes[Math.floor(rand() * graph.nodes.length)]!;
    const r = rand();
    if (r < 0.6) updated.add(n.nodeId);
    else if (r < 0.8) deleted.add(n.nodeId);
  }
  const nodes: NormalizedNode[] = [];
  for (const n of graph.nodes) {
    if (deleted.has(n.nodeId)) continue;
    const copy = structuredClone(n);
    if (updated.has(n.nodeId)) copy.displayName = `${n.displayName} (renamed)`;
    nodes.push(copy);
  }
  nodes.push(...newAutomations(graph.nodes, Math.round(changes * 0.2), rand));
  const edges: NormalizedEdge[] = [];
  for (const e of graph.edges) {
    if (deleted.has(e.sourceNodeId) || deleted.has(e.targetNodeId)) continue;
    if (rand() < fraction * 0.2) continue;
    edges.push(structuredClone(e));
  }
  const liveAutomations = nodes.filter((n) => n.nodeType === 'automation');
  const humans = nodes.filter((n) => n.nodeType === 'human_identity');
  // A small tenant can lose every automation (or human) to the deletions: then no edge is added.
  const added = liveAutomations.length > 0 && humans.length > 0 ? Math.round(graph.edges.length * fraction * 0.2) : 0;
  for (let i = 0; i < added; i++) {
    const from = pick(rand, liveAutomations);
    const to = pick(rand, humans);
    const edgeId = makeEdgeId('APPROVED_BY', from.nodeId, to.nodeId);
    edges.push({ edgeId, edgeType: 'APPROVED_BY', sourceNodeId: from.nodeId, targetNodeId: to.nodeId, properties: {} });
  }
  const dedup = new Map(edges.map((e) => [e.edgeId, e]));
  return { ...graph, syncId, transformedAt: new Date(Date.parse(graph.transformedAt) + 86_400_000).toISOString(), nodes, edges: [...dedup.values()] };
}

/**
 * mutateTenant's change (same choices for the same seed) made to `graph` itself, for benchmarks
 * that must not hold two copies of a large graph. `graph` becomes the next extraction; `stored`
 * keeps the former versions of what changed or went, as a store would hand them out by id.
 */
export function mutateTenantInPlace(
  graph: NormalizedGraph,
  fraction: number,
  seed = 7,
  syncId = 'sync-synthetic-2',
): { current: NormalizedGraph; stored: { nodes: Map<string, NormalizedNode>; edges: Map<string, NormalizedEdge> } } {
  const rand = seededRandom(seed);
  const changes = Math.max(1, Math.round(graph.nodes.length * fraction));
  const deleted = new Set<string>();
  const updated = new Set<string>();
  for (let i = 0; i < changes; i++) {
    const n = graph.nodes[Math.floor(rand() * graph.nodes.length)]!;
    const r = rand();
    if (r < 0.6) updated.add(n.nodeId);
    else if (r < 0.8) deleted.add(n.nodeId);
  }
  const stored = { nodes: new Map<string, NormalizedNode>(), edges: new Map<string, NormalizedEdge>() };
  const nodes: NormalizedNode[] = [];
  for (let i = 0; i < graph.nodes.length; i++) {
    const n = graph.nodes[i]!;
    if (deleted.has(n.nodeId)) {
      stored.nodes.set(n.nodeId, n);
      continue;
    }
    if (updated.has(n.nodeId)) {
      stored.nodes.set(n.nodeId, n);
      const copy = structuredClone(n);
      copy.displayName = `${n.displayName} (renamed)`;
      nodes.push(copy);
    } else nodes.push(n);
  }
  const totalEdges = graph.edges.length;
  nodes.push(...newAutomations(graph.nodes, Math.round(changes * 0.2), rand));
  const edges: NormalizedEdge[] = [];
  const ids = new Set<string>();
  for (const e of graph.edges) {
    if (deleted.has(e.sourceNodeId) || deleted.has(e.targetNodeId) || rand() < fraction * 0.2) {
      stored.edges.set(e.edgeId, e);
      continue;
    }
    edges.push(e);
  }
  graph.nodes = [];
  graph.edges = [];
  const liveAutomations = nodes.filter((n) => n.nodeType === 'automation');
  const humans = nodes.filter((n) => n.nodeType === 'human_identity');
  for (const e of edges) ids.add(e.edgeId);
  // As mutateTenant: no automation or no human left, no edge added.
  const added = liveAutomations.length > 0 && humans.length > 0 ? Math.round(totalEdges * fraction * 0.2) : 0;
  for (let i = 0; i < added; i++) {
    const from = pick(rand, liveAutomations);
    const to = pick(rand, humans);
    const edgeId = makeEdgeId('APPROVED_BY', from.nodeId, to.nodeId);
    const edge: NormalizedEdge = { edgeId, edgeType: 'APPROVED_BY', sourceNodeId: from.nodeId, targetNodeId: to.nodeId, properties: {} };
    // As mutateTenant's dedupe: a re-added id replaces the one in place (same content here).
    if (ids.has(edgeId)) continue;
    ids.add(edgeId);
    stored.edges.delete(edgeId);
    edges.push(edge);
  }
  ids.clear();
  const current = { ...graph, syncId, transformedAt: new Date(Date.parse(graph.transformedAt) + 86_400_000).toISOString(), nodes, edges };
  return { current, stored };
}

/**
 * An incremental (delta) extraction of `graph` with `fraction` of its node count changed, as a
 * source's delta query returns it: renamed nodes (60%), nodes deleted by a 'deleted' marker (20%),
 * and new automations (20%), each approved by a human (a new edge to a stored node).
 */
export function tenantDelta(graph: NormalizedGraph, fraction: number, seed = 9, syncId = 'sync-synthetic-delta'): NormalizedGraph {
  const rand = seededRandom(seed);
  const changes = Math.max(1, Math.round(graph.nodes.length * fraction));
  const humans = graph.nodes.filter((n) => n.nodeType === 'human_identity');
  const transformedAt = new Date(Date.parse(graph.transformedAt) + 86_400_000).toISOString();
  const nodes = new Map<string, NormalizedNode>();
  const deleted = new Set<string>();
  const edges: NormalizedEdge[] = [];
  for (let i = 0; i < changes; i++) {
    const r = rand();
    if (r < 0.6) {
      const n = pick(rand, graph.nodes);
      if (!deleted.has(n.nodeId)) nodes.set(n.nodeId, { ...structuredClone(n), displayName: `${n.displayName} (delta)` });
    } else if (r < 0.8) {
      const n = pick(rand, graph.nodes);
      if (n.nodeType !== 'human_identity' && !nodes.has(n.nodeId)) deleted.add(n.nodeId);
    } else {
      const node = makeNode('automation', 20_000_000 + i, rand);
      const to = pick(rand, humans);
      nodes.set(node.nodeId, node);
      edges.push({ edgeId: makeEdgeId('APPROVED_BY', node.nodeId, to.nodeId), edgeType: 'APPROVED_BY', sourceNodeId: node.nodeId, targetNodeId: to.nodeId, properties: {} });
    }
  }
  return {
    ...graph,
    syncId,
    transformedAt,
    nodes: [...nodes.values()],
    edges,
    temporalMarkers: [...deleted].map((nodeId) => ({ nodeId, markerType: 'deleted' as const, timestamp: transformedAt })),
  };
}
