import { createPublicKey, randomUUID } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { etagOf, gitHubPage, ifNoneMatchHits, RateBudget, verifyAppJwt } from './replay/github.ts';
import { odataPage, serviceNowPage } from './replay/paging.ts';
import type { PageResult } from './replay/paging.ts';
import { fixtureFor, loadScenario, rawFileFor } from './replay/scenario.ts';
import type { ReplayFault, Scenario } from './replay/scenario.ts';

// Replays fixtures/<source>/<scenario>/ over real HTTP on 127.0.0.1 (DESIGN decision 8), so tests
// and the demo run connectors unchanged: same paging, same auth handshake, same failures.
// URL layout: http://127.0.0.1:<port>/<source>/<scenario>/<api path>.

export const DEFAULT_FIXTURES_ROOT = fileURLToPath(new URL('../../fixtures/', import.meta.url));

export interface ReplayRequest {
  method: string;
  source: string;
  scenario: string;
  path: string;
  query: string;
  status: number;
  at: number;
  fault?: ReplayFault['kind'];
  /** For a token request: the scope asked for (the form's other fields, the secret among them, are not kept). */
  scope?: string;
}

interface ActiveFault {
  fault: ReplayFault;
  used: number;
}

export class ReplayServer {
  readonly requests: ReplayRequest[] = [];
  #server?: Server;
  #url?: string;
  readonly #sockets = new Set<Socket>();
  readonly #scenarios = new Map<string, Scenario>();
  readonly #faults = new Map<string, ActiveFault[]>();
  readonly #tokens = new Map<string, string>();
  readonly #appKeys = new Map<string, KeyObject>();
  readonly #budgets = new Map<string, RateBudget>();

  constructor(readonly root: string = DEFAULT_FIXTURES_ROOT) {}

