import { z } from 'zod';
import { memoizeParse, parseConnectorConfig, RateLimitConfigSchema } from '../../src/connector/config.ts';
import { secretRefField } from '../../src/connector/secrets.ts';
import type { ConnectorConfig } from '../../src/connector/types.ts';

// GitHub connector settings. Two ways in, both read-only: a fine-grained personal access token
// (organization owner grants it read access), or a GitHub App installation (JWT signed with the
// App's private key, exchanged for an installation token that lives an hour).

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).transform((u) => u.replace(/\/+$/, ''));

export const GitHubTokenCredentials = z.object({
  type: z.literal('pat'),
  token: secretRefField('token', 'GITHUB_TOKEN'),
});

export const GitHubAppCredentials = z.object({
  type: z.literal('github_app'),
  /** The App's id (Settings → Developer settings → GitHub Apps → App ID) or its client id; it is the JWT issuer. */
  appId: z.union([z.string().min(1), z.number().int().positive()]).transform(String),
  /** The organization's installation of the App (github.com/organizations/<org>/settings/installations/<id>). */
  installationId: z.union([z.string().regex(/^\d+$/, 'installationId is a number'), z.number().int().positive()]).transform(String),
  privateKey: secretRefField('privateKey', 'GITHUB_APP_PRIVATE_KEY'),
});

export const GitHubCredentials = z.discriminatedUnion('type', [GitHubTokenCredentials, GitHubAppCredentials], {
  error: 'GitHub connects with { "type": "pat", "token": {…} } or { "type": "github_app", "appId", "installationId", "privateKey": {…} }',
});

export const GitHubSourceConfig = z.object({
  /** The organization login, as in github.com/<organization>. */
  organization: z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, 'organization: the org login, e.g. "contoso"'),
  apiBaseUrl: httpUrl.default('https://api.github.com'),
  pageSize: z.number().int().min(1).max(100).default(100),
  /** Issuer of the Actions OIDC tokens (with an enterprise slug when the enterprise customised it). */
  oidcIssuer: httpUrl.default('https://token.actions.githubusercontent.com'),
  /** Read only these repositories (names); all of the organization's when absent. */
  repositories: z.array(z.string().min(1)).optional(),
  includeAuditLog: z.boolean().default(true),
});

export const GitHubConfigSchema = z.object({
  credentials: GitHubCredentials,
  sourceConfig: GitHubSourceConfig,
  rateLimitConfig: RateLimitConfigSchema.optional(),
});

export type GitHubSettings = z.infer<typeof GitHubConfigSchema>;

export const parseGitHubConfig = memoizeParse((config: object): GitHubSettings => {
  const c = config as ConnectorConfig;
  return parseConnectorConfig(GitHubConfigSchema, { credentials: c.credentials, sourceConfig: c.sourceConfig ?? {}, rateLimitConfig: c.rateLimitConfig }, c.connectorId ?? 'github');
});
