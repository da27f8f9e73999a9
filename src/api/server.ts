import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { MAX_JSON_DEPTH, findTooDeep, formatPath, tooDeepMessage } from '../model/index.ts';
import type { ApolloServerPlugin } from '@apollo/server';
import type { OperationDefinitionNode } from 'graphql';
import { graphql as graphqlModule } from './graphql.ts';
import { errorFields, silentLogger } from '../observability/logger.ts';
import type { Logger } from '../observability/logger.ts';
import { METRICS_CONTENT_TYPE } from '../observability/metrics.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { StorageAdapter } from '../storage/StorageAdapter.ts';
import type { ApiKeyStore } from './auth/api-keys.ts';
import type { ApiContext } from './context.ts';
import { Deadline } from './deadline.ts';
import { ApiError, createFormatError } from './errors.ts';
import { newAuditOrigin, SYSTEM_TENANT, traceIdOf } from '../audit/audit-envelope.ts';
import type { AuditAction } from '../audit/audit-envelope.ts';
import { AuditTrail } from '../audit/audit-trail.ts';
import { auditRefusalsPlugin } from './audit-plugin.ts';
import { HeavyWorkGate } from './heavy-work.ts';
import { isAllowedHost } from './host-check.ts';
import { ApiLimits } from './limits.ts';
import type { ApiLimitsInput } from './limits.ts';
import { createLoaders } from './loaders.ts';
import { dashboardAssets } from './dashboard/bundle.ts';
import { DASHBOARD_CSP, dashboardHtml } from './dashboard/page.ts';
import { playgroundAssets } from './playground/bundle.ts';
import { PLAYGROUND_CSP, playgroundHtml } from './playground/page.ts';
import type { PlaygroundOptions } from './playground/page.ts';
import { RateLimiter } from './rate-limit.ts';
import { createResolvers } from './resolvers/index.ts';
import { typeDefs } from './schema.ts';
import { SharedResults } from './shared-results.ts';
import type { SyncLauncher } from './sync-launcher.ts';
import { TenantScope } from './tenant-scope.ts';
import { costLimitRule } from './validation/cost-limit.ts';
import { depthLimitRule } from './validation/depth-limit.ts';

export interface ApiServerOptions {
  storage: StorageAdapter;
  keys: ApiKeyStore;
  limits?: ApiLimitsInput;
  /** 127.0.0.1 unless told otherwise: the API is for this machine until someone decides more. */
  host?: string;
  /** 0 picks a free port (tests). */
  port?: number;
  playground?: PlaygroundOptions | false;
  /** The analyst dashboard at /dashboard (default: served). */
  dashboard?: boolean;
  /**
   * Lets operators start syncs (Mutation.triggerSync); without it every trigger is NOT_FOUND. Given
   * the storage to write through, so the API sees those writes (shared-results.ts).
   */
  syncs?: (storage: StorageAdapter) => SyncLauncher;
  /** Unexpected errors (masked for the client) go here; by default to `log`. */
  logError?: (error: unknown) => void;
  /** Where the audit trail is written; the storage's own outbox unless told otherwise. */
  audit?: AuditTrail;
  /** One line per request (request id, tenant, operation, status, duration) and API errors. */
  log?: Logger;
  /** Served at /metrics (Prometheus text) and fed with API latency per operation. */
  metrics?: Metrics;
}

/** What the server knows about a request beyond Apollo's context: for its log line and metrics. */
interface RequestInfo {
  requestId: string;
  log: Logger;
  operation?: string;
}

/** A caller's x-request-id is kept when it is a sane token; otherwise the server makes one. */
const requestIdOf = (req: IncomingMessage) => {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
};

/** A bounded label for metrics: the operation type and its first root field (`query.executionChains`). */
const { Kind } = graphqlModule;
function operationLabel(operation: OperationDefinitionNode | null | undefined): string {
  const first = operation?.selectionSet.selections.find((s) => s.kind === Kind.FIELD);
  return operation ? `${operation.operation}.${first?.kind === Kind.FIELD ? first.name.value : 'fragment'}` : 'invalid';
}

