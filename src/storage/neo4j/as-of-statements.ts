import neo4j from 'neo4j-driver';
import { DateTime, EDGE_TYPES } from '../../model/index.ts';
import type { NodeType } from '../../model/index.ts';
import { StorageError } from '../errors.ts';
import type { EdgeDirection } from '../StorageAdapter.ts';
import { render } from './cypher-files.ts';
import { filterPredicates } from './filters.ts';
import { NODE_LABEL, historyTypeFor, labelFor, relationshipTypeFor } from './labels.ts';
import { edgePattern } from './statements.ts';
import type { NodeListQuery, Statement } from './statements.ts';

// Reads as of a moment (StorageAdapter ReadAt). The current graph answers for every node and
// edge whose current version began by then; archived versions (NodeVersion nodes, HIST_<TYPE>
// relationships) answer for the rest. Validity times are ISO strings of one format
// (toISOString), so Cypher compares them as strings.

/** An `asOf` argument as the one ISO format validity times are stored in; anything else is rejected. */
export function asOfTime(asOf: string): string {
  if (!DateTime.safeParse(asOf).success) {
    throw new StorageError(`asOf ${JSON.stringify(asOf)} is not an ISO timestamp (e.g. 2026-01-15T06:00:00.000Z)`, 'INVALID_INPUT');
  }
  return new Date(asOf).toISOString();
}

/** Every edge type with its history type: the relationships an as-of read may cross. */
export function typesAsOf(edgeTypes: readonly string[]): string[] {
  return [...new Set(edgeTypes)].flatMap((type) => [relationshipTypeFor(type), historyTypeFor(type)]);
}

const ALL_TYPES_AS_OF = typesAsOf(EDGE_TYPES);

export function nodesAsOf(tenantId: string, nodeIds: readonly string[], asOf: string): Statement {
  return { text: render('nodeGetManyAsOf'), params: { tenantId, nodeIds: [...new Set(nodeIds)], asOf } };
}

export function edgesForNodeAsOf(tenantId: string, nodeId: string, direction: EdgeDirection, asOf: string): Statement {
  return { text: render('edgeForNodeAsOf', { PATTERN: edgePattern(direction, ALL_TYPES_AS_OF) }), params: { tenantId, nodeId, asOf } };
}

/** nodeList as of a moment; without a limit, every matching node (getNodesByType, path starts). */
export function nodeListAsOf(tenantId: string, query: Omit<NodeListQuery, 'limit'> & { limit?: number }, asOf: string): Statement {
  const filters = filterPredicates('n', query.filters, 'f');
  const nodeType: NodeType | null = query.nodeType ?? null;
  return {
    text: render('nodeListAsOf', {
      LABEL: nodeType ? labelFor(nodeType) : NODE_LABEL,
      FILTERS: filters.text,
      LIMIT: query.limit === undefined ? '' : '\nLIMIT $limit',
    }),
    params: {
      tenantId,
      asOf,
      nodeType,
      includeDeleted: query.includeDeleted ?? false,
      after: query.after ?? null,
      ...(query.limit === undefined ? {} : { limit: neo4j.int(query.limit) }),
      ...filters.params,
    },
  };
}
