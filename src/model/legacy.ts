// Migration-window input (seed 003 "MIGRATION COMPATIBILITY"): the legacy node type
// `autonomous_identity` is remapped by subtype, and the deprecated edge `AUTHENTICATES_VIA` becomes
// USES. This runs on raw input before validation, so stored data only ever has the new vocabulary.

import type { EdgeType } from './enums.ts';
import { makeEdgeId } from './ids.ts';

const IDENTITY_SUBTYPES = new Set(['service_principal', 'oauth_app', 'machine_account', 'integration_user']);
const AUTOMATION_SUBTYPES = new Set([
  'business_rule',
  'script_include',
  'flow_designer_flow',
  'scheduled_job',
  'event_script',
  'transform_map',
]);
const CREDENTIAL_SUBTYPES = new Set(['oauth_provider', 'oauth_profile']);

type Loose = Record<string, unknown>;
const isObject = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v);

export function remapLegacyNode(node: unknown): unknown {
  if (!isObject(node) || node.nodeType !== 'autonomous_identity') return node;
  const props = isObject(node.properties) ? { ...node.properties } : {};
  const subtype = String(props.identitySubtype ?? '');
  delete props.identitySubtype;
  if (IDENTITY_SUBTYPES.has(subtype)) {
    return {
      ...node,
      nodeType: 'identity',
      properties: { executionMode: 'unknown', ownershipState: 'unattributed', ...props, identitySubtype: subtype },
    };
  }
  if (AUTOMATION_SUBTYPES.has(subtype)) {
    return {
      ...node,
      nodeType: 'automation',
      properties: {
        executionMode: 'unknown',
        securityRelevance: 'internal_inventory',
        ownershipState: 'unattributed',
        ...props,
        automationSubtype: subtype,
      },
    };
  }
  if (CREDENTIAL_SUBTYPES.has(subtype)) {
    return { ...node, nodeType: 'credential', properties: { ...props, credentialSubtype: subtype } };
  }
  // Unknown subtype: leave as is so validation reports it with its path.
  return node;
}

export function remapLegacyEdge(edge: unknown): unknown {
  if (!isObject(edge) || edge.edgeType !== 'AUTHENTICATES_VIA') return edge;
  // Its id was derived from the old type: derive it again, so ids still follow their parts.
  const { sourceNodeId: from, targetNodeId: to } = edge;
  const legacyId = typeof from === 'string' && typeof to === 'string' ? makeEdgeId('AUTHENTICATES_VIA' as EdgeType, from, to) : undefined;
  return { ...edge, edgeType: 'USES', ...(legacyId && edge.edgeId === legacyId ? { edgeId: makeEdgeId('USES', from as string, to as string) } : {}) };
}

export function remapLegacyGraph(graph: unknown): unknown {
  if (!isObject(graph)) return graph;
  return {
    ...graph,
    nodes: Array.isArray(graph.nodes) ? graph.nodes.map(remapLegacyNode) : graph.nodes,
    edges: Array.isArray(graph.edges) ? graph.edges.map(remapLegacyEdge) : graph.edges,
  };
}
