import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import type { StorageAdapter } from '../storage/StorageAdapter.ts';
import type { ApiKeyStore } from './auth/api-keys.ts';
import type { ApiContext } from './context.ts';
import { Deadline } from './deadline.ts';
import { ApiError, createFormatError } from './errors.ts';
import { ApiLimits } from './limits.ts';
import type { ApiLimitsInput } from './limits.ts';
import { createLoaders } from './loaders.ts';
import { dashboardAssets } from './dashboard/bundle.ts';
import { DASHBOARD_CSP, dashboardHtml } from './dashboard/page.ts';
import { playgroundAssets } from './playground/bundle.ts';
import { PLAYGROUND_CSP, playgroundHtml } from './playground/page.ts';
import type { PlaygroundOptions } from './playground/page.ts';
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
  /** Unexpected errors (masked for the client) go here. */
  logError?: (error: unknown) => void;
}

export interface ApiServer {
  /** Base URL, ending in '/'. The API is at `${url}graphql`, the playground at `url`. */
  url: string;
  graphqlUrl: string;
  httpServer: Server;
  close(): Promise<void>;
}

const JSON_TYPE = 'application/json; charset=utf-8';

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
  const logError = options.logError ?? ((error: unknown) => console.error('[authgraph api] unexpected error:', error));
  const httpServer = createServer();
  const results = { cache: new SharedResults() };
  const syncs = options.syncs?.(options.storage);

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
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled(), ApolloServerPluginDrainHttpServer({ httpServer })],
  });
  await apollo.start();

  const context = async (headers: HeaderMap): Promise<ApiContext> => {
    const key = presentedKey(headers);
    const principal = options.keys.authenticate(key);
    if (!principal) {
      throw new ApiError('UNAUTHENTICATED', key ? 'the API key is not valid' : 'an API key is required: send it in the x-api-key header');
    }
    const deadline = new Deadline(limits.queryTimeoutMs);
    const scope = new TenantScope(options.storage, principal.tenantId, deadline, results);
    return { principal, scope, loaders: createLoaders(scope), deadline, ...(syncs ? { syncs } : {}) };
  };

  const graphql = async (req: IncomingMessage, res: ServerResponse, search: string) => {
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
        context: async () => (created = await context(headers)),
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
    const route = async () => {
      if (url.pathname === '/graphql') return graphql(req, res, url.search);
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, errorBody('BAD_USER_INPUT', 'method not allowed'));
      if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
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
    close: () => apollo.stop(),
  };
}
