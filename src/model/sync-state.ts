import { z } from 'zod';
import { DateTime, JsonObject, NonEmpty } from './common.ts';
import { SyncMode } from './enums.ts';
import { EvidenceCompletenessReport } from './graph.ts';

export const SyncStatus = z.enum(['running', 'completed', 'partial', 'failed']);
export type SyncStatus = z.infer<typeof SyncStatus>;

export const SyncError = z.object({
  type: z.string(),
  message: z.string(),
  entitySourceId: z.string().optional(),
  operation: z.string().optional(),
});
export type SyncError = z.infer<typeof SyncError>;

// One connector_syncs record (seed 003 lifecycle steps 2 and 8).
export const SyncState = z.object({
  syncId: NonEmpty,
  tenantId: NonEmpty,
  connectorId: NonEmpty,
  mode: SyncMode,
  status: SyncStatus,
  startedAt: DateTime,
  completedAt: DateTime.optional(),
  counts: z
    .object({
      nodesCreated: z.number().int(),
      nodesUpdated: z.number().int(),
      nodesDeleted: z.number().int(),
      edgesCreated: z.number().int(),
      edgesUpdated: z.number().int(),
      edgesRemoved: z.number().int(),
      events: z.number().int(),
    })
    .optional(),
  errors: z.array(SyncError).default([]),
  deltaToken: z.string().optional(),
  cursor: JsonObject.optional(),
  baselineTakenAt: DateTime.optional(),
  /** The time what this sync wrote is valid from (its graph's transformedAt): asOf a sync means this. */
  validAt: DateTime.optional(),
  /** The source instance this connector's ids are scoped by (kept so audit records map to node ids). */
  sourceScope: z.string().optional(),
  evidenceCompleteness: EvidenceCompletenessReport.optional(),
});
export type SyncState = z.infer<typeof SyncState>;
