import { makeEdgeId, makeNodeId } from '../../src/model/index.ts';
import type { EdgeType, NormalizedEdge, NormalizedGraph, NormalizedNode, SourceSystem } from '../../src/model/index.ts';

// Small typed builders for unit tests of the resolver, analysis and model code: nodes shaped as the
// connectors emit them (ids from makeNodeId, edge ids from makeEdgeId), so a test reads as the
// facts it sets up and not as object literals.

type NodeType = NormalizedNode['nodeType'];
type Props<T extends NodeType> = Extract<NormalizedNode, { nodeType: T }>['properties'];

const SCOPES: Partial<Record<SourceSystem, string>> = {
  entra_id: '4a1c2e9d-7b3f-4c55-9e2a-0d8f6b1a3c77',
  servicenow: 'contoso.service-now.com',
  github: 'contoso',
};

export function makeNode<T extends NodeType>(
  nodeType: T,
  sourceSystem: SourceSystem,
  sourceId: string,
  properties: Props<T>,
  extra: Partial<Omit<NormalizedNode, 'nodeType' | 'properties'>> = {},
): Extract<NormalizedNode, { nodeType: T }> {
  const sourceScope = extra.sourceScope ?? SCOPES[sourceSystem] ?? 'scope';
  return {
    nodeId: makeNodeId(sourceSystem, sourceScope, sourceId),
    sourceSystem,
    sourceScope,
    sourceId,
    displayName: sourceId,
    status: 'active',
    ...extra,
    nodeType,
    properties,
  } as Extract<NormalizedNode, { nodeType: T }>;
}

export function person(sourceSystem: SourceSystem, sourceId: string, properties: Partial<Props<'human_identity'>> = {}, extra: Partial<NormalizedNode> = {}) {
  return makeNode('human_identity', sourceSystem, sourceId, { accountEnabled: true, email: `${sourceId}@contoso.com`, ...properties }, extra);
}

export function makeEdge(
  edgeType: EdgeType,
  from: NormalizedNode | string,
  to: NormalizedNode | string,
  properties: NormalizedEdge['properties'] = {},
): NormalizedEdge {
  const sourceNodeId = typeof from === 'string' ? from : from.nodeId;
  const targetNodeId = typeof to === 'string' ? to : to.nodeId;
  return { edgeId: makeEdgeId(edgeType, sourceNodeId, targetNodeId), edgeType, sourceNodeId, targetNodeId, properties };
}

export function makeGraph(connectorId: string, nodes: NormalizedNode[], edges: NormalizedEdge[] = [], extra: Partial<NormalizedGraph> = {}): NormalizedGraph {
  return {
    syncId: `sync-${connectorId}`,
    connectorId,
    tenantId: 'tenant-unit',
    transformedAt: '2026-11-26T12:00:00.000Z',
    nodes,
    edges,
    ...extra,
  } as NormalizedGraph;
}

/** The node without one property (an optional field the connector did not set). */
export function withoutProperty<T extends NormalizedNode>(node: T, key: string): T {
  const { [key]: _dropped, ...properties } = node.properties as Record<string, unknown>;
  return { ...node, properties } as T;
}
