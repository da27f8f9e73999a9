import { z } from 'zod';
import { DateTime, NonEmpty } from './common.ts';
import { EdgeType, NodeType } from './enums.ts';
import { NormalizedEdge } from './edge.ts';
import { NormalizedNode } from './node.ts';

export const TemporalMarker = z.object({
  nodeId: NonEmpty,
  markerType: z.enum(['created', 'modified', 'deleted', 'relationship_changed']),
  timestamp: DateTime,
  details: z.string().optional(),
});
export type TemporalMarker = z.infer<typeof TemporalMarker>;

export const EvidenceSourceStatus = z.object({
  sourceTable: NonEmpty,
  // unavailable_no_license: the source refuses for want of a licence (Graph's sign-in logs need
  // Entra ID P1); unavailable_error: the source answered with an error (a 400, a 5xx after every
  // retry) and the reason is in notes. Both are issue 12's: an optional collection degrades.
  status: z.enum(['available', 'unavailable_not_enabled', 'unavailable_no_access', 'unavailable_not_applicable', 'unavailable_no_license', 'unavailable_error']),
  recordCount: z.number().int().nonnegative().optional(),
  oldestRecord: DateTime.optional(),
  notes: z.string().optional(),
});
export type EvidenceSourceStatus = z.infer<typeof EvidenceSourceStatus>;

export const EvidenceCompletenessReport = z.object({
  sources: z.record(z.string(), EvidenceSourceStatus),
});
export type EvidenceCompletenessReport = z.infer<typeof EvidenceCompletenessReport>;

// Which entity types this extraction saw completely (pagination done, no fatal error). The diff
// may only delete within these types (DESIGN decision 3). Absent means "everything complete",
// which suits a hand-written full graph file.
export const ExtractionScope = z.object({
  completeNodeTypes: z.array(NodeType),
  completeEdgeTypes: z.array(EdgeType),
});
export type ExtractionScope = z.infer<typeof ExtractionScope>;

export const NormalizedGraph = z.object({
  syncId: NonEmpty,
  connectorId: NonEmpty,
  tenantId: NonEmpty,
  transformedAt: DateTime,
  nodes: z.array(NormalizedNode),
  edges: z.array(NormalizedEdge),
  temporalMarkers: z.array(TemporalMarker).default([]),
  evidenceCompleteness: EvidenceCompletenessReport.default({ sources: {} }),
  extractionScope: ExtractionScope.optional(),
});
export type NormalizedGraph = z.infer<typeof NormalizedGraph>;
export type NormalizedGraphInput = z.input<typeof NormalizedGraph>;
