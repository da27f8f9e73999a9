// Spaces request starts at least 1/rps apart. Sources throttle per second (Graph, ServiceNow's
// rate-limit rules), so a steady interval is kinder than bursts that earn 429s.
export class RateLimiter {
  readonly #intervalMs: number;
  #next = 0;

  constructor(
    requestsPerSecond: number,
    private readonly sleep: (ms: number) => Promise<void> = defaultSleep,
  ) {
    this.#intervalMs = requestsPerSecond > 0 ? 1000 / requestsPerSecond : 0;
  }

  /** Resolves when the caller may start its request; reservations are taken in call order. */
  async acquire(): Promise<void> {
    const now = Date.now();
    const slot = Math.max(now, this.#next);
    this.#next = slot + this.#intervalMs;
    if (slot > now) await this.sleep(slot - now);
  }
}

export function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
