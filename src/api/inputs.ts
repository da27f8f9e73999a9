import { z } from 'zod';
import {
  ChainKind,
  EdgeType,
  EventQuery,
  JsonValue,
  MAX_PATH_DEPTH,
  NodeStatus,
  NodeType,
  PathQuery,
  SourceSystem,
  SyncMode,
} from '../model/index.ts';
import { FILTER_KEY } from '../storage/node-filters.ts';
import { inputError } from './errors.ts';
import { MAX_PAGE_SIZE } from './limits.ts';

// Every GraphQL argument is parsed here before a resolver uses it. GraphQL has already checked
// types and enums; zod adds the ranges and shapes GraphQL cannot say (first ≤ 100, depth caps,
// filter keys, the seed's PathQuery and EventQuery rules). Failures are BAD_USER_INPUT.

const First = z.number().int().min(1, 'must be at least 1').max(MAX_PAGE_SIZE, `must be at most ${MAX_PAGE_SIZE}`);
const Cursor = z.string().min(1).max(4_096);
const Id = z.string().min(1).max(1_024);
const FilterMap = z.record(z.string().regex(FILTER_KEY, 'filter keys are plain property names'), JsonValue);

/** Explicit nulls (`after: null`) mean "not given". Only the top level: JSON values keep theirs. */
const withoutNulls = (value: unknown) =>
  value && typeof value === 'object' && !Array.isArray(value)
    ? Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined))
    : value;

/** Parse one argument set, or throw BAD_USER_INPUT naming each bad field. */
export function parseArgs<S extends z.ZodType>(schema: S, args: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(withoutNulls(args));
  if (!parsed.success) throw inputError(parsed.error, what);
  return parsed.data;
}

export const NodeArgs = z.object({ id: Id });
/** A moment to read the graph at: an ISO timestamp or a sync id (resolved against storage). */
export const AsOf = z.string().min(1).max(200);
export const OwnershipArgs = z.object({ nodeId: Id, asOf: AsOf.nullish() });
export const ConnectorArgs = z.object({ connectorId: Id });

const NodeFilter = z.preprocess(
  withoutNulls,
  z.object({
    status: z.array(NodeStatus).min(1).optional(),
    sourceSystem: z.array(SourceSystem).min(1).optional(),
    sourceScope: z.string().min(1).optional(),
    displayName: z.string().optional(),
    properties: FilterMap.optional(),
    includeDeleted: z.boolean().default(false),
  }),
);

export const NodesArgs = z.object({
  type: NodeType.optional(),
  filter: NodeFilter.optional(),
  first: First.default(20),
  after: Cursor.optional(),
  asOf: AsOf.nullish(),
});

export const NodeEdgesArgs = z.object({
  direction: z.enum(['outgoing', 'incoming', 'both']).default('outgoing'),
  types: z.array(EdgeType).optional(),
  first: First.default(50),
});

export const ChainsArgs = z.object({
  to: Id.optional(),
  from: Id.optional(),
  maxDepth: z.number().int().min(1).max(MAX_PATH_DEPTH, `maxDepth is capped at ${MAX_PATH_DEPTH}`).default(8),
  /** Absent: every kind (execution chains, partial chains, latent paths, inbound OAuth). */
  kinds: z.array(ChainKind).min(1, 'give at least one kind, or leave kinds out for all').optional(),
  first: First.default(20),
  after: Cursor.optional(),
  asOf: AsOf.nullish(),
});

/** How many paths one paths() call may search for; pages are cut from these. */
export const MAX_API_PATHS = 1_000;

// The seed's PathQuery from src/model, plus what the API adds: a lower path cap and filter keys
// that are plain names (adapters turn them into query text).
const ApiPathQuery = z.preprocess(
  withoutNulls,
  PathQuery.superRefine((q, ctx) => {
    if (q.limit > MAX_API_PATHS) ctx.addIssue({ code: 'custom', path: ['limit'], message: `limit is capped at ${MAX_API_PATHS}` });
    for (const field of ['startNodeFilters', 'endNodeFilters'] as const) {
      for (const key of Object.keys(q[field] ?? {})) {
        if (!FILTER_KEY.test(key)) ctx.addIssue({ code: 'custom', path: [field, key], message: 'filter keys are plain property names' });
      }
    }
  }),
);

export const PathsArgs = z.object({
  query: ApiPathQuery,
  first: First.default(20),
  after: Cursor.optional(),
});

// The seed's EventQuery from src/model; the GraphQL DateTime scalar hands over Date objects.
const EventFilter = z.preprocess(
  withoutNulls,
  z.object({
    entityId: Id.optional(),
    entityType: NodeType.optional(),
    eventType: EventQuery.shape.eventType,
    relationshipType: EdgeType.optional(),
    syncId: Id.optional(),
    since: z.date().transform((d) => d.toISOString()).optional(),
    until: z.date().transform((d) => d.toISOString()).optional(),
    orderBy: z.enum(['asc', 'desc']).default('asc'),
  }),
);

export const EventsArgs = z.object({
  filter: EventFilter.default({ orderBy: 'asc' }),
  first: First.default(20),
  after: Cursor.optional(),
});

export const SyncsArgs = z.object({
  connectorId: Id.optional(),
  first: First.default(20),
});

export const TriggerSyncArgs = z.object({
  connectorId: Id,
  mode: SyncMode.default('full'),
});

export const AuditRecordsArgs = z.object({
  first: First.default(20),
  after: Cursor.optional(),
});
