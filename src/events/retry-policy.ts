/** Consumer retry policy (DESIGN decision 6): 3 tries, backoff 1 s doubling up to 30 s. */
export interface RetryPolicy {
  tries: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_CONSUMER_RETRY: RetryPolicy = { tries: 3, initialBackoffMs: 1_000, maxBackoffMs: 30_000 };

/** Wait before try number `attempt` (1-based; the first try does not wait). */
export function backoffBeforeTry(policy: RetryPolicy, attempt: number): number {
  if (attempt <= 1) return 0;
  return Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** (attempt - 2));
}
