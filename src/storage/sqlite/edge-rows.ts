import { plainEdgeHash, sharedHash } from '../../model/index.ts';
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

/**
 * An edge's content hash (edgeContentHash) as its row keeps it: '' for the plain edges' hash
 * (isPlainEdge: no dates, no properties), which every such edge shares — 9 edges in 10 of a typical
 * tenant, 22 bytes each in the row (schema 7). The row's fingerprint is of the hash itself: the
 * writer hashes an edge once and derives both.
 */
export function storedEdgeHash(contentHash: string): string {
  return contentHash === plainEdgeHash() ? '' : contentHash;
}

/** The content hash a row's stored hash stands for (storedEdgeHash; a row written before schema 7 holds the hash itself). */
export function edgeHashOfRow(stored: string): string {
  return stored === '' ? plainEdgeHash() : sharedHash(stored);
}
