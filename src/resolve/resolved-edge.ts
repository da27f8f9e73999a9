import { EDGE_ENDPOINTS, makeEdgeId } from '../model/index.ts';
import type { EdgeProperties, EdgeType, NormalizedEdge, NormalizedNode } from '../model/index.ts';

// One edge the resolver inferred, with the provenance evidence packs need (seed 003 ResolvedEdge).

export interface ResolverRule {
  rule: 'auth_by_client_id' | 'inbound_oauth_client' | 'secret_beside_client_id' | 'oidc_federation' | 'script_text_script_include' | 'script_text_rest_message' | 'run_as_field' | 'business_rule_table';
  detail: string;
  sourceRecordIds: string[];
}

export function resolvedEdge(
  edgeType: EdgeType,
  source: NormalizedNode,
  target: NormalizedNode,
  why: ResolverRule,
  properties: EdgeProperties = {},
): NormalizedEdge | undefined {
  // Cross-graph ends are not checked by graph validation, so the resolver checks them here.
  const allowed = EDGE_ENDPOINTS[edgeType];
  if (!allowed.from.includes(source.nodeType) || !allowed.to.includes(target.nodeType)) return undefined;
  return {
    edgeId: makeEdgeId(edgeType, source.nodeId, target.nodeId),
    edgeType,
    sourceNodeId: source.nodeId,
    targetNodeId: target.nodeId,
    properties: { ...properties, provenance: { origin: 'resolver', rule: why.rule, detail: why.detail, sourceRecordIds: why.sourceRecordIds } },
  };
}
