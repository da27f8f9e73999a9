import { z } from 'zod';
import type { ApiLimitsInput } from '../api/limits.ts';
import { parseOrThrow } from '../model/index.ts';
import { LOG_LEVELS } from '../observability/logger.ts';
import { TenantPlacement } from '../storage/placement.ts';

// Process configuration, read once from the environment and validated: a wrong value stops the
// process with a message naming the variable, instead of failing somewhere later.
const AppConfig = z.object({
  AUTHGRAPH_STORE: z.enum(['sqlite', 'memory', 'neo4j']).optional(),
  /** The embedded store's database file (AUTHGRAPH_STORE=sqlite). */
  AUTHGRAPH_DB: z.string().min(1).default('.authgraph/authgraph.db'),
  /** How long a writer waits for another process's write before it gives up with a clear error. */
  AUTHGRAPH_DB_BUSY_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).optional(),
  AUTHGRAPH_TENANT: z.string().min(1).optional(),
  NEO4J_URI: z.string().regex(/^(bolt|neo4j)(\+s|\+ssc)?:\/\//, 'NEO4J_URI must start with bolt:// or neo4j://').optional(),
  NEO4J_USER: z.string().optional(),
  NEO4J_PASSWORD: z.string().optional(),
  /** A JSON file placing tenants on several Neo4j servers (src/storage/placement.ts); NEO4J_URI is then not used. */
  AUTHGRAPH_NEO4J_PLACEMENT: z.string().min(1).optional(),
  KAFKA_BROKERS: z.string().regex(/^[^,\s]+(,[^,\s]+)*$/, 'KAFKA_BROKERS is a comma-separated host:port list').optional(),
  // API limits for `authgraph serve` (src/api/limits.ts has the defaults and what each means).
  AUTHGRAPH_API_RATE_PER_SECOND: z.coerce.number().min(0).optional(),
  AUTHGRAPH_API_RATE_BURST: z.coerce.number().int().min(1).optional(),
  AUTHGRAPH_API_QUERY_TIMEOUT_MS: z.coerce.number().int().min(1).optional(),
  AUTHGRAPH_API_HEAVY_CONCURRENCY: z.coerce.number().int().min(1).optional(),
  AUTHGRAPH_API_HEAVY_PER_KEY: z.coerce.number().int().min(1).optional(),
  /** Comma-separated host names the server answers besides localhost (DNS rebinding guard). */
  AUTHGRAPH_API_ALLOWED_HOSTS: z.string().optional(),
  /** Overridden by --log-level. */
  AUTHGRAPH_LOG_LEVEL: z.enum(LOG_LEVELS).optional(),
  /** json (servers and relays by default) or pretty (other commands by default). */
  AUTHGRAPH_LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
});
export type StoreKind = 'sqlite' | 'memory' | 'neo4j';
export type AppConfig = z.infer<typeof AppConfig> & { store: StoreKind; placement?: TenantPlacement };

export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = parseOrThrow(AppConfig, env, 'environment configuration');
  // Neo4j when asked for, or when a URI is given and nothing else was asked for; else the
  // embedded SQLite file.
  const store = parsed.AUTHGRAPH_STORE ?? (parsed.NEO4J_URI || parsed.AUTHGRAPH_NEO4J_PLACEMENT ? 'neo4j' : 'sqlite');
  if (store === 'neo4j' && !parsed.NEO4J_URI && !parsed.AUTHGRAPH_NEO4J_PLACEMENT) {
    throw new Error('AUTHGRAPH_STORE=neo4j needs NEO4J_URI (e.g. bolt://127.0.0.1:7687) or AUTHGRAPH_NEO4J_PLACEMENT');
  }
  if (parsed.AUTHGRAPH_NEO4J_PLACEMENT && store !== 'neo4j') {
    throw new Error(`AUTHGRAPH_NEO4J_PLACEMENT places tenants on Neo4j servers; it does not go with AUTHGRAPH_STORE=${store}`);
  }
  // Read and checked now, at start: a wrong placement must not surface as a misrouted write later.
  const placement = parsed.AUTHGRAPH_NEO4J_PLACEMENT ? TenantPlacement.fromFile(parsed.AUTHGRAPH_NEO4J_PLACEMENT) : undefined;
  return { ...parsed, store, ...(placement ? { placement } : {}) };
}

/** The API limits the environment sets; the rest keep their defaults. */
export function apiLimitsFromConfig(config: AppConfig): ApiLimitsInput {
  const rate = {
    ...(config.AUTHGRAPH_API_RATE_PER_SECOND !== undefined ? { perSecond: config.AUTHGRAPH_API_RATE_PER_SECOND } : {}),
    ...(config.AUTHGRAPH_API_RATE_BURST !== undefined ? { burst: config.AUTHGRAPH_API_RATE_BURST } : {}),
  };
  return {
    ...(Object.keys(rate).length ? { rateLimit: { perSecond: 20, burst: 60, ...rate } } : {}),
    ...(config.AUTHGRAPH_API_QUERY_TIMEOUT_MS !== undefined ? { queryTimeoutMs: config.AUTHGRAPH_API_QUERY_TIMEOUT_MS } : {}),
    ...(config.AUTHGRAPH_API_HEAVY_CONCURRENCY !== undefined ? { maxConcurrentHeavy: config.AUTHGRAPH_API_HEAVY_CONCURRENCY } : {}),
    ...(config.AUTHGRAPH_API_HEAVY_PER_KEY !== undefined ? { maxConcurrentHeavyPerKey: config.AUTHGRAPH_API_HEAVY_PER_KEY } : {}),
    ...(config.AUTHGRAPH_API_ALLOWED_HOSTS ? { allowedHosts: config.AUTHGRAPH_API_ALLOWED_HOSTS.split(',').map((h) => h.trim()).filter(Boolean) } : {}),
  };
}
