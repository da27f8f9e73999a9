import { connectorError } from '../../src/connector/errors.ts';
import { httpClientFor } from '../../src/connector/http-factory.ts';
import type { HttpClient } from '../../src/connector/http-client.ts';
import { parseLinkHeader } from '../../src/connector/link-header.ts';
import { resolveSecret } from '../../src/connector/secrets.ts';
import type { ConnectorConfig } from '../../src/connector/types.ts';
import type { ExampleSettings } from './config.ts';

// TEMPLATE: auth and paging. Here: an API key header and RFC 8288 Link paging.
export function exampleClient(config: ConnectorConfig, settings: ExampleSettings): { http: HttpClient; url: (path: string) => string } {
  const key = resolveSecret(settings.credentials.apiKey, { env: config.runtime?.env, secretsFile: config.runtime?.secretsFile });
  const base = settings.sourceConfig.baseUrl;
  const http = httpClientFor(config, { name: 'example', allowedOrigins: [base], auth: { headers: async () => ({ Authorization: `Bearer ${key.reveal()}` }) } });
  return { http, url: (path) => `${base}/${path.replace(/^\//, '')}?limit=${settings.sourceConfig.pageSize}` };
}

export async function* pages(http: HttpClient, firstUrl: string): AsyncGenerator<Record<string, unknown>[]> {
  let url: string | undefined = firstUrl;
  while (url) {
    const { body, headers } = await http.getJson(url);
    if (!Array.isArray(body)) throw connectorError('PARSE_ERROR', 'example: a page is not a list');
    yield body as Record<string, unknown>[];
    url = parseLinkHeader(headers.get('link')).next;
  }
}
