import { EDGE_TYPES, NODE_TYPES, parseNormalizedGraph, SOURCE_SYSTEMS } from '../model/index.ts';
import type { EdgeType, NodeType, NormalizedGraph } from '../model/index.ts';
import type { Connector } from './types.ts';

// Conformance checks every connector passes (STYLE: "shared conformance helpers for connectors"):
// its declaration is well formed, and the entity and relationship types it declares are exactly
// the ones its transform emits over a fixture that exercises it. A new source runs these from its
// own test; nothing here knows any source.

export interface ConformanceIssue {
  check: 'declaration' | 'undeclared_type' | 'never_emitted' | 'invalid_graph' | 'foreign_node';
  message: string;
}

/** The connector's static declaration: ids, enums, config schema, permissions. */
export function checkDeclaration(connector: Connector): ConformanceIssue[] {
  const issues: ConformanceIssue[] = [];
  const say = (message: string) => issues.push({ check: 'declaration', message });
  if (!/^[a-z0-9_]+_v\d+$/.test(connector.id)) say(`id "${connector.id}" should look like <source>_v<major>`);
  if (!(SOURCE_SYSTEMS as readonly string[]).includes(connector.sourceSystem)) say(`sourceSystem "${connector.sourceSystem}" is not a model source system`);
  for (const t of connector.entityTypes) if (!(NODE_TYPES as readonly string[]).includes(t)) say(`entity type "${t}" is not a model node type`);
  for (const t of connector.relationshipTypes) if (!(EDGE_TYPES as readonly string[]).includes(t)) say(`relationship type "${t}" is not a model edge type`);
  if (connector.configSchema.type !== 'object') say('configSchema must be a JSON Schema object');
  if (connector.requiredPermissions.length === 0) say('requiredPermissions must say what the connector needs to read');
  if (connector.supportsIncremental !== Boolean(connector.extractIncremental)) say('supportsIncremental and extractIncremental disagree');
  if (connector.supportsAuditLog !== Boolean(connector.extractAuditLogs && connector.mapAuditRecord)) say('supportsAuditLog and its methods disagree');
  return issues;
}

/**
 * Declared types against emitted ones, over the graphs of the connector's own transform (before
 * the resolver adds cross-record edges). Every emitted type must be declared; every declared type
 * must be emitted by at least one of the graphs (pass the fixtures that together exercise it).
 */
export function checkEmittedTypes(connector: Connector, graphs: readonly NormalizedGraph[]): ConformanceIssue[] {
  const issues: ConformanceIssue[] = [];
  const nodes = new Set<NodeType>();
  const edges = new Set<EdgeType>();
  for (const g of graphs) {
    const parsed = parseNormalizedGraph(g);
    if (!parsed.ok) issues.push({ check: 'invalid_graph', message: parsed.issues.slice(0, 5).map((i) => `${i.path}: ${i.message}`).join('; ') });
    for (const n of g.nodes) {
      nodes.add(n.nodeType);
      if (n.sourceSystem !== connector.sourceSystem) issues.push({ check: 'foreign_node', message: `${n.nodeId} is a ${n.sourceSystem} node` });
    }
    for (const e of g.edges) edges.add(e.edgeType);
  }
  for (const t of nodes) if (!connector.entityTypes.includes(t)) issues.push({ check: 'undeclared_type', message: `emits ${t} nodes but does not declare them in entityTypes` });
  for (const t of edges) if (!connector.relationshipTypes.includes(t)) issues.push({ check: 'undeclared_type', message: `emits ${t} edges but does not declare them in relationshipTypes` });
  for (const t of connector.entityTypes) if (!nodes.has(t)) issues.push({ check: 'never_emitted', message: `declares ${t} nodes that no fixture produced` });
  for (const t of connector.relationshipTypes) if (!edges.has(t)) issues.push({ check: 'never_emitted', message: `declares ${t} edges that no fixture produced` });
  return issues;
}
