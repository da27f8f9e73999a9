import type { ResolverHints } from '../connector/types.ts';
import type { EdgeType, ExtractionScope, NodeType, NormalizedEdge, NormalizedGraph, NormalizedNode } from '../model/index.ts';
import { resolveAuthEdges } from './auth-edges.ts';
import { resolveCallerEdges } from './caller-edges.ts';

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

    const found: NormalizedEdge[] = [...resolveAuthEdges(allNodes)];
    for (const input of inputs) {
      if (!input.hints) continue;
      const nodes = new Map(input.graph.nodes.map((n) => [n.nodeId, n]));
      found.push(...resolveCallerEdges(nodes, input.hints));
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

    const entraIdentityComplete = inputs.some(
      (i) => i.graph.nodes.some((n) => n.sourceSystem === 'entra_id') && isComplete(i.graph.extractionScope, 'identity'),
    );
    // Inbound links (Entra app → ServiceNow user) sit in the Entra graph: they are complete when
    // every other source's OAuth registrations and users were read whole in this run (an Entra
    // run alone saw none of them, so it can say nothing about these links being gone).
    const inboundSources = inputs.filter((i) => i.graph.nodes.some((n) => n.nodeType === 'credential' && n.sourceSystem !== 'entra_id'));
    const inboundSourcesComplete =
      !options.someConnectorFailed &&
      inboundSources.length > 0 &&
      inboundSources.every((i) => isComplete(i.graph.extractionScope, 'credential') && isComplete(i.graph.extractionScope, 'identity'));
    const graphs = inputs.map((input, index) => {
      const edges = [...input.graph.edges, ...(added[index] ?? [])];
      const nodes = markExternalReach(input.graph.nodes, edges);
      return {
        ...input.graph,
        nodes,
        edges,
        ...(input.graph.extractionScope
          ? { extractionScope: resolvedScope(input.graph, input.hints !== undefined, entraIdentityComplete && !options.someConnectorFailed, inboundSourcesComplete) }
          : {}),
      };
    });
    return { graphs, resolvedEdges: added.flat(), counts };
  }
}

function isComplete(scope: ExtractionScope | undefined, type: NodeType): boolean {
  return !scope || scope.completeNodeTypes.includes(type);
}

/** Adds the resolver's edge types to a graph's scope when everything they are built from was complete. */
function resolvedScope(graph: NormalizedGraph, hasHints: boolean, authTargetsComplete: boolean, inboundSourcesComplete: boolean): ExtractionScope {
  const scope = graph.extractionScope as ExtractionScope;
  const types = new Set(scope.completeEdgeTypes);
  if (hasHints) {
    for (const [edgeType, needs] of Object.entries(PREREQUISITES) as Array<[EdgeType, NodeType[]]>) {
      if (needs.every((t) => scope.completeNodeTypes.includes(t))) types.add(edgeType);
    }
  }
  const ownsOAuthCredentials = graph.nodes.some((n) => n.nodeType === 'credential' && n.sourceSystem !== 'entra_id');
  if (ownsOAuthCredentials || (hasHints && graph.nodes.every((n) => n.sourceSystem !== 'entra_id'))) {
    for (const t of AUTH_TYPES) {
      if (authTargetsComplete && scope.completeNodeTypes.includes('credential')) types.add(t);
      else types.delete(t);
    }
  }
  if (graph.nodes.some((n) => n.nodeType === 'identity' && n.sourceSystem === 'entra_id')) {
    if (inboundSourcesComplete && scope.completeNodeTypes.includes('identity')) types.add('AUTHENTICATES_TO');
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
