import type { EdgeType, ExtractionScope, NodeType, NormalizedEdge, NormalizedGraph, NormalizedNode, ResolverHints } from '../model/index.ts';
import { cloudLoginsOf } from '../model/index.ts';
import { resolveAuthEdges } from './auth-edges.ts';
import { resolveCallerEdges } from './caller-edges.ts';
import { resolveFederationEdges } from './federation-edges.ts';

// The EdgeResolver (seed 003 "Import-by-Type Pattern"): takes the per-connector graphs of one
// tenant and adds the edges no single connector can see. Each edge goes into the graph of the
// connector that owns its source node, so a connector's stored graph stays its own to diff.
// Every edge carries provenance {origin:'resolver', rule, detail, sourceRecordIds}.

export interface ResolverInput {
  graph: NormalizedGraph;
  hints?: ResolverHints;
}

export interface ResolveOptions {
  /** A configured connector failed this run: cross-system edges may be missing, so none is "complete". */
  someConnectorFailed?: boolean;
}

export interface ResolveResult {
  graphs: NormalizedGraph[];
  resolvedEdges: NormalizedEdge[];
  counts: Partial<Record<EdgeType, number>>;
}

// Edge type → node types that must be complete in the owning graph for its absence to mean "gone".
const PREREQUISITES: Partial<Record<EdgeType, NodeType[]>> = {
  CALLS: ['automation'],
  INVOKES: ['automation', 'connection'],
  RUNS_AS: ['automation', 'identity', 'human_identity'],
  TRIGGERS_ON: ['automation', 'resource'],
};
const AUTH_TYPES: EdgeType[] = ['AUTHENTICATES_AS', 'AUTHENTICATES_TO'];

export class EdgeResolver {
  resolve(inputs: readonly ResolverInput[], options: ResolveOptions = {}): ResolveResult {
    const allNodes = inputs.flatMap((i) => i.graph.nodes);
    const owner = new Map<string, number>();
    inputs.forEach((input, index) => input.graph.nodes.forEach((n) => owner.set(n.nodeId, index)));

    const found: NormalizedEdge[] = [...resolveAuthEdges(allNodes), ...resolveFederationEdges(allNodes)];
    for (const input of inputs) {
      if (!input.hints) continue;
      const nodes = new Map(input.graph.nodes.map((n) => [n.nodeId, n]));
      for (const edge of resolveCallerEdges(nodes, input.hints)) found.push(edge);
    }

    const added = inputs.map(() => [] as NormalizedEdge[]);
    const counts: ResolveResult['counts'] = {};
    for (const edge of found) {
      const index = owner.get(edge.sourceNodeId);
      if (index === undefined) continue;
      const existing = inputs[index]?.graph.edges.some((e) => e.edgeId === edge.edgeId) || added[index]?.some((e) => e.edgeId === edge.edgeId);
      if (existing) continue;
      added[index]?.push(edge);
      counts[edge.edgeType] = (counts[edge.edgeType] ?? 0) + 1;
    }

    // Cross-system edges end in an identity provider's graph: their absence means "gone" only when
    // that graph's principals (and, for federation, its credentials) were read completely.
    const providers = inputs.filter((i) => isIdentityProvider(i.graph));
    const healthy = !options.someConnectorFailed;
    const principalsComplete = healthy && providers.some((i) => isComplete(i.graph.extractionScope, 'identity'));
    const federationComplete = healthy && providers.some((i) => isComplete(i.graph.extractionScope, 'identity') && isComplete(i.graph.extractionScope, 'credential'));
    // Inbound links (a provider's app → another source's user) sit in the provider's graph: they
    // are complete when every other source's OAuth registrations and users were read whole in
    // this run (a provider run alone saw none of them, so it can say nothing about them being gone).
    const inboundSources = inputs.filter((i) => !isIdentityProvider(i.graph) && i.graph.nodes.some((n) => n.nodeType === 'credential'));
    const inboundSourcesComplete =
      healthy && inboundSources.length > 0 && inboundSources.every((i) => isComplete(i.graph.extractionScope, 'credential') && isComplete(i.graph.extractionScope, 'identity'));
    const graphs = inputs.map((input, index) => {
      const edges = [...input.graph.edges, ...(added[index] ?? [])];
      const nodes = markExternalReach(input.graph.nodes, edges);
      return {
        ...input.graph,
        nodes,
        edges,
        ...(input.graph.extractionScope
          ? { extractionScope: resolvedScope(input.graph, input.hints !== undefined, { principalsComplete, federationComplete, inboundSourcesComplete }) }
          : {}),
      };
    });
    return { graphs, resolvedEdges: added.flat(), counts };
  }
}

