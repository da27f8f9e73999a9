import { z } from 'zod';
import { RateLimitConfig } from './rate-limit.ts';

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
  /** Requests per API key (token bucket; 429 with Retry-After past it). */
  rateLimit: RateLimitConfig.default({ perSecond: 20, burst: 60 }),
  /** Expensive fields (drift, evidencePack, executionChains, paths) running at once on this server … */
  maxConcurrentHeavy: z.number().int().min(1).default(8),
  /** … and for one API key. */
  maxConcurrentHeavyPerKey: z.number().int().min(1).default(4),
  /** Host headers answered besides localhost names: the names this server is reached by (DNS rebinding guard). */
  allowedHosts: z.array(z.string().min(1)).default([]),
});
export type ApiLimits = z.infer<typeof ApiLimits>;
export type ApiLimitsInput = z.input<typeof ApiLimits>;
