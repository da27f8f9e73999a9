import { z } from 'zod';
import { memoizeParse, parseConnectorConfig, RateLimitConfigSchema } from '../../src/connector/config.ts';
import { secretRefField } from '../../src/connector/secrets.ts';
import type { ConnectorConfig } from '../../src/connector/types.ts';
import { BusinessDomain, SensitivityLevel } from '../../src/model/index.ts';

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://acme.service-now.com' }).transform((u) => u.replace(/\/+$/, ''));

export const ServiceNowCredentials = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('basic'), username: z.string().min(1), password: secretRefField('password', 'SERVICENOW_PASSWORD') }),
    z.object({
      type: z.literal('oauth2_client_credentials'),
      clientId: z.string().min(1),
      clientSecret: secretRefField('clientSecret', 'SERVICENOW_CLIENT_SECRET'),
    }),
  ],
  { error: 'credentials.type must be "basic" (username + password) or "oauth2_client_credentials" (clientId + clientSecret)' },
);

export const TableClassification = z.object({
  domain: BusinessDomain,
  sensitivity: SensitivityLevel.optional(),
  pii: z.boolean().optional(),
  financial: z.boolean().optional(),
});

export const ServiceNowSourceConfig = z.object({
  /** Where to call (the replay server in tests and the demo). */
  instanceUrl: httpUrl,
  /** The instance's identity for node ids and evidence, if it differs from instanceUrl (proxies, replay). */
  instanceId: httpUrl.optional(),
  pageSize: z.number().int().min(1).max(10000).default(1000),
  integrationUserPatterns: z.array(z.string().min(1)).default(['svc_*', 'int_*', 'api_*']),
  tableClassification: z.record(z.string(), TableClassification).default({}),
  includeExecutionEvidence: z.boolean().default(true),
  executionEvidenceDays: z.number().int().min(1).max(365).default(30),
  includeAuditHistory: z.boolean().default(true),
  auditHistoryDays: z.number().int().min(1).max(3650).default(365),
});

export const ServiceNowConfigSchema = z.object({
  credentials: ServiceNowCredentials,
  sourceConfig: ServiceNowSourceConfig,
  rateLimitConfig: RateLimitConfigSchema.optional(),
});
export type ServiceNowSettings = z.infer<typeof ServiceNowConfigSchema>;

export const parseServiceNowConfig = memoizeParse((config: object): ServiceNowSettings => {
  const c = config as ConnectorConfig;
  return parseConnectorConfig(
    ServiceNowConfigSchema,
    { credentials: c.credentials, sourceConfig: c.sourceConfig ?? {}, rateLimitConfig: c.rateLimitConfig },
    c.connectorId ?? 'servicenow',
  );
});

/** The scope of node ids: the instance identity without scheme, e.g. "contoso.service-now.com". */
export function instanceScope(settings: ServiceNowSettings): string {
  return settings.sourceConfig.instanceId ?? settings.sourceConfig.instanceUrl;
}
