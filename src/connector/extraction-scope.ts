import type { EdgeType, EvidenceCompletenessReport, ExtractionScope, NodeType } from '../model/index.ts';
import type { CollectionStatus } from './types.ts';

// Which node and edge types an extraction saw completely. A type is complete only when every
// collection that produces it was read to the end: the diff deletes only within complete types,
// so a failed or partial table never wipes what it would have produced (DESIGN decision 3).

export interface Produces {
  nodes: readonly NodeType[];
  edges: readonly EdgeType[];
}

export function extractionScopeOf(
  collections: Readonly<Record<string, CollectionStatus>>,
  produces: Readonly<Record<string, Produces>>,
): ExtractionScope {
  const nodes = new Set<NodeType>();
  const edges = new Set<EdgeType>();
  const badNodes = new Set<NodeType>();
  const badEdges = new Set<EdgeType>();
  for (const [name, out] of Object.entries(produces)) {
    const complete = collections[name]?.complete === true;
    for (const t of out.nodes) (complete ? nodes : badNodes).add(t);
    for (const t of out.edges) (complete ? edges : badEdges).add(t);
  }
  return {
    completeNodeTypes: [...nodes].filter((t) => !badNodes.has(t)).sort(),
    completeEdgeTypes: [...edges].filter((t) => !badEdges.has(t)).sort(),
  };
}

/** Seed EvidenceCompletenessReport: one entry per source table or API probed. */
export function evidenceCompletenessOf(collections: Readonly<Record<string, CollectionStatus>>): EvidenceCompletenessReport {
  const sources: EvidenceCompletenessReport['sources'] = {};
  for (const c of Object.values(collections)) {
    sources[c.collection] = {
      sourceTable: c.collection,
      // "failed" is not a seed status: the source is there but this run read only part of it.
      status: c.status === 'failed' ? 'available' : c.status,
      recordCount: c.recordCount,
      ...(c.oldestRecord ? { oldestRecord: c.oldestRecord } : {}),
      ...(c.status === 'failed' || (!c.complete && c.status === 'available')
        ? { notes: `incomplete: ${c.notes ?? 'not read to the end'}` }
        : c.notes
          ? { notes: c.notes }
          : {}),
    };
  }
  return { sources };
}
