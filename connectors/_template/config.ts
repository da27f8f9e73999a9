import { z } from 'zod';
import { memoizeParse, parseConnectorConfig, RateLimitConfigSchema } from '../../src/connector/config.ts';
import { secretRefField } from '../../src/connector/secrets.ts';
import type { ConnectorConfig } from '../../src/connector/types.ts';

// TEMPLATE: the source's settings. Secrets are references ({ env } / { file, key }), never values.
export const ExampleConfigSchema = z.object({
  credentials: z.object({ type: z.literal('api_key'), apiKey: secretRefField('apiKey', 'EXAMPLE_API_KEY') }),
  sourceConfig: z.object({
    baseUrl: z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, '')),
    pageSize: z.number().int().min(1).max(500).default(100),
  }),
  rateLimitConfig: RateLimitConfigSchema.optional(),
});
export type ExampleSettings = z.infer<typeof ExampleConfigSchema>;

export const parseExampleConfig = memoizeParse((config: object): ExampleSettings => {
  const c = config as ConnectorConfig;
  return parseConnectorConfig(ExampleConfigSchema, { credentials: c.credentials, sourceConfig: c.sourceConfig ?? {}, rateLimitConfig: c.rateLimitConfig }, c.connectorId ?? 'example');
});
