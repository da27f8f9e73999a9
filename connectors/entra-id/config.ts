import { z } from 'zod';
import { memoizeParse, parseConnectorConfig, RateLimitConfigSchema } from '../../src/connector/config.ts';
import { secretRefField } from '../../src/connector/secrets.ts';
import type { ConnectorConfig } from '../../src/connector/types.ts';
import { cloudOf } from './national-clouds.ts';

const guid = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a GUID (Entra admin center → Overview → Tenant ID / Application (client) ID)');
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).transform((u) => u.replace(/\/+$/, ''));

export const EntraCredentials = z.object({
  type: z.literal('oauth2_client_credentials', { error: 'Entra ID connects with "oauth2_client_credentials"' }),
  /** The directory (tenant) id: also the scope of every node id. */
  directoryTenantId: guid,
  clientId: guid,
  clientSecret: secretRefField('clientSecret', 'ENTRA_CLIENT_SECRET'),
});

export const EntraSourceConfig = z.object({
  graphBaseUrl: httpUrl.default('https://graph.microsoft.com'),
  /** Default: the authority of graphBaseUrl's national cloud (national-clouds.ts). */
  authorityUrl: httpUrl.optional(),
  /**
   * The token request's scope. Default: the Graph resource of graphBaseUrl's national cloud
   * (https://graph.microsoft.us/.default for graph.microsoft.us …), and
   * https://graph.microsoft.com/.default for any other host (a proxy, a mock).
   */
  graphScope: z.string().min(1).regex(/^\S+$/, 'one scope, no spaces, e.g. https://graph.microsoft.com/.default').optional(),
  graphApiVersion: z.literal('v1.0', { error: 'only Graph v1.0 is supported (beta changes without notice)' }).default('v1.0'),
  pageSize: z.number().int().min(1).max(999).default(100),
  includeSignInLogs: z.boolean().default(true),
  signInLogDays: z.number().int().min(1).max(30).default(30),
  /** Microsoft's own service principals are kept for permission lookup but not emitted. */
  excludeFirstPartyApps: z.boolean().default(true),
  filterServicePrincipalTypes: z.array(z.string()).optional(),
});

export const EntraConfigSchema = z.object({
  credentials: EntraCredentials,
  sourceConfig: EntraSourceConfig,
  rateLimitConfig: RateLimitConfigSchema.optional(),
});

type ParsedEntraSettings = z.infer<typeof EntraConfigSchema>;
/** Parsed settings with the cloud defaults filled in: authorityUrl and graphScope always set. */
export type EntraSettings = ParsedEntraSettings & {
  sourceConfig: ParsedEntraSettings['sourceConfig'] & { authorityUrl: string; graphScope: string };
};

export const parseEntraConfig = memoizeParse((config: object): EntraSettings => {
  const c = config as ConnectorConfig;
  const parsed = parseConnectorConfig(EntraConfigSchema, { credentials: c.credentials, sourceConfig: c.sourceConfig ?? {}, rateLimitConfig: c.rateLimitConfig }, c.connectorId ?? 'entra_id');
  const cloud = cloudOf(parsed.sourceConfig.graphBaseUrl);
  return {
    ...parsed,
    sourceConfig: { ...parsed.sourceConfig, authorityUrl: parsed.sourceConfig.authorityUrl ?? cloud.authorityUrl, graphScope: parsed.sourceConfig.graphScope ?? cloud.scope },
  };
});
