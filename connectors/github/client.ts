import { connectorError, ConnectorError } from '../../src/connector/errors.ts';
import { httpClientFor } from '../../src/connector/http-factory.ts';
import type { AuthProvider, HttpClient } from '../../src/connector/http-client.ts';
import { parseLinkHeader } from '../../src/connector/link-header.ts';
import { resolveSecret } from '../../src/connector/secrets.ts';
import type { ConnectorConfig } from '../../src/connector/types.ts';
import { GitHubAppAuth } from './app-auth.ts';
import type { GitHubSettings } from './config.ts';

// GitHub REST access (API version 2022-11-28): paging follows the Link header's rel="next" exactly
// as given; every page's ETag is kept so an incremental run can ask "changed?" with
// If-None-Match, which GitHub answers 304 without spending the rate limit. Rate limits (primary
// X-RateLimit-*, secondary Retry-After) are handled by the shared HttpClient.

export const GITHUB_API_VERSION = '2022-11-28';
const JSON_ACCEPT = 'application/vnd.github+json';

export interface GitHubApi {
  http: HttpClient;
  org: string;
  url(path: string, query?: Record<string, string>): string;
  /** Pages of a list; `listKey` names the array inside a wrapped answer ({ total_count, workflows: [...] }). */
  pages(firstUrl: string, listKey?: string): AsyncGenerator<Record<string, unknown>[]>;
  getJson(url: string): Promise<unknown>;
  /** A file's text (raw media type), or undefined when the file does not exist. */
  getFile(url: string): Promise<string | undefined>;
  /** ETag of every URL read, for the next incremental run; raw file reads are keyed `raw:<url>`. */
  etags: Map<string, string>;
  /** True when the resource (an `etags` key) changed since `etag` (false on 304 Not Modified). */
  changedSince(key: string, etag: string): Promise<boolean>;
}

export function gitHubApi(config: ConnectorConfig, settings: GitHubSettings): GitHubApi {
  const src = settings.sourceConfig;
  const cred = settings.credentials;
  const secrets = { env: config.runtime?.env, secretsFile: config.runtime?.secretsFile };
  let http: HttpClient;
  const auth: AuthProvider =
    cred.type === 'pat'
      ? bearer(resolveSecret(cred.token, secrets).reveal())
      : new GitHubAppAuth({ apiBaseUrl: src.apiBaseUrl, appId: cred.appId, installationId: cred.installationId, privateKey: resolveSecret(cred.privateKey, secrets), http: () => http });
  http = httpClientFor(config, { name: 'github', allowedOrigins: [src.apiBaseUrl], auth });
  const headers = { Accept: JSON_ACCEPT, 'X-GitHub-Api-Version': GITHUB_API_VERSION, 'User-Agent': 'authgraph' };
  const etags = new Map<string, string>();
  const remember = (url: string, h: Headers) => {
    const etag = h.get('etag');
    if (etag) etags.set(url, etag);
  };

  return {
    http,
    org: src.organization,
    etags,
    url(path, query = {}) {
      const u = new URL(`${src.apiBaseUrl}/${path.replace(/^\//, '')}`);
      for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
      return u.toString();
    },
    async *pages(firstUrl, listKey) {
      let url: string | undefined = firstUrl;
      const seen = new Set<string>();
      while (url) {
        if (seen.has(url)) throw connectorError('PARSE_ERROR', 'github: Link header loops back to a page already read');
        seen.add(url);
        const { body, headers: h } = await http.getJson(url, { headers });
        remember(url, h);
        const list = listKey ? (body as Record<string, unknown> | null)?.[listKey] : body;
        if (!Array.isArray(list)) throw connectorError('PARSE_ERROR', `github: ${new URL(url).pathname} did not answer a list${listKey ? ` in "${listKey}"` : ''}`);
        yield list as Record<string, unknown>[];
        url = parseLinkHeader(h.get('link')).next;
      }
    },
    async getJson(url) {
      const { body, headers: h } = await http.getJson(url, { headers });
      remember(url, h);
      return body;
    },
    async getFile(url) {
      try {
        const response = await http.request(url, { headers: { ...headers, Accept: 'application/vnd.github.raw+json' } });
        // The ETag belongs to the representation: a raw file's differs from its JSON envelope.
        remember(`raw:${url}`, response.headers);
        return response.text;
      } catch (error) {
        if (error instanceof ConnectorError && error.status === 404) return undefined;
        throw error;
      }
    },
    async changedSince(key, etag) {
      const raw = key.startsWith('raw:');
      const url = raw ? key.slice(4) : key;
      try {
        const accept = raw ? { Accept: 'application/vnd.github.raw+json' } : {};
        const response = await http.request(url, { headers: { ...headers, ...accept, 'If-None-Match': etag }, acceptStatuses: [304] });
        return response.status !== 304;
      } catch (error) {
        // Gone since the last run is a change too.
        if (error instanceof ConnectorError && error.status === 404) return true;
        throw error;
      }
    },
  };
}

function bearer(token: string): AuthProvider {
  return { headers: async () => ({ Authorization: `Bearer ${token}` }) };
}
