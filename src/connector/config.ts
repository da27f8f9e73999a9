import { z } from 'zod';
import { issuesOf } from '../model/index.ts';
import { FatalConnectorError } from './errors.ts';

// Config parsing shared by every connector: one zod schema per connector, parsed once, with every
// bad field reported by path so the message says what to change.

export function parseConnectorConfig<S extends z.ZodType>(schema: S, input: unknown, connectorId: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const lines = issuesOf(result.error).map((i) => `  - ${i.path || '(root)'}: ${i.message}`);
  throw new FatalConnectorError('CONFIG_ERROR', `connector ${connectorId}: invalid configuration\n${lines.join('\n')}`, {
    cause: result.error,
  });
}

/** JSON Schema of a config schema; transforms (secret refs) are described by their input side. */
export function toConfigJsonSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

/** Parsed config cached per config object, so each phase doesn't parse again. */
export function memoizeParse<T>(parse: (config: object) => T): (config: object) => T {
  const cache = new WeakMap<object, T>();
  return (config) => {
    const hit = cache.get(config);
    if (hit !== undefined) return hit;
    const value = parse(config);
    cache.set(config, value);
    return value;
  };
}

export const RateLimitConfigSchema = z.object({
  maxRequestsPerSecond: z.number().positive().max(1000),
  retryBackoffMs: z.number().int().nonnegative(),
  maxRetries: z.number().int().min(0).max(10),
  maxRetryBackoffMs: z.number().int().positive().optional(),
});
