import { z } from 'zod';

// What one request may cost. Depth and cost are checked before anything runs (validation rules),
// page sizes at the resolver boundary, and the timeout while it runs.
export const MAX_PAGE_SIZE = 100;

export const ApiLimits = z.object({
  /** Deepest selection outside introspection. */
  maxDepth: z.number().int().min(2).default(10),
  /** Introspection nests type references deeply (graphql-js's own query is 15 levels). */
  maxIntrospectionDepth: z.number().int().min(2).default(16),
  /** Estimated fields resolved, lists multiplied by their page size (see validation/cost-limit.ts). */
  maxCost: z.number().int().min(1).default(50_000),
  /** Introspection fields per operation (a full schema fetch is about 230). */
  maxIntrospectionFields: z.number().int().min(1).default(1_000),
  queryTimeoutMs: z.number().int().min(1).default(10_000),
  maxBodyBytes: z.number().int().min(1_024).default(1_000_000),
  /** graphql-js parser cap: a huge document is refused before it becomes a syntax tree. */
  maxTokens: z.number().int().min(100).default(5_000),
});
export type ApiLimits = z.infer<typeof ApiLimits>;
export type ApiLimitsInput = z.input<typeof ApiLimits>;
