import { ApiKeyStore, issueApiKey } from '../../../src/api/auth/api-keys.ts';
import type { Role } from '../../../src/api/auth/api-keys.ts';
import type { ApiLimitsInput } from '../../../src/api/limits.ts';
import { startApiServer } from '../../../src/api/server.ts';
import type { ApiServer } from '../../../src/api/server.ts';
import type { SyncLauncher } from '../../../src/api/sync-launcher.ts';
import type { StorageAdapter } from '../../../src/storage/StorageAdapter.ts';

/**
 * A StorageAdapter wrapper for tests: counts calls per method (to prove the loaders batch) and
 * can make the next call of a method fail or stall (to prove errors are masked and timeouts hold).
 */
export interface InstrumentedStorage {
  storage: StorageAdapter;
  calls: Map<string, number>;
  reset(): void;
  failNext(method: keyof StorageAdapter, error: Error): void;
  delayNext(method: keyof StorageAdapter, ms: number): void;
  /** The next call of the method waits until the returned function is called (then runs as usual). */
  holdNext(method: keyof StorageAdapter): () => void;
}

export function instrument(inner: StorageAdapter): InstrumentedStorage {
  const calls = new Map<string, number>();
  const faults = new Map<string, { error?: Error; delayMs?: number; hold?: Promise<void> }>();
  const storage = new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      return async (...args: unknown[]) => {
        calls.set(prop, (calls.get(prop) ?? 0) + 1);
        const fault = faults.get(prop);
        faults.delete(prop);
        if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
        if (fault?.hold) await fault.hold;
        if (fault?.error) throw fault.error;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return {
    storage,
    calls,
    reset: () => calls.clear(),
    failNext: (method, error) => faults.set(method, { error }),
    delayNext: (method, delayMs) => faults.set(method, { delayMs }),
    holdNext: (method) => {
      let release!: () => void;
      faults.set(method, { hold: new Promise<void>((resolve) => (release = resolve)) });
      return release;
    },
  };
}

export interface GraphQLResult {
  status: number;
  body: {
    data?: Record<string, any> | null;
    errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string; [k: string]: unknown } }[];
  };
  text: string;
}

/** POSTs a query over real HTTP, as a client would. */
export async function postGraphQL(url: string, query: string, variables: Record<string, unknown> = {}, apiKey?: string): Promise<GraphQLResult> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(apiKey ? { 'x-api-key': apiKey } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as GraphQLResult['body'], text };
}

export const codesOf = (r: GraphQLResult) => (r.body.errors ?? []).map((e) => e.extensions?.code);

export interface TestApi {
  server: ApiServer;
  key(tenantId: string, role: Role): string;
  close(): Promise<void>;
}

/** The real server on port 0 over the given storage, with keys issued on demand. */
export async function startTestApi(storage: StorageAdapter, limits?: ApiLimitsInput, syncs?: (storage: StorageAdapter) => SyncLauncher): Promise<TestApi> {
  const keys = new ApiKeyStore();
  const issued = new Map<string, string>();
  // One test client stands in for many callers: the per-key rate limit and heavy-query cap are out
  // of the way unless a test sets them (test/security does), so a fast machine never turns an answer
  // into RATE_LIMITED (a request refused early leaves its sibling fields running, still counted).
  const withLimits = { rateLimit: { perSecond: 100_000, burst: 100_000 }, maxConcurrentHeavyPerKey: 64, maxConcurrentHeavy: 64, ...limits };
  const server = await startApiServer({ storage, keys, port: 0, limits: withLimits, ...(syncs ? { syncs } : {}), logError: () => {} });
  return {
    server,
    key(tenantId, role) {
      const id = `${tenantId}/${role}`;
      if (!issued.has(id)) {
        const { key, record } = issueApiKey({ tenantId, role });
        keys.add(record);
        issued.set(id, key);
      }
      return issued.get(id)!;
    },
    close: () => server.close(),
  };
}
