import { evidenceCompletenessOf, extractionScopeOf } from '../../src/connector/extraction-scope.ts';
import { GraphBuilder } from '../../src/connector/graph-builder.ts';
import { applyOwnershipStates } from '../../src/connector/ownership-state.ts';
import type { RawExtraction } from '../../src/connector/types.ts';
import type { NormalizedGraph } from '../../src/model/index.ts';
import { EXAMPLE_PRODUCES, examplePermission } from './mappings.ts';

// TEMPLATE: raw records → nodes and edges. Pure: the same raw input gives the same graph.
export function transformExample(raw: RawExtraction): NormalizedGraph {
  const b = new GraphBuilder('custom', raw.sourceScope, raw.extractedAt);
  for (const e of raw.entities.filter((x) => x.sourceType === 'serviceAccount')) {
    const account = b.node({
      nodeType: 'identity',
      sourceId: e.sourceId,
      displayName: String(e.properties.name ?? e.sourceId),
      status: e.properties.enabled === false ? 'disabled' : 'active',
      properties: { identitySubtype: 'machine_account', executionMode: 'autonomous', ownershipState: 'unattributed' },
    });
    for (const name of Array.isArray(e.properties.permissions) ? e.properties.permissions.map(String) : []) {
      const mapped = examplePermission(name);
      const permission = b.node({ nodeType: 'permission', sourceId: `permission/${name}`, displayName: name, status: 'active', properties: { permissionName: name, normalizedAction: mapped.action, scope: mapped.scope, mappingBasis: mapped.basis } });
      b.edge('GRANTS', account.nodeId, permission.nodeId, e.sourceId);
    }
  }
  const nodes = [...b.nodes.values()];
  const edges = [...b.edges.values()];
  applyOwnershipStates(nodes, edges, raw.extractedAt);
  return {
    syncId: raw.syncId,
    connectorId: raw.connectorId,
    tenantId: raw.tenantId,
    transformedAt: raw.extractedAt,
    nodes,
    edges,
    temporalMarkers: [],
    evidenceCompleteness: evidenceCompletenessOf(raw.metadata.collections),
    extractionScope: extractionScopeOf(raw.metadata.collections, EXAMPLE_PRODUCES),
  };
}
