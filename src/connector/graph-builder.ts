import { makeEdgeId, makeNodeId } from '../model/index.ts';
import type { EdgeProperties, EdgeType, NormalizedEdge, NormalizedNode, SourceSystem } from '../model/index.ts';

// Collects one connector's nodes and edges while transforming: ids are made in one place, a
// node seen twice is kept once, and every edge says which source record proves it.

type NodeInput = Omit<NormalizedNode, 'nodeId' | 'sourceSystem' | 'sourceScope'>;

export class GraphBuilder {
  readonly nodes = new Map<string, NormalizedNode>();
  readonly edges = new Map<string, NormalizedEdge>();

  constructor(
    readonly sourceSystem: SourceSystem,
    readonly scope: string,
    readonly retrievedAt: string,
  ) {}

  id(sourceId: string): string {
    return makeNodeId(this.sourceSystem, this.scope, sourceId);
  }

  node(input: NodeInput): NormalizedNode {
    const node = { ...input, nodeId: this.id(input.sourceId), sourceSystem: this.sourceSystem, sourceScope: this.scope } as NormalizedNode;
    if (!this.nodes.has(node.nodeId)) this.nodes.set(node.nodeId, node);
    return this.nodes.get(node.nodeId) as NormalizedNode;
  }

  /** An edge read from a source record (`evidence` is that record's id). */
  edge(
    edgeType: EdgeType,
    sourceNodeId: string,
    targetNodeId: string,
    evidence: string,
    properties: EdgeProperties = {},
    since?: string,
  ): NormalizedEdge {
    const edgeId = makeEdgeId(edgeType, sourceNodeId, targetNodeId);
    const existing = this.edges.get(edgeId);
    if (existing) return existing;
    const edge: NormalizedEdge = {
      edgeId,
      edgeType,
      sourceNodeId,
      targetNodeId,
      ...(since ? { since } : {}),
      properties: {
        sourceEvidence: evidence,
        ...properties,
        provenance: { origin: 'source_record', sourceRecordIds: [evidence] },
      },
    };
    this.edges.set(edgeId, edge);
    return edge;
  }
}
