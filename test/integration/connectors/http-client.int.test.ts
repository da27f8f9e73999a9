import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FatalConnectorError, PartialConnectorError, RetriableConnectorError } from '../../../src/connector/errors.ts';
import { HttpClient } from '../../../src/connector/http-client.ts';
import type { HttpClientOptions } from '../../../src/connector/http-client.ts';
import { ClientCredentialsAuth } from '../../../src/connector/oauth-client-credentials.ts';
import { ReplayServer } from '../../../src/connector/replay-server.ts';
import { Secret } from '../../../src/connector/secrets.ts';
import { odataPages } from '../../../connectors/entra-id/client.ts';
import { tablePages } from '../../../connectors/servicenow/client.ts';
import { ENTRA_CLIENT_ID, ENTRA_TENANT } from '../../support/connectors-fixtures.ts';

// The shared HTTP client against the replay server: real sockets, real timeouts, real headers.
let server: ReplayServer;
beforeAll(async () => {
  server = await new ReplayServer().start();
});
afterAll(async () => server.close());

const ENTRA = 'entra-id';
const SCENARIO = 'happy-path';

function client(overrides: Partial<HttpClientOptions> = {}, secret = 'fixture-entra-secret-Q7v~Xp2'): HttpClient {
  const base = server.scenarioUrl(ENTRA, SCENARIO);
  let http: HttpClient;
  const auth = new ClientCredentialsAuth({
    tokenUrl: `${base}/${ENTRA_TENANT}/oauth2/v2.0/token`,
    clientId: ENTRA_CLIENT_ID,
    clientSecret: new Secret(secret),
    http: () => http,
  });
  http = new HttpClient({
    name: 'test',
    timeoutMs: 300,
    maxRetries: 3,
    backoff: { baseMs: 10, maxMs: 100 },
    requestsPerSecond: 500,
    allowedOrigins: [base],
    auth,
    ...overrides,
  });
  return http;
}
const url = (path: string) => `${server.scenarioUrl(ENTRA, SCENARIO)}${path}`;

describe('HttpClient against the replay server', () => {
  it('a wrong client secret is a fatal AUTH_FAILURE, asked for once', async () => {
    const before = server.requests.filter((r) => r.path.endsWith('/token')).length;
    const error = await client({}, 'wrong-secret').getJson(url('/v1.0/users')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FatalConnectorError);
    expect((error as FatalConnectorError).type).toBe('AUTH_FAILURE');
    expect((error as Error).message).not.toContain('wrong-secret');
    expect(server.requests.filter((r) => r.path.endsWith('/token')).length - before).toBe(1);
  });

  it('honours Retry-After on 429 before retrying', async () => {
    server.inject(ENTRA, SCENARIO, { path: '/v1.0/organization', kind: 'status', status: 429, retryAfter: 1, times: 2 });
    const http = client();
    const started = Date.now();
    const { body } = await http.getJson(url('/v1.0/organization'));
    expect((body as { value: unknown[] }).value).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect(http.stats).toMatchObject({ retries: 2, rateLimited: 2 });
    const hits = server.requests.filter((r) => r.path === '/v1.0/organization').slice(-3);
    expect(hits.map((h) => h.status)).toEqual([429, 429, 200]);
    expect((hits[1]?.at ?? 0) - (hits[0]?.at ?? 0)).toBeGreaterThanOrEqual(990);
    server.clearFaults(ENTRA, SCENARIO);
  });

  it('times out a hung call and retries it', async () => {
    server.inject(ENTRA, SCENARIO, { path: '/v1.0/directoryRoles', kind: 'hang', times: 1 });
    const http = client();
    const { body } = await http.getJson(url('/v1.0/directoryRoles'));
    expect((body as { value: unknown[] }).value).toHaveLength(3);
    expect(http.stats.retries).toBe(1);
    server.clearFaults(ENTRA, SCENARIO);
  });

  it('gives up on persistent 5xx after maxRetries with a retriable SERVER_ERROR', async () => {
    server.inject(ENTRA, SCENARIO, { path: '/v1.0/users', kind: 'status', status: 503 });
    const http = client({ maxRetries: 2 });
    const error = await http.getJson(url('/v1.0/users')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetriableConnectorError);
    expect(error).toMatchObject({ type: 'SERVER_ERROR', status: 503 });
    expect(http.stats.apiCalls).toBe(1 + 3); // token + 3 attempts
    server.clearFaults(ENTRA, SCENARIO);
  });

  it('a malformed page is a partial PARSE_ERROR, not retried', async () => {
    server.inject(ENTRA, SCENARIO, { path: '/v1.0/applications', kind: 'malformed', times: 1 });
    const http = client();
    const error = await http.getJson(url('/v1.0/applications')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartialConnectorError);
    expect(error).toMatchObject({ type: 'PARSE_ERROR' });
    expect(http.stats.retries).toBe(0);
    server.clearFaults(ENTRA, SCENARIO);
  });

  it('refuses to send the token to another origin (a next link pointing elsewhere)', async () => {
    const error = await client().getJson('http://127.0.0.1:1/v1.0/users').catch((e: unknown) => e);
    expect(error).toMatchObject({ type: 'CONFIG_ERROR' });
    expect((error as Error).message).toMatch(/refusing to call/);
  });
});

describe('source paging replayed', () => {
  it('Graph: $top is honoured and @odata.nextLink followed to the end', async () => {
    const pages: number[] = [];
    for await (const page of odataPages(client(), url('/v1.0/users?$top=1'))) pages.push(page.length);
    expect(pages).toEqual([1, 1, 1, 1]);
  });

  it('ServiceNow: sysparm_limit is honoured and the Link header followed to the end', async () => {
    const base = server.scenarioUrl('servicenow', 'happy-path');
    const http = new HttpClient({
      name: 'sn',
      timeoutMs: 1000,
      maxRetries: 0,
      backoff: { baseMs: 1, maxMs: 1 },
      requestsPerSecond: 500,
      allowedOrigins: [base],
      auth: { headers: async () => ({ Authorization: `Basic ${Buffer.from('svc_authgraph_reader:fixture-snow-password-7Hk!x').toString('base64')}` }) },
    });
    const rows: string[][] = [];
    for await (const page of tablePages(http, `${base}/api/now/table/sys_user?sysparm_limit=2&sysparm_offset=0&sysparm_query=ORDERBYuser_name`, 2)) {
      rows.push(page.map((r) => String(r.user_name)));
    }
    expect(rows).toEqual([['alice.nguyen', 'bob.marsh'], ['carol.diaz', 'svc_entra_sync'], ['svc_hr_export']]);
    const last = server.requestsFor('servicenow', 'happy-path').filter((r) => r.path === '/api/now/table/sys_user').at(-1);
    expect(last?.query).toContain('sysparm_offset=4');
  });
});