function isComplete(scope: ExtractionScope | undefined, type: NodeType): boolean {
  return !scope || scope.completeNodeTypes.includes(type);
}

/** A graph holding principals other sources' credentials can name by client id (an identity provider's). */
function isIdentityProvider(graph: NormalizedGraph): boolean {
  return graph.nodes.some((n) => n.nodeType === 'identity' && n.properties.identitySubtype !== 'oauth_app' && Boolean(n.properties.appId));
}

/** Adds the resolver's edge types to a graph's scope when everything they are built from was complete. */
function resolvedScope(
  graph: NormalizedGraph,
  hasHints: boolean,
  complete: { principalsComplete: boolean; federationComplete: boolean; inboundSourcesComplete: boolean },
): ExtractionScope {
  const scope = graph.extractionScope as ExtractionScope;
  const types = new Set(scope.completeEdgeTypes);
  if (hasHints) {
    for (const [edgeType, needs] of Object.entries(PREREQUISITES) as Array<[EdgeType, NodeType[]]>) {
      if (needs.every((t) => scope.completeNodeTypes.includes(t))) types.add(edgeType);
    }
  }
  const foreign = !isIdentityProvider(graph);
  const ownsCredentials = foreign && graph.nodes.some((n) => n.nodeType === 'credential');
  if (ownsCredentials || (hasHints && foreign)) {
    for (const t of AUTH_TYPES) {
      if (complete.principalsComplete && scope.completeNodeTypes.includes('credential')) types.add(t);
      else types.delete(t);
    }
  }
  // Federation edges (automation USES another source's credential) share USES with the graph's own.
  const federates = foreign && graph.nodes.some((n) => n.nodeType === 'automation' && cloudLoginsOf(n.properties.oidcLogins).length > 0);
  if (federates && !complete.federationComplete) types.delete('USES');
  if (!foreign) {
    if (complete.inboundSourcesComplete && scope.completeNodeTypes.includes('identity')) types.add('AUTHENTICATES_TO');
    else types.delete('AUTHENTICATES_TO');
  }
  return { ...scope, completeEdgeTypes: [...types].sort() };
}

/**
 * An automation from which a chain of CALLS / INVOKES reaches an outbound connection acts on an
 * external system: securityRelevance 'active_external' (seed AutomationProperties).
 */
function markExternalReach(nodes: NormalizedNode[], edges: readonly NormalizedEdge[]): NormalizedNode[] {
  const byId = new Map(nodes.map((n) => [n.nodeId, n]));
  const next = new Map<string, string[]>();
  for (const e of edges) {
    if (e.edgeType === 'CALLS' || e.edgeType === 'INVOKES') next.set(e.sourceNodeId, [...(next.get(e.sourceNodeId) ?? []), e.targetNodeId]);
  }
  const reaches = (start: string): boolean => {
    const seen = new Set<string>();
    const stack = [start];
    while (stack.length) {
      const id = stack.pop() as string;
      if (seen.has(id)) continue;
      seen.add(id);
      if (id !== start && byId.get(id)?.nodeType === 'connection') return true;
      stack.push(...(next.get(id) ?? []));
    }
    return false;
  };
  return nodes.map((n) =>
    n.nodeType === 'automation' && n.status === 'active' && reaches(n.nodeId)
      ? { ...n, properties: { ...n.properties, securityRelevance: 'active_external' } }
      : n,
  );
}
