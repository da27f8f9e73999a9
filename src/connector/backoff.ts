// Retry timing: exponential backoff, but the server's Retry-After wins when it asks for longer
// (Graph and ServiceNow both send it with 429/503; retrying sooner only extends the throttle).

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export function backoffDelay(attempt: number, policy: BackoffPolicy, retryAfterMs?: number): number {
  const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
  return retryAfterMs === undefined ? exponential : Math.max(retryAfterMs, exponential);
}

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