  get url(): string {
    if (!this.#url) throw new Error('replay server not started');
    return this.#url;
  }

  /** Base URL of one scenario, e.g. http://127.0.0.1:4711/servicenow/happy-path */
  scenarioUrl(source: string, scenario: string): string {
    this.#scenario(source, scenario);
    return `${this.url}/${source}/${scenario}`;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `replay server: ${(error as Error).message}` } }));
      });
    });
    server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('replay server has no port');
    this.#server = server;
    this.#url = `http://127.0.0.1:${address.port}`;
    return this;
  }

  async close(): Promise<void> {
    // Hung requests hold sockets open forever by design; cut them so close() returns.
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }

  /** Adds a fault for one scenario (on top of its scenario.json faults). */
  inject(source: string, scenario: string, fault: ReplayFault): void {
    this.#activeFaults(source, scenario).push({ fault, used: 0 });
  }

  /** Trust a GitHub App's public key (PEM) for one scenario: its JWTs may then get installation tokens. */
  trustGitHubApp(source: string, scenario: string, publicKeyPem: string): void {
    this.#appKeys.set(`${source}/${scenario}`, createPublicKey(publicKeyPem));
  }

  /** Replace a scenario's primary rate-limit budget (GitHub), e.g. to make it run out. */
  setRateLimit(source: string, scenario: string, limit: number, resetAt?: number, windowSeconds?: number): void {
    this.#budgets.set(`${source}/${scenario}`, new RateBudget(limit, resetAt, windowSeconds));
  }

  clearFaults(source: string, scenario: string): void {
    this.#faults.delete(`${source}/${scenario}`);
  }

  requestsFor(source: string, scenario: string): ReplayRequest[] {
    return this.requests.filter((r) => r.source === source && r.scenario === scenario);
  }

  #scenario(source: string, name: string): Scenario {
    const key = `${source}/${name}`;
    let scenario = this.#scenarios.get(key);
    if (!scenario) {
      scenario = loadScenario(this.root, source, name);
      this.#scenarios.set(key, scenario);
    }
    return scenario;
  }

  #activeFaults(source: string, name: string): ActiveFault[] {
    const key = `${source}/${name}`;
    let faults = this.#faults.get(key);
    if (!faults) {
      faults = this.#scenario(source, name).faults.map((fault) => ({ fault, used: 0 }));
      this.#faults.set(key, faults);
    }
    return faults;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const [, source = '', name = '', ...rest] = url.pathname.split('/');
    const path = `/${rest.join('/')}`;
    const log: ReplayRequest = { method: req.method ?? 'GET', source, scenario: name, path, query: url.search, status: 0, at: Date.now() };
    this.requests.push(log);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      log.status = status;
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    let scenario: Scenario;
    try {
      scenario = this.#scenario(source, name);
    } catch (error) {
      return send(404, { error: { message: (error as Error).message } });
    }

    if (req.method === 'POST' && (path.endsWith('/oauth2/v2.0/token') || path === '/oauth_token.do')) {
      const form = await readBody(req);
      const scope = new URLSearchParams(form).get('scope');
      if (scope !== null) log.scope = scope;
      return this.#token(scenario, path, form, send);
    }
    if (req.method === 'POST' && scenario.paging === 'github' && /^\/app\/installations\/[^/]+\/access_tokens$/.test(path)) {
      return this.#installationToken(scenario, path, req.headers.authorization, send);
    }
    if (!this.#authorized(scenario, req.headers.authorization)) {
      return send(401, errorBody(scenario, 'InvalidAuthenticationToken', 'Access token is missing or invalid.'), {
        'WWW-Authenticate': 'Bearer',
      });
    }

    if (scenario.paging === 'github') return this.#gitHub(scenario, req, url, path, log, send);

    const recorded = deltaFixture(scenario, path, url) ?? fixtureFor(scenario, path);
    const fixture = scenario.emptyCollections ? emptyOf(scenario, recorded) : recorded;
    const page = fixture === undefined ? undefined : this.#page(scenario, fixture as Record<string, unknown>, url);
    const fault = this.#takeFault(source, name, path, page?.pageIndex ?? 0);
    if (fault) {
      log.fault = fault.kind;
      if (fault.kind === 'hang') return; // never answer: the client's timeout must fire
      if (fault.kind === 'malformed') return send(200, '{"value": [{"id": "truncated-', {});
      const headers: Record<string, string> = fault.retryAfter !== undefined ? { 'Retry-After': String(fault.retryAfter) } : {};
      return send(fault.status ?? 500, fault.body ?? errorBody(scenario, 'injected', `injected HTTP ${fault.status ?? 500}`), headers);
    }
    if (!page) {
      return scenario.paging === 'servicenow' && path.startsWith('/api/now/table/')
        ? send(400, { error: { message: `Invalid table ${path.split('/').pop()}`, detail: null }, status: 'failure' })
        : send(404, errorBody(scenario, 'Request_ResourceNotFound', `Resource '${path}' does not exist.`));
    }
    send(200, page.body, page.headers);
  }

  #page(scenario: Scenario, fixture: Record<string, unknown>, url: URL): PageResult {
    const publicBase = `${this.url}`;
    return scenario.paging === 'servicenow' ? serviceNowPage(fixture, url, publicBase) : odataPage(fixture, url, publicBase);
  }

  #takeFault(source: string, name: string, path: string, pageIndex: number): ReplayFault | undefined {
    for (const active of this.#activeFaults(source, name)) {
      const { fault } = active;
      const matches = fault.path.endsWith('*') ? path.startsWith(fault.path.slice(0, -1)) : path === fault.path;
      if (!matches || (fault.page !== undefined && fault.page !== pageIndex)) continue;
      if (fault.times !== undefined && active.used >= fault.times) continue;
      active.used++;
      return fault;
    }
    return undefined;
  }

  #authorized(scenario: Scenario, header: string | undefined): boolean {
    if (!header) return false;
    const [scheme, value = ''] = header.split(' ');
    if (scheme === 'Bearer' || scheme === 'token') {
      if (scenario.paging === 'github' && scenario.auth.githubToken && value === scenario.auth.githubToken) return true;
      return this.#tokens.get(value) === `${scenario.source}/${scenario.name}`;
    }
    if (scheme === 'Basic' && scenario.auth.username) {
      return Buffer.from(value, 'base64').toString() === `${scenario.auth.username}:${scenario.auth.password ?? ''}`;
    }
    return false;
  }

  /**
   * GitHub REST answers: faults, then the recorded list (paged) or object, or a raw file under
   * `/contents/`; every answer carries the rate-limit headers and an ETag, and a matching
   * If-None-Match gets 304 without spending the budget.
   */
  #gitHub(scenario: Scenario, req: IncomingMessage, url: URL, path: string, log: ReplayRequest, send: Send): void {
    const key = `${scenario.source}/${scenario.name}`;
    let budget = this.#budgets.get(key);
    if (!budget) this.#budgets.set(key, (budget = new RateBudget()));
    const raw = path.includes('/contents/') ? rawFileFor(scenario, path) : undefined;
    // `?role=admin` lists (org members) are recorded as `<path>.role-admin.json`.
    const role = url.searchParams.get('role');
    const recorded = raw === undefined ? (role ? fixtureFor(scenario, `${path}.role-${role}`) : undefined) ?? fixtureFor(scenario, path) : undefined;
    const fixture = scenario.emptyCollections && recorded !== undefined ? emptyGitHubList(recorded) : recorded;
    const page = fixture === undefined ? undefined : gitHubPage(fixture, url, this.url);
    // The primary limit is checked first: a spent budget refuses everything until its reset.
    if (!budget.spend()) {
      return send(403, { message: 'API rate limit exceeded. (Check X-RateLimit-Reset.)', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api', status: '403' }, budget.headers());
    }
    const fault = this.#takeFault(scenario.source, scenario.name, path, page?.pageIndex ?? 0);
    if (fault) {
      log.fault = fault.kind;
      if (fault.kind === 'hang') return;
      if (fault.kind === 'malformed') return send(200, '[{"id": 1, "name": "trunc', budget.headers());
      const headers: Record<string, string> = { ...budget.headers(), ...fault.headers };
      if (fault.retryAfter !== undefined) headers['Retry-After'] = String(fault.retryAfter);
      if (fault.resetInSeconds !== undefined) headers['X-RateLimit-Reset'] = String(Math.ceil(Date.now() / 1000 + fault.resetInSeconds));
      const message = fault.status === 403 || fault.status === 429 ? 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' : `injected HTTP ${fault.status ?? 500}`;
      return send(fault.status ?? 500, fault.body ?? { message, documentation_url: 'https://docs.github.com/rest', status: String(fault.status ?? 500) }, headers);
    }
    if (raw === undefined && !page) {
      return send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' }, budget.headers());
    }
    const wantsRaw = String(req.headers.accept ?? '').includes('raw');
    const text = raw !== undefined
      ? wantsRaw ? raw : JSON.stringify({ type: 'file', encoding: 'base64', content: Buffer.from(raw).toString('base64'), path: path.split('/contents/')[1] })
      : JSON.stringify(page?.body);
    const etag = etagOf(text);
    if (ifNoneMatchHits(req.headers['if-none-match'], etag)) {
      budget.refund(); // a 304 costs nothing (GitHub: conditional requests that match are free)
      return send(304, '', { ETag: etag, ...budget.headers() });
    }
    send(200, text, { ...budget.headers(), ETag: etag, ...(page?.headers ?? {}), ...(raw !== undefined && wantsRaw ? { 'Content-Type': 'text/plain; charset=utf-8' } : {}) });
  }

  #installationToken(scenario: Scenario, path: string, authorization: string | undefined, send: Send): void {
    const key = this.#appKeys.get(`${scenario.source}/${scenario.name}`);
    const installation = path.split('/')[3];
    const [scheme, jwt = ''] = (authorization ?? '').split(' ');
    const problem = !key || !scenario.auth.githubAppId
      ? 'no GitHub App is trusted by this scenario'
      : scheme !== 'Bearer' ? 'A JSON web token could not be decoded' : verifyAppJwt(jwt, scenario.auth.githubAppId, key);
    if (problem) return send(401, { message: problem, documentation_url: 'https://docs.github.com/rest', status: '401' });
    if (installation !== scenario.auth.githubInstallationId) return send(404, { message: 'Not Found', status: '404' });
    const token = `ghs_replay${randomUUID().replace(/-/g, '')}`;
    this.#tokens.set(token, `${scenario.source}/${scenario.name}`);
    send(201, { token, expires_at: new Date(Date.now() + 3_600_000).toISOString(), permissions: {}, repository_selection: 'all' });
  }

  #token(scenario: Scenario, path: string, body: string, send: (s: number, b: unknown) => void): void {
    const form = new URLSearchParams(body);
    const { auth } = scenario;
    const tenantOk = !path.endsWith('/oauth2/v2.0/token') || !auth.tenantId || path === `/${auth.tenantId}/oauth2/v2.0/token`;
    if (form.get('grant_type') !== 'client_credentials') {
      return send(400, { error: 'unsupported_grant_type', error_description: 'only client_credentials is replayed' });
    }
    if (!tenantOk) return send(400, { error: 'invalid_request', error_description: 'AADSTS90002: Tenant not found.', error_codes: [90002] });
    // Entra issues tokens only for resources it knows: its clouds' Graph, or what the scenario names.
    const scope = form.get('scope');
    if (path.endsWith('/oauth2/v2.0/token') && scope !== null && !(auth.scopes ?? GRAPH_SCOPES).includes(scope)) {
      const resource = scope.replace(/\/\.default$/, '');
      return send(400, {
        error: 'invalid_resource',
        error_description: `AADSTS500011: The resource principal named ${resource} was not found in the tenant named ${auth.tenantId ?? 'the tenant'}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.\r\nTrace ID: ${randomUUID()}\r\nCorrelation ID: ${randomUUID()}`,
        error_codes: [500011],
      });
    }
    if (!auth.clientId || form.get('client_id') !== auth.clientId || form.get('client_secret') !== auth.clientSecret) {
      return send(401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.\r\nTrace ID: replay', error_codes: [7000215] });
    }
    const token = `replay-${randomUUID()}`;
    this.#tokens.set(token, `${scenario.source}/${scenario.name}`);
    send(200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token });
  }
}

