import { z } from 'zod';
import { DateTime, JsonObject, NonEmpty } from './common.ts';
import { EdgeType, EventType, NodeType } from './enums.ts';

// A typed change (seed 003 GraphEvent). Ids are deterministic (tenant, sync, entity, change) so a
// replayed sync produces the same ids and consumers can deduplicate.
export const GraphEvent = z.object({
  eventId: NonEmpty,
  tenantId: NonEmpty,
  timestamp: DateTime,
  entityType: NodeType,
  entityId: NonEmpty,
  eventType: EventType,
  relationshipType: EdgeType.optional(),
  targetEntityId: z.string().optional(),
  edgeId: z.string().optional(),
  beforeState: JsonObject.nullable(),
  afterState: JsonObject.nullable(),
  changedProperties: z.array(z.string()).optional(),
  sourceConnector: NonEmpty,
  syncId: NonEmpty,
  // Position within its sync: events of one sync replay in this order.
  sequence: z.number().int().nonnegative(),
});
export type GraphEvent = z.infer<typeof GraphEvent>;

export const DiffResult = z.object({
  syncId: NonEmpty,
  tenantId: NonEmpty,
  computedAt: DateTime,
  nodesCreated: z.number().int().nonnegative(),
  nodesUpdated: z.number().int().nonnegative(),
  nodesDeleted: z.number().int().nonnegative(),
  edgesCreated: z.number().int().nonnegative(),
  edgesUpdated: z.number().int().nonnegative(),
  edgesRemoved: z.number().int().nonnegative(),
  events: z.array(GraphEvent),
  entitiesToEvaluate: z.array(z.string()),
  // Types whose deletes were held back because the extraction did not see them completely, or
  // came back empty where the store had data (an empty extraction never wipes the graph).
  deletionsWithheld: z.array(z.string()).default([]),
});
export type DiffResult = z.infer<typeof DiffResult>;
