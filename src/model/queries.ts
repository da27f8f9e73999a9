import { z } from 'zod';
import { DateTime, JsonValue } from './common.ts';
import { EdgeType, EventType, NodeType } from './enums.ts';
import type { NormalizedEdge } from './edge.ts';
import type { NormalizedNode } from './node.ts';

/** Hard cap on traversal depth for every path query, whatever the caller asks. */
export const MAX_PATH_DEPTH = 10;
/** Hard cap on how many paths one query may return. */
export const MAX_PATHS = 5_000;

export const PathQuery = z
  .object({
    startNodeId: z.string().optional(),
    startNodeType: NodeType.optional(),
    startNodeFilters: z.record(z.string(), JsonValue).optional(),
    traverseEdgeTypes: z.array(EdgeType).min(1),
    endNodeType: NodeType.optional(),
    endNodeFilters: z.record(z.string(), JsonValue).optional(),
    maxDepth: z.number().int().min(1).max(MAX_PATH_DEPTH),
    // Not in the seed: walk edges backwards, e.g. "which chains end at this identity".
    direction: z.enum(['outgoing', 'incoming']).default('outgoing'),
    limit: z.number().int().min(1).max(MAX_PATHS).default(1_000),
  })
  .refine((q) => q.startNodeId !== undefined || q.startNodeType !== undefined, {
    message: 'a path query needs startNodeId or startNodeType',
    path: ['startNodeId'],
  });
export type PathQuery = z.infer<typeof PathQuery>;
export type PathQueryInput = z.input<typeof PathQuery>;

/** Nodes and edges in walking order; for an incoming query, from the start node backwards. */
export interface ExecutionPath {
  nodes: NormalizedNode[];
  edges: NormalizedEdge[];
  depth: number;
  startNode: NormalizedNode;
  endNode: NormalizedNode;
}

export const EventQuery = z.object({
  entityId: z.string().optional(),
  entityType: NodeType.optional(),
  eventType: EventType.optional(),
  relationshipType: EdgeType.optional(),
  syncId: z.string().optional(),
  since: DateTime.optional(),
  until: DateTime.optional(),
  limit: z.number().int().min(1).max(10_000).default(100),
  orderBy: z.enum(['asc', 'desc']).default('asc'),
  // Opaque cursor from a previous page (the last event's position).
  after: z.string().optional(),
});
export type EventQuery = z.infer<typeof EventQuery>;
export type EventQueryInput = z.input<typeof EventQuery>;
