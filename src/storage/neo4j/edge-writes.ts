import type { ManagedTransaction } from 'neo4j-driver';
import type { NodeType, NormalizedEdge, NormalizedNode } from '../../model/index.ts';
import { send } from './pipeline.ts';
import { edgeCreateBatches, edgeUpserts, missingEdges } from './statements.ts';

// Edges a sync writes. MERGE (edges/upsert.cypher) has to look for the edge, for a stale edge with
// the same id between other nodes, and for a version to archive: on a first sync or a full load
// every one of those looks finds nothing. The diff knows which edges its connector did not have
// (GraphChangeSet.newEdgeIds); those are created outright (edges/create.cypher), and only rows the
// create could not place — an end missing or stored under another label — go through MERGE.

export interface EdgeWrite {
  tenantId: string;
  connectorId: string;
  at: string;
  batchSize: number;
}

/**
 * Write `edges` in `tx`: ids in `newEdgeIds` by CREATE, the rest (and create's misses) by MERGE.
 * The creates are all sent before this returns its promise (pipeline.ts), their counts read after.
 */
export async function writeEdges(
  tx: ManagedTransaction,
  edges: readonly NormalizedEdge[],
  newEdgeIds: ReadonlySet<string> | undefined,
  typeOf: (nodeId: string) => NodeType | undefined,
  { tenantId, connectorId, at, batchSize }: EdgeWrite,
): Promise<void> {
  const created: NormalizedEdge[] = [];
  const merged: NormalizedEdge[] = [];
  for (const edge of edges) (newEdgeIds?.has(edge.edgeId) ? created : merged).push(edge);
  if (created.length) {
    const byId = new Map(created.map((e) => [e.edgeId, e]));
    const creates = [...edgeCreateBatches(tenantId, created, typeOf, connectorId, at, batchSize)];
    const counts = await send(tx, creates);
    for (let i = 0; i < creates.length; i++) {
      const statement = creates[i]!;
      const rows = statement.params.rows as { edgeId: string }[];
      if (Number(counts[i]!.records[0]?.get('created') ?? 0) === rows.length) continue;
      const missing = missingEdges(tenantId, statement.type, rows.map((r) => r.edgeId));
      for (const record of (await tx.run(missing.text, missing.params)).records) merged.push(byId.get(record.get('edgeId') as string)!);
    }
  }
  await send(tx, edgeUpserts(tenantId, merged, connectorId, at, batchSize));
}

/** Node types by id, for the endpoint labels of the edges written beside these nodes. */
export function nodeTypeLookup(nodes: readonly NormalizedNode[]): (nodeId: string) => NodeType | undefined {
  const types = new Map<string, NodeType>();
  for (const node of nodes) if (!node.deletedAt) types.set(node.nodeId, node.nodeType);
  return (nodeId) => types.get(nodeId);
}
