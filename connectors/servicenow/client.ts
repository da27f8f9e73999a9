import type { ConnectorError } from '../../src/connector/errors.ts';
import { connectorError } from '../../src/connector/errors.ts';
import { httpClientFor } from '../../src/connector/http-factory.ts';
import type { HttpClient } from '../../src/connector/http-client.ts';
import { parseLinkHeader } from '../../src/connector/link-header.ts';
import { BasicAuth, ClientCredentialsAuth } from '../../src/connector/oauth-client-credentials.ts';
import { resolveSecret } from '../../src/connector/secrets.ts';
import type { CollectionStatus, ConnectorConfig } from '../../src/connector/types.ts';
import type { ServiceNowSettings } from './config.ts';

// ServiceNow Table API access. Paging follows the Link header's rel="next" (sysparm_offset), with a
// stable ORDERBY so offsets don't skip or repeat rows while the table changes underneath.

export interface TableApi {
  http: HttpClient;
  tableUrl(table: string, query: Record<string, string>): string;
}

export function tableApi(config: ConnectorConfig, settings: ServiceNowSettings): TableApi {
  const base = settings.sourceConfig.instanceUrl;
  const source = { env: config.runtime?.env, secretsFile: config.runtime?.secretsFile };
  const cred = settings.credentials;
  let http: HttpClient;
  const auth =
    cred.type === 'basic'
      ? new BasicAuth(cred.username, resolveSecret(cred.password, source))
      : new ClientCredentialsAuth({ tokenUrl: `${base}/oauth_token.do`, clientId: cred.clientId, clientSecret: resolveSecret(cred.clientSecret, source), http: () => http });
  http = httpClientFor(config, { name: 'servicenow', allowedOrigins: [base], auth });
  return {
    http,
    tableUrl(table, query) {
      const u = new URL(`${base}/api/now/table/${encodeURIComponent(table)}`);
      for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
      return u.toString();
    },
  };
}

export async function* tablePages(http: HttpClient, firstUrl: string, pageSize: number): AsyncGenerator<Record<string, unknown>[]> {
  let url: string | undefined = firstUrl;
  let offset = 0;
  const seen = new Set<string>();
  while (url) {
    if (seen.has(url)) throw connectorError('PARSE_ERROR', 'ServiceNow Link header loops back to a page already read');
    seen.add(url);
    const { body, headers } = await http.getJson(url);
    const page = body as { result?: unknown };
    if (!Array.isArray(page.result)) throw connectorError('PARSE_ERROR', 'ServiceNow page has no "result" array');
    yield page.result as Record<string, unknown>[];
    const next = parseLinkHeader(headers.get('link')).next;
    if (next) {
      url = next;
    } else if (!headers.has('link') && page.result.length === pageSize) {
      // Some proxies strip Link: fall back to offset arithmetic until a short page.
      offset += pageSize;
      const u: URL = new URL(url);
      u.searchParams.set('sysparm_offset', String(offset));
      url = u.toString();
    } else {
      url = undefined;
    }
  }
}

/** 400 "Invalid table" (plugin not installed) means not enabled; everything else is a real failure. */
export function classifyTableError(error: ConnectorError): CollectionStatus['status'] | undefined {
  if (error.status === 400 && /invalid table/i.test(error.bodyExcerpt ?? '')) return 'unavailable_not_enabled';
  if (error.status === 404) return 'unavailable_not_enabled';
  return undefined;
}
