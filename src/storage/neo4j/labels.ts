import { EDGE_TYPES, NODE_TYPES } from '../../model/index.ts';
import type { EdgeType, NodeType } from '../../model/index.ts';
import { StorageError } from '../errors.ts';

// Labels and relationship types are the only parts of a statement that cannot be parameters.
// They come from these tables, built from the model's enums, and nothing else: a value that is not
// in the enum is rejected before any Cypher is built (DESIGN decision 5).

const pascalCase = (type: string) =>
  type
    .split('_')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

/** Every node carries this label; the type label comes on top of it. */
export const NODE_LABEL = 'Node';

export const NODE_TYPE_LABELS: Readonly<Record<NodeType, string>> = Object.freeze(
  Object.fromEntries(NODE_TYPES.map((type) => [type, pascalCase(type)])) as Record<NodeType, string>,
);

const RELATIONSHIP_TYPES: ReadonlySet<string> = new Set(EDGE_TYPES);

/** The label for a node type, e.g. human_identity → HumanIdentity. Throws for anything else. */
export function labelFor(nodeType: string): string {
  const label = Object.hasOwn(NODE_TYPE_LABELS, nodeType) ? NODE_TYPE_LABELS[nodeType as NodeType] : undefined;
  if (!label) throw new StorageError(`unknown node type ${JSON.stringify(nodeType)}: not one of NODE_TYPES`, 'INVALID_INPUT');
  return label;
}

/** The relationship type for an edge type, unchanged. Throws for anything not in EDGE_TYPES. */
export function relationshipTypeFor(edgeType: string): EdgeType {
  if (!RELATIONSHIP_TYPES.has(edgeType)) {
    throw new StorageError(`unknown edge type ${JSON.stringify(edgeType)}: not one of EDGE_TYPES`, 'INVALID_INPUT');
  }
  return edgeType as EdgeType;
}

/**
 * History (cypher/README.md): archived node versions carry this label and no type label, so no
 * current-graph MATCH on a type label ever sees them.
 */
export const NODE_VERSION_LABEL = 'NodeVersion';

/** Closed versions of an edge live beside the current graph as `HIST_<EDGE_TYPE>` relationships. */
export const HISTORY_TYPE_PREFIX = 'HIST_';

/** The history relationship type for an edge type, e.g. CALLS → HIST_CALLS; checked as relationshipTypeFor. */
export function historyTypeFor(edgeType: string): string {
  return `${HISTORY_TYPE_PREFIX}${relationshipTypeFor(edgeType)}`;
}