export interface ApiServer {
  /** Base URL, ending in '/'. The API is at `${url}graphql`, the playground at `url`. */
  url: string;
  graphqlUrl: string;
  httpServer: Server;
  /** Drops the tenant's cached answers (its data changed: a sync completed somewhere); returns how many. */
  forgetTenant(tenantId: string): number;
  close(): Promise<void>;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const API_SERVICE = 'authgraph-api';

/** The key from `x-api-key`, or from `Authorization: Bearer …`. */
function presentedKey(headers: HeaderMap): string | undefined {
  const header = headers.get('x-api-key');
  if (header) return header;
  const auth = headers.get('authorization');
  return auth?.toLowerCase().startsWith('bearer ') ? auth.slice(7).trim() : undefined;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': JSON_TYPE, ...headers });
  res.end(JSON.stringify(body));
}

const errorBody = (code: string, message: string) => ({ errors: [{ message, extensions: { code } }] });

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new BodyTooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The GraphQL API on a plain node:http server: POST/GET /graphql (Apollo), the playground at /,
 * its bundled assets under /playground/, the analyst dashboard at /dashboard (assets under
 * /dashboard/), and /healthz. Each request gets its principal (from the
 * API key), a TenantScope fixed to the key's tenant with the request's deadline, and new loaders.
 */
export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const limits = ApiLimits.parse(options.limits ?? {});
  const log = options.log ?? silentLogger();
  const logError = options.logError ?? ((error: unknown) => log.error(errorFields(error), 'unexpected API error'));
  const metrics = options.metrics;
  // Per request, keyed by the request's Deadline: the plugin below only sees Apollo's context,
  // which Apollo shallow-copies per operation, so the context object itself is no key.
  const requests = new WeakMap<Deadline, RequestInfo>();
  const observe: ApolloServerPlugin<ApiContext> = {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, operation }) {
          const info = requests.get(contextValue.deadline);
          if (info) info.operation = operationLabel(operation);
        },
        async didEncounterErrors({ contextValue, errors, operation }) {
          const info = requests.get(contextValue.deadline);
          for (const error of errors) {
            const code = String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
            const fields = { code, operation: operationLabel(operation), path: error.path?.join('.') };
            // The caller's mistakes are routine; anything else is ours and worth an operator's look.
            if (code === 'INTERNAL_SERVER_ERROR') info?.log.error({ ...fields, ...errorFields(error.originalError ?? error) }, 'API error');
            else info?.log.info({ ...fields, message: error.message }, 'API request refused');
          }
        },
      };
    },
  };
  const httpServer = createServer();
  const results = { cache: new SharedResults() };
  const syncs = options.syncs?.(options.storage);
  const rates = new RateLimiter(limits.rateLimit);
  const auditBase = options.audit ?? new AuditTrail(options.storage, newAuditOrigin('API', API_SERVICE));
  /** Per request: one conversation and trace (the caller's W3C traceparent when it sent one). */
  const auditFor = (headers: { get(name: string): string | undefined }) => {
    const audit = auditBase.withOrigin(newAuditOrigin('API', API_SERVICE, traceIdOf(headers.get('traceparent'))));
    const note = (action: AuditAction) => audit.record(action).then(() => undefined, logError);
    return { audit, note };
  };
  // A refused caller is recorded once a minute, not once a request: a flood must not become one.
  const rateAudited = new Map<string, number>();
  const heavy = new HeavyWorkGate(limits.maxConcurrentHeavy, limits.maxConcurrentHeavyPerKey);

  const apollo = new ApolloServer<ApiContext>({
    typeDefs,
    resolvers: createResolvers(typeDefs) as never,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    formatError: createFormatError(logError),
    parseOptions: { maxTokens: limits.maxTokens },
    validationRules: [depthLimitRule(limits.maxDepth, limits.maxIntrospectionDepth), costLimitRule(limits.maxCost, limits.maxIntrospectionFields)],
    allowBatchedHttpRequests: false,
    // No cache hints are served (answers are per tenant and per key), and the cache-control
    // plugin would otherwise wrap every field resolution.
    plugins: [auditRefusalsPlugin(), ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled(), ApolloServerPluginDrainHttpServer({ httpServer }), observe],
  });
  await apollo.start();

  const context = async (headers: HeaderMap): Promise<ApiContext> => {
    const key = presentedKey(headers);
    const principal = options.keys.authenticate(key);
    const { audit, note } = auditFor(headers);
    if (!principal) {
      if (key) {
        const claimed = options.keys.claimedBy(key);
        await note({
          tenantId: claimed?.tenantId ?? SYSTEM_TENANT,
          eventType: 'API_KEY_REFUSED',
          severity: 'WARN',
          businessKeys: claimed ? { keyId: claimed.keyId } : {},
          extra: { reason: claimed ? 'the secret part does not match the key id' : 'no key with this id, or not an Authgraph key' },
        });
      }
      throw new ApiError('UNAUTHENTICATED', key ? 'the API key is not valid' : 'an API key is required: send it in the x-api-key header');
    }
    const deadline = new Deadline(limits.queryTimeoutMs);
    const scope = new TenantScope(options.storage, principal.tenantId, deadline, results);
    return { principal, scope, loaders: createLoaders(scope), deadline, heavy, audit, note, ...(syncs ? { syncs } : {}) };
  };

  const graphql = async (req: IncomingMessage, res: ServerResponse, search: string) => {
    const started = performance.now();
    const requestId = requestIdOf(req);
    res.setHeader('x-request-id', requestId);
    const info: RequestInfo = { requestId, log: log.child({ requestId }) };
    res.once('finish', () => {
      const seconds = (performance.now() - started) / 1000;
      const operation = info.operation ?? (res.statusCode === 401 ? 'unauthenticated' : res.statusCode === 429 ? 'rate_limited' : 'invalid');
      metrics?.apiLatency.observe({ operation, status: String(res.statusCode) }, seconds);
      info.log.info({ operation, status: res.statusCode, ms: Math.round(seconds * 1000) }, 'graphql request');
    });
    // Per-caller token bucket, before the body is even read: a key's own id, or the remote address
    // when no valid key is presented (so guessing keys is limited as well).
    const keyHeader = req.headers['x-api-key'];
    const auth = req.headers.authorization;
    const presented = typeof keyHeader === 'string' ? keyHeader : auth?.toLowerCase().startsWith('bearer ') ? auth.slice(7).trim() : undefined;
    const caller = options.keys.authenticate(presented);
    const decision = rates.take(caller ? `key:${caller.keyId}` : `addr:${req.socket.remoteAddress ?? 'unknown'}`);
    if (!decision.allowed) {
      const who = caller ? `key:${caller.keyId}` : `addr:${req.socket.remoteAddress ?? 'unknown'}`;
      metrics?.apiRateLimited.inc({ caller: caller ? 'key' : 'anonymous' });
      info.log.info({ ...(caller ? { tenantId: caller.tenantId, keyId: caller.keyId } : {}), retryAfterSeconds: decision.retryAfterSeconds }, 'API request refused: rate limit');
      if ((rateAudited.get(who) ?? 0) < Date.now() - 60_000) {
        rateAudited.set(who, Date.now());
        if (rateAudited.size > 10_000) rateAudited.clear();
        const { note } = auditFor({ get: (name) => req.headers[name] as string | undefined });
        await note({
          tenantId: caller?.tenantId ?? SYSTEM_TENANT,
          eventType: 'QUERY_REFUSED_RATE',
          severity: 'WARN',
          businessKeys: caller ? { keyId: caller.keyId, role: caller.role } : {},
          extra: { retryAfterSeconds: decision.retryAfterSeconds, perSecond: limits.rateLimit.perSecond, burst: limits.rateLimit.burst },
        });
      }
      return sendJson(res, 429, errorBody('RATE_LIMITED', `too many requests for this API key; retry in ${decision.retryAfterSeconds} s`), {
        'retry-after': String(decision.retryAfterSeconds),
      });
    }
    let body: unknown;
    if (req.method === 'POST') {
      let text: string;
      try {
        text = await readBody(req, limits.maxBodyBytes);
      } catch (error) {
        // The rest of the body is never read: close the connection rather than reuse it.
        if (error instanceof BodyTooLarge) {
          return sendJson(res, 413, errorBody('BAD_USER_INPUT', `request body over ${limits.maxBodyBytes} bytes`), { connection: 'close' });
        }
        throw error;
      }
      const type = req.headers['content-type'] ?? '';
      if (type.includes('application/json')) {
        try {
          body = JSON.parse(text);
        } catch {
          return sendJson(res, 400, errorBody('BAD_USER_INPUT', 'the request body is not valid JSON'));
        }
      } else {
        body = text;
      }
    }
    // Depth cap on JSON inputs, measured before graphql-js, the JSON scalars or zod walk them
    // recursively. A body is at most four levels above a JSON argument's value (body, variables,
    // input object, its JSON field), and the value itself may nest MAX_JSON_DEPTH (inputs.ts).
    const variablesParam = req.method === 'GET' ? new URLSearchParams(search).get('variables') : null;
    let inputs: unknown = body;
    if (variablesParam) {
      try {
        inputs = { variables: JSON.parse(variablesParam) as unknown };
      } catch {
        inputs = undefined; // Apollo reports the malformed parameter
      }
    }
    const deep = findTooDeep(inputs, MAX_JSON_DEPTH + 4);
    if (deep) return sendJson(res, 400, errorBody('BAD_USER_INPUT', `${formatPath(deep.path)}: ${tooDeepMessage(MAX_JSON_DEPTH)}`));
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    // The deadline in TenantScope stops storage work; this stops waiting for anything else.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), limits.queryTimeoutMs + 1_000);
    });
    let created: ApiContext | undefined;
    const response = await Promise.race([
      apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? 'GET', headers, search, body },
        context: async () => {
          created = await context(headers);
          info.log = info.log.child({ tenantId: created.principal.tenantId });
          requests.set(created.deadline, info);
          return created;
        },
      }),
      late,
    ]).finally(() => {
      clearTimeout(timer);
      created?.deadline.dispose();
    });
    if (response === 'late') return sendJson(res, 503, errorBody('TIMEOUT', `the query did not finish within ${limits.queryTimeoutMs} ms`));
    for (const [name, value] of response.headers) res.setHeader(name, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };

  const playground = options.playground;
  httpServer.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    // /healthz reveals nothing and is asked by probes under any name.
    if (url.pathname !== '/healthz' && !isAllowedHost(req.headers.host, limits.allowedHosts)) {
      return sendJson(res, 421, errorBody('FORBIDDEN', `this server does not answer for host ${JSON.stringify(req.headers.host ?? '')}; configure it in AUTHGRAPH_API_ALLOWED_HOSTS`));
    }
    const route = async () => {
      if (url.pathname === '/graphql') return graphql(req, res, url.search);
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, errorBody('BAD_USER_INPUT', 'method not allowed'));
      if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
      if (metrics && url.pathname === '/metrics') {
        const text = await metrics.render();
        res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE });
        return void res.end(text);
      }
      if (playground !== false && url.pathname === '/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': PLAYGROUND_CSP, 'cache-control': 'no-store' });
        return void res.end(playgroundHtml(playground ?? {}));
      }
      if (playground !== false && (url.pathname === '/playground/app.js' || url.pathname === '/playground/app.css')) {
        const assets = await playgroundAssets();
        const js = url.pathname.endsWith('.js');
        res.writeHead(200, { 'content-type': js ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8', 'cache-control': 'no-cache' });
        return void res.end(js ? assets.js : assets.css);
      }
      if (options.dashboard !== false && (url.pathname === '/dashboard' || url.pathname === '/dashboard/')) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': DASHBOARD_CSP, 'cache-control': 'no-store' });
        return void res.end(dashboardHtml());
      }
      if (options.dashboard !== false && /^\/dashboard\/[\w-]+\.(js|css)$/.test(url.pathname)) {
        const file = (await dashboardAssets()).files.get(url.pathname.slice('/dashboard/'.length));
        if (file !== undefined) {
          const js = url.pathname.endsWith('.js');
          res.writeHead(200, { 'content-type': js ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8', 'cache-control': 'no-cache' });
          return void res.end(file);
        }
      }
      return sendJson(res, 404, errorBody('NOT_FOUND', 'no such path: the API is at /graphql'));
    };
    route().catch((error: unknown) => {
      logError(error);
      if (!res.headersSent) sendJson(res, 500, errorBody('INTERNAL_SERVER_ERROR', 'internal server error'));
      else res.end();
    });
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? 4000, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = httpServer.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}/`;
  return {
    url,
    graphqlUrl: `${url}graphql`,
    httpServer,
    forgetTenant: (tenantId) => results.cache.forgetTenant(tenantId),
    close: () => apollo.stop(),
  };
}
