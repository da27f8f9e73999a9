import { HttpClient } from './http-client.ts';
import type { AuthProvider } from './http-client.ts';
import type { ConnectorConfig } from './types.ts';

// Seed 003 SyncErrorPolicy defaults: 3 retries, 1 s exponential up to 60 s, 30 s per call.
export const DEFAULT_POLICY = {
  maxRetries: 3,
  retryBackoffMs: 1000,
  maxRetryBackoffMs: 60_000,
  apiCallTimeoutMs: 30_000,
  maxRequestsPerSecond: 10,
  maxPartialErrors: 50,
} as const;

export function httpClientFor(
  config: ConnectorConfig,
  options: { name: string; allowedOrigins: string[]; auth?: AuthProvider; startedAt?: number },
): HttpClient {
  const rl = config.rateLimitConfig;
  return new HttpClient({
    name: options.name,
    timeoutMs: config.apiCallTimeoutMs ?? DEFAULT_POLICY.apiCallTimeoutMs,
    maxRetries: rl?.maxRetries ?? DEFAULT_POLICY.maxRetries,
    backoff: {
      baseMs: rl?.retryBackoffMs ?? DEFAULT_POLICY.retryBackoffMs,
      maxMs: rl?.maxRetryBackoffMs ?? DEFAULT_POLICY.maxRetryBackoffMs,
    },
    requestsPerSecond: rl?.maxRequestsPerSecond ?? DEFAULT_POLICY.maxRequestsPerSecond,
    allowedOrigins: options.allowedOrigins,
    ...(options.auth ? { auth: options.auth } : {}),
    deadline: (options.startedAt ?? Date.now()) + config.timeout * 1000,
    ...(config.runtime?.onRetry ? { onRetry: config.runtime.onRetry } : {}),
  });
}
