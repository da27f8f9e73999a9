import { z } from 'zod';

export const RateLimitConfig = z.object({
  /** Requests a key may make per second, on average. 0 turns the limit off. */
  perSecond: z.number().min(0).default(20),
  /** Requests a key may make at once after being idle (the bucket's size). */
  burst: z.number().int().min(1).default(60),
});
export type RateLimitConfig = z.infer<typeof RateLimitConfig>;

/** The answer for one request: allowed, or refused with the seconds until a token is back. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * A token bucket per caller (an API key id, or the remote address for requests without a valid
 * key, so guessing keys is limited too). Buckets refill continuously; idle full buckets are
 * dropped, so the map holds only callers seen recently.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly config: RateLimitConfig,
    private readonly now: () => number = () => performance.now(),
  ) {}

  take(caller: string): RateDecision {
    const { perSecond, burst } = this.config;
    if (perSecond === 0) return { allowed: true };
    const now = this.now();
    const bucket = this.buckets.get(caller) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
    bucket.at = now;
    this.buckets.set(caller, bucket);
    if (this.buckets.size > 10_000) this.sweep(now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond)) };
  }

  private sweep(now: number): void {
    const { perSecond, burst } = this.config;
    for (const [caller, b] of this.buckets) if (b.tokens + ((now - b.at) / 1000) * perSecond >= burst) this.buckets.delete(caller);
  }
}
