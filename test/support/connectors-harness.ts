import { collectTenantGraphs } from '../../src/sync/run-connectors.ts';
import type { TenantCollection } from '../../src/sync/run-connectors.ts';
import type { ReplayServer } from '../../src/connector/replay-server.ts';
import { entraIdConnector } from '../../connectors/entra-id/index.ts';
import { gitHubConnector } from '../../connectors/github/index.ts';
import { serviceNowConnector } from '../../connectors/servicenow/index.ts';
import type { EdgeType, NodeType, NormalizedEdge, NormalizedGraph, NormalizedNode } from '../../src/model/index.ts';
import { entraConfig, gitHubConfig, serviceNowConfig } from './connectors-fixtures.ts';
import type { FastPolicy } from './connectors-fixtures.ts';

// Runs fixture scenarios through the real pipeline (HTTP → extract → transform → resolve →
// validate) and offers small lookups so scenario tests read as expectations.

export async function runScenario(
  server: ReplayServer,
  scenarios: { entra?: string; servicenow?: string; github?: string },
  policy: FastPolicy = {},
  syncId = `sync-${scenarios.entra ?? '-'}-${scenarios.servicenow ?? '-'}-${scenarios.github ?? '-'}`,
): Promise<TenantCollection> {
  const instances = [
    ...(scenarios.entra ? [{ connector: entraIdConnector, config: entraConfig(server, scenarios.entra, policy) }] : []),
    ...(scenarios.servicenow ? [{ connector: serviceNowConnector, config: serviceNowConfig(server, scenarios.servicenow, policy) }] : []),
    ...(scenarios.github ? [{ connector: gitHubConnector, config: gitHubConfig(server, scenarios.github, policy) }] : []),
  ];
  return collectTenantGraphs(instances, { syncId });
}

export function graphOf(run: TenantCollection, source: 'entra_id' | 'servicenow' | 'github'): NormalizedGraph {
  const id = { entra_id: 'entra-contoso', servicenow: 'servicenow-contoso', github: 'github-contoso' }[source];
  const graph = run.graphs.find((g) => g.connectorId === id);
  if (!graph) throw new Error(`no ${source} graph: ${JSON.stringify(run.connectors.map((c) => c.failure))}`);
  return graph;
}

export function node(graph: NormalizedGraph, type: NodeType, displayName: string): NormalizedNode {
  const found = graph.nodes.filter((n) => n.nodeType === type && n.displayName === displayName);
  if (found.length !== 1) throw new Error(`expected one ${type} "${displayName}", found ${found.length}`);
  return found[0] as NormalizedNode;
}

export function edges(graph: NormalizedGraph, type: EdgeType, from?: NormalizedNode, to?: NormalizedNode): NormalizedEdge[] {
  return graph.edges.filter(
    (e) => e.edgeType === type && (!from || e.sourceNodeId === from.nodeId) && (!to || e.targetNodeId === to.nodeId),
  );
}

export function countByType<T extends { nodeType?: string; edgeType?: string }>(items: readonly T[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) {
    const k = i.nodeType ?? i.edgeType ?? '?';
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}
