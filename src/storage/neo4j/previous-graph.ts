import { EDGE_TYPES, edgeContentHash, nodeContentHash } from '../../model/index.ts';
import type { EdgeType, NormalizedEdge, NormalizedGraph, NormalizedNode, StoredGraph } from '../../model/index.ts';
import { render } from './cypher-files.ts';
import type { Executor } from './Executor.ts';
import { parseEdge, parseNode } from './rows.ts';

/** What a sync diffs against, with the content hashes stored beside each row. */
export interface PreviousGraph {
  previous: StoredGraph;
  nodeHashes: Map<string, string>;
  edgeHashes: Map<string, string>;
}

const FETCH_BATCH = 5_000;

/**
 * The stored graph of `current`'s connector, read for diffing against `current` (DESIGN decision 3:
 * hashes first). Ids and hashes come from the connector indexes alone; a stored row whose hash
 * equals the current row's has the same content, so the current object stands in for it, and
 * only rows that changed or vanished are read and parsed in full. Handing nodeHashes/edgeHashes
 * to diffGraphs (DiffOptions) then gives the same result as diffing getGraphForConnector's graph.
 */
export async function readPreviousGraph(executor: Executor, current: NormalizedGraph): Promise<PreviousGraph> {
  const { tenantId, connectorId } = current;
  return executor.read({ operation: 'previousGraph', tenantId }, async (tx) => {
    const nodeHashes = new Map<string, string>();
    for await (const record of tx.run(render('nodeHashesForConnector'), { tenantId, connectorId })) {
      nodeHashes.set(record.get('id') as string, record.get('hash') as string);
    }
    const edgeHashes = new Map<string, string>();
    const edgeTypes = new Map<string, EdgeType>();
    for (const type of EDGE_TYPES) {
      for await (const record of tx.run(render('edgeHashesForConnector', { TYPE: type }), { tenantId, connectorId })) {
        edgeHashes.set(record.get('id') as string, record.get('hash') as string);
        edgeTypes.set(record.get('id') as string, type);
      }
    }

    const nodes: NormalizedNode[] = [];
    const staleNodes = new Set(nodeHashes.keys());
    for (const node of current.nodes) {
      const stored = nodeHashes.get(node.nodeId);
      if (stored === undefined) continue;
      if (stored === nodeContentHash(node)) {
        nodes.push(node);
        staleNodes.delete(node.nodeId);
      }
    }
    const edges: NormalizedEdge[] = [];
    const staleEdges = new Set(edgeHashes.keys());
    for (const edge of current.edges) {
      const stored = edgeHashes.get(edge.edgeId);
      if (stored === undefined) continue;
      if (stored === edgeContentHash(edge)) {
        edges.push(edge);
        staleEdges.delete(edge.edgeId);
      }
    }

    const ids = [...staleNodes];
    for (let i = 0; i < ids.length; i += FETCH_BATCH) {
      const result = await tx.run(render('nodeGetMany'), { tenantId, nodeIds: ids.slice(i, i + FETCH_BATCH) });
      for (const record of result.records) nodes.push(parseNode(record.get('json') as string));
    }
    const byType = new Map<EdgeType, string[]>();
    for (const id of staleEdges) {
      const type = edgeTypes.get(id)!;
      let list = byType.get(type);
      if (!list) byType.set(type, (list = []));
      list.push(id);
    }
    for (const [type, typeIds] of byType) {
      for (let i = 0; i < typeIds.length; i += FETCH_BATCH) {
        const result = await tx.run(render('edgeGetMany', { TYPE: type }), { tenantId, edgeIds: typeIds.slice(i, i + FETCH_BATCH) });
        for (const record of result.records) edges.push(parseEdge(record.get('json') as string));
      }
    }
    return { previous: { nodes, edges }, nodeHashes, edgeHashes };
  });
}
