import type { NormalizedEdge } from '../../model/index.ts';

// An edge row (current or history) keeps in its JSON only what its columns do not: since, until
// and properties. The id, type and both ends are columns the indexes need anyway; writing them a
// second time inside the JSON made up about half of a typical edge row (~500 MB of a 1M-node
// tenant's file) and most of the time spent serializing edges. Rows written before schema 4 hold
// the whole edge; reading lays the JSON over the columns, so both read the same.

/** The columns an edge is read back from (edges and edge_history have them all). */
export const EDGE_ROW_COLUMNS = 'edge_id, edge_type, source_id, target_id, json';

export interface EdgeColumns {
  edge_id: string;
  edge_type: string;
  source_id: string;
  target_id: string;
  json: string;
}

/** What an edge row's JSON holds: the fields without a column of their own. */
export function edgeBody(edge: NormalizedEdge): string {
  // Most edges have neither time bound: one stringify of the properties.
  if (edge.since === undefined && edge.until === undefined) return `{"properties":${JSON.stringify(edge.properties)}}`;
  return JSON.stringify({ since: edge.since, until: edge.until, properties: edge.properties });
}

/** The edge as it was written (same fields, in the schema's order), from its columns and its JSON. */
export function edgeFromRow(row: EdgeColumns): NormalizedEdge {
  return {
    edgeId: row.edge_id,
    edgeType: row.edge_type as NormalizedEdge['edgeType'],
    sourceNodeId: row.source_id,
    targetNodeId: row.target_id,
    ...(JSON.parse(row.json) as Partial<NormalizedEdge>),
  } as NormalizedEdge;
}