/** The scopes Entra's token endpoint accepts for Microsoft Graph, one per national cloud. */
const GRAPH_SCOPES = [
  'https://graph.microsoft.com/.default',
  'https://graph.microsoft.us/.default',
  'https://dod-graph.microsoft.us/.default',
  'https://microsoftgraph.chinacloudapi.cn/.default',
];

/** Starts a server; the caller closes it. */
export async function startReplayServer(root?: string): Promise<ReplayServer> {
  return new ReplayServer(root).start();
}

/** A delta round after the first reads `<path>.<token>.json`; none recorded means "no changes". */
function deltaFixture(scenario: Scenario, path: string, url: URL): unknown {
  const token = url.searchParams.get('$deltatoken');
  if (!path.endsWith('/delta') || !token) return undefined;
  return fixtureFor(scenario, `${path}.${token}`) ?? { '@odata.context': 'replay', value: [] };
}

type Send = (status: number, body: unknown, headers?: Record<string, string>) => void;

/** The "empty response" scenario on GitHub: every list answers with nothing in it. */
function emptyGitHubList(fixture: unknown): unknown {
  if (Array.isArray(fixture)) return [];
  if (!fixture || typeof fixture !== 'object') return fixture;
  const out: Record<string, unknown> = { ...(fixture as Record<string, unknown>) };
  for (const [k, v] of Object.entries(out)) if (Array.isArray(v)) out[k] = [];
  if ('total_count' in out) out.total_count = 0;
  return out;
}

function emptyOf(scenario: Scenario, fixture: unknown): unknown {
  if (fixture === undefined) return undefined;
  return scenario.paging === 'servicenow' ? { result: [] } : { ...(fixture as object), value: [] };
}

function errorBody(scenario: Scenario, code: string, message: string): unknown {
  return scenario.paging === 'servicenow'
    ? { error: { message, detail: null }, status: 'failure' }
    : { error: { code, message, innerError: { 'request-id': randomUUID(), date: new Date().toISOString() } } };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (data += chunk));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}
