import { connectorError } from '../../src/connector/errors.ts';
import type { ConnectorError } from '../../src/connector/errors.ts';
import type { CollectionStatus } from '../../src/connector/types.ts';
import { httpClientFor } from '../../src/connector/http-factory.ts';
import type { HttpClient } from '../../src/connector/http-client.ts';
import { ClientCredentialsAuth } from '../../src/connector/oauth-client-credentials.ts';
import { resolveSecret } from '../../src/connector/secrets.ts';
import type { ConnectorConfig } from '../../src/connector/types.ts';
import type { EntraSettings } from './config.ts';

// Microsoft Graph access: client-credentials token from the tenant's v2.0 endpoint, and OData
// paging that follows @odata.nextLink exactly as given (the skip token is opaque).

export interface GraphApi {
  http: HttpClient;
  url(path: string, query?: Record<string, string>): string;
  tenantId: string;
}

export function graphApi(config: ConnectorConfig, settings: EntraSettings): GraphApi {
  const { credentials: cred, sourceConfig: src } = settings;
  const secret = resolveSecret(cred.clientSecret, { env: config.runtime?.env, secretsFile: config.runtime?.secretsFile });
  let http: HttpClient;
  const auth = new ClientCredentialsAuth({
    tokenUrl: `${src.authorityUrl}/${cred.directoryTenantId}/oauth2/v2.0/token`,
    clientId: cred.clientId,
    clientSecret: secret,
    // Never `<graphBaseUrl>/.default`: Entra knows only its clouds' Graph resources (config.ts).
    scope: src.graphScope,
    http: () => http,
  });
  http = httpClientFor(config, { name: 'entra_id', allowedOrigins: [src.graphBaseUrl, src.authorityUrl], auth });
  return {
    http,
    tenantId: cred.directoryTenantId,
    url(path, query = {}) {
      const u = new URL(`${src.graphBaseUrl}/${src.graphApiVersion}/${path.replace(/^\//, '')}`);
      for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
      return u.toString();
    },
  };
}

export interface ODataResult {
  deltaLink?: string;
}

/** Pages of an OData collection; `result.deltaLink` is set after the last page of a delta query. */
export async function* odataPages(http: HttpClient, firstUrl: string, result: ODataResult = {}): AsyncGenerator<Record<string, unknown>[]> {
  let url: string | undefined = firstUrl;
  const seen = new Set<string>();
  while (url) {
    if (seen.has(url)) throw connectorError('PARSE_ERROR', `Graph paging loops back to ${url}`);
    seen.add(url);
    const { body } = await http.getJson(url);
    const page = body as { value?: unknown; '@odata.nextLink'?: unknown; '@odata.deltaLink'?: unknown };
    if (!Array.isArray(page.value)) throw connectorError('PARSE_ERROR', 'Graph page has no "value" array');
    yield page.value as Record<string, unknown>[];
    url = typeof page['@odata.nextLink'] === 'string' ? page['@odata.nextLink'] : undefined;
    if (typeof page['@odata.deltaLink'] === 'string') result.deltaLink = page['@odata.deltaLink'];
  }
}

// Graph's answer when a feature needs a licence the tenant lacks: sign-in logs and other audit
// data need Entra ID P1/P2 ("Neither tenant is B2C or tenant doesn't have premium license").
const NO_LICENSE = /Authentication_RequestFromNonPremiumTenantOrB2CTenant|RequestFromNonPremiumTenant|premium licen[cs]e/i;

/** Graph-specific reading of an error: a licence refusal is not an access refusal. */
export function classifyGraphError(error: ConnectorError): CollectionStatus['status'] | undefined {
  if (error.status === 403 && NO_LICENSE.test(error.bodyExcerpt ?? '')) return 'unavailable_no_license';
  return undefined;
}
