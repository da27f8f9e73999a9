import type { EdgeType, NodeType, NormalizedEdge, NormalizedGraph, NormalizedNode } from '../model/index.ts';
import { stringHash } from './id-table.ts';
import { typeTally } from './type-tally.ts';

/**
 * What the steps after a sync's classification ask of every row of the extraction, gathered in
 * the classification's own pass over the rows (sync/classify-state.ts, as it fingerprints them):
 *   - rows per type: the diff's deletion scope, and its count of unchanged rows per type, which
 *     then needs to look at the changed rows only;
 *   - nodes per source scope: the scope the sync record names;
 *   - a 30-bit hash of each node id: "where are these few node ids in the extraction" (the
 *     dangling-edge check's edge ends, the edge events' node types) becomes a scan of a flat
 *     array, not a pass over every node object.
 * Each of those was a pass of its own over the 1M-node tenant's rows in a 1%-change sync, ~0.2–0.35 s
 * apiece (a cache miss per row object). A step given no summary makes its own pass.
 */
export class ExtractionSummary {
  private readonly nodeTally = typeTally<NodeType>();
  private readonly edgeTally = typeTally<EdgeType>();
  private readonly scopeTally = typeTally<string>();
  private readonly idHashes: Int32Array;

  constructor(private readonly nodes: readonly NormalizedNode[]) {
    this.idHashes = new Int32Array(nodes.length);
  }

  /** Node `i` of the extraction; each node once. */
  addNode(i: number, node: NormalizedNode): void {
    this.nodeTally.add(node.nodeType, false);
    this.scopeTally.add(node.sourceScope, false);
    this.idHashes[i] = idHash(node.nodeId);
  }

  /** Each edge of the extraction once. */
  addEdge(edge: NormalizedEdge): void {
    this.edgeTally.add(edge.edgeType, false);
  }

  nodeTypeCounts(): Map<NodeType, number> {
    return this.nodeTally.totals();
  }

  edgeTypeCounts(): Map<EdgeType, number> {
    return this.edgeTally.totals();
  }

  scopeCounts(): Map<string, number> {
    return this.scopeTally.totals();
  }

  /** Where these node ids sit in the extraction (position in its nodes); an id it does not hold is absent. */
  positionsOf(ids: Iterable<string>): Map<string, number> {
    const wanted = new Set(ids);
    const positions = new Map<string, number>();
    if (wanted.size === 0) return positions;
    const hashes = new Set<number>();
    for (const id of wanted) hashes.add(idHash(id));
    const all = this.idHashes;
    // Only a node whose id hash is asked for is looked at (its id read and compared).
    for (let i = 0; i < all.length; i++) {
      if (!hashes.has(all[i]!)) continue;
      const id = this.nodes[i]!.nodeId;
      if (wanted.has(id) && !positions.has(id)) positions.set(id, i);
    }
    return positions;
  }
}

/** The summary in a pass of its own (a caller whose pass over the rows did not gather it). */
export function summarizeExtraction(graph: Pick<NormalizedGraph, 'nodes' | 'edges'>): ExtractionSummary {
  const summary = new ExtractionSummary(graph.nodes);
  for (let i = 0; i < graph.nodes.length; i++) summary.addNode(i, graph.nodes[i]!);
  for (let i = 0; i < graph.edges.length; i++) summary.addEdge(graph.edges[i]!);
  return summary;
}

/** The id table's string hash cut to 30 bits: a small integer V8 keeps unboxed in a Set. */
const idHash = (id: string): number => stringHash(id) & 0x3fffffff;
