import { backoffDelay, parseRetryAfter } from './backoff.ts';
import type { BackoffPolicy } from './backoff.ts';
import { connectorError, ConnectorError, FatalConnectorError } from './errors.ts';
import type { ConnectorErrorType } from './errors.ts';
import { defaultSleep, RateLimiter } from './rate-limiter.ts';

// One HTTP client for every source: rate limit, per-call timeout, retry with exponential backoff
// honouring Retry-After, and HTTP outcomes mapped to the error taxonomy. Paging is source-specific
// and lives in the connectors, on top of getJson.

export interface AuthProvider {
  headers(): Promise<Record<string, string>>;
  /** Drop a cached token after a 401 so the next call fetches a fresh one. */
  invalidate?(): void;
}

export interface HttpClientOptions {
  /** For messages only, e.g. "entra_id". */
  name: string;
  timeoutMs: number;
  maxRetries: number;
  backoff: BackoffPolicy;
  requestsPerSecond: number;
  auth?: AuthProvider;
  /** Origins this client may call; a next-page link elsewhere is refused so tokens never leak. */
  allowedOrigins: string[];
  sleep?: (ms: number) => Promise<void>;
  /** Absolute time (ms) after which no new attempt starts: the sync timeout. */
  deadline?: number;
  /** Told before each retry's wait (for logs and metrics). */
  onRetry?: (retry: RetryNotice) => void;
}

/** A call about to be retried: what failed, which try this was, how long the wait is. */
export interface RetryNotice {
  client: string;
  url: string;
  attempt: number;
  delayMs: number;
  errorType: ConnectorErrorType;
  status?: number;
  message: string;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
}

export interface RequestInit {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Send the auth provider's headers (false for the token endpoint itself). */
  auth?: boolean;
  /** Non-2xx statuses that are answers, not errors (304 Not Modified for a conditional request). */
  acceptStatuses?: number[];
}

export interface HttpStats {
  apiCalls: number;
  retries: number;
  rateLimited: number;
  rateLimitRemaining?: number;
  /** Pauses until a spent primary rate limit reset (X-RateLimit-Remaining: 0). */
  rateLimitWaits: number;
}

export class HttpClient {
  readonly stats: HttpStats = { apiCalls: 0, retries: 0, rateLimited: 0, rateLimitWaits: 0 };
  /** Epoch ms before which no request starts: the source said its request budget is spent. */
  #pausedUntil = 0;
  readonly #limiter: RateLimiter;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #origins: Set<string>;

  constructor(private readonly options: HttpClientOptions) {
    this.#sleep = options.sleep ?? defaultSleep;
    this.#limiter = new RateLimiter(options.requestsPerSecond, this.#sleep);
    this.#origins = new Set(options.allowedOrigins.map((o) => new URL(o).origin));
  }

  async getJson(url: string, init: RequestInit = {}): Promise<{ body: unknown; headers: Headers; status: number }> {
    const response = await this.request(url, { ...init, headers: { Accept: 'application/json', ...init.headers } });
    try {
      return { body: JSON.parse(response.text) as unknown, headers: response.headers, status: response.status };
    } catch (cause) {
      throw connectorError('PARSE_ERROR', `${this.options.name}: response from ${redactUrl(url)} is not JSON`, {
        cause,
        url: redactUrl(url),
        status: response.status,
        bodyExcerpt: response.text.slice(0, 200),
      });
    }
  }

  async request(url: string, init: RequestInit = {}): Promise<HttpResponse> {
    this.#checkOrigin(url);
    let authRefreshed = false;
    for (let attempt = 0; ; attempt++) {
      // Outside the try: a rejected token request is final, not a reason to refresh and retry.
      const authHeaders = init.auth !== false && this.options.auth ? await this.options.auth.headers() : {};
      try {
        return await this.#attempt(url, init, authHeaders);
      } catch (error) {
        if (!(error instanceof ConnectorError)) throw error;
        // A 401 with a cached token may just mean the token expired: refresh once, then give up.
        if (error.type === 'AUTH_FAILURE' && init.auth !== false && this.options.auth?.invalidate && !authRefreshed) {
          authRefreshed = true;
          this.options.auth.invalidate();
          continue;
        }
        if (!error.retryable || attempt >= this.options.maxRetries) throw error;
        const delay = backoffDelay(attempt, this.options.backoff, error.retryAfterMs);
        if (this.options.deadline !== undefined && Date.now() + delay > this.options.deadline) throw error;
        this.stats.retries++;
        if (error.type === 'RATE_LIMITED') this.stats.rateLimited++;
        this.options.onRetry?.({
          client: this.options.name,
          url: redactUrl(url),
          attempt: attempt + 1,
          delayMs: delay,
          errorType: error.type,
          ...(error.status !== undefined ? { status: error.status } : {}),
          message: error.message,
        });
        await this.#sleep(delay);
      }
    }
  }

  async #attempt(url: string, init: RequestInit, authHeaders: Record<string, string>): Promise<HttpResponse> {
    await this.#waitForBudget(url);
    await this.#limiter.acquire();
    const headers: Record<string, string> = { ...init.headers, ...authHeaders };
    this.stats.apiCalls++;
    const where = redactUrl(url);
    let response: Response;
    let text: string;
    try {
      // The timeout covers headers and body: a server that stalls mid-body is as stuck as one that never answers.
      const signal = AbortSignal.timeout(this.options.timeoutMs);
      response = await fetch(url, { method: init.method ?? 'GET', headers, body: init.body, signal, redirect: 'error' });
      text = await response.text();
    } catch (cause) {
      const timedOut = cause instanceof Error && (cause.name === 'TimeoutError' || cause.name === 'AbortError');
      throw connectorError(
        timedOut ? 'TIMEOUT' : 'NETWORK_ERROR',
        `${this.options.name}: ${timedOut ? `no response within ${this.options.timeoutMs} ms` : 'network error'} calling ${where}`,
        { cause, url: where },
      );
    }
    const remaining = response.headers.get('x-ratelimit-remaining') ?? response.headers.get('ratelimit-remaining');
    if (remaining !== null && !Number.isNaN(Number(remaining))) this.stats.rateLimitRemaining = Number(remaining);
    const resetAt = rateLimitResetMs(response.headers);
    // The budget is spent: the next request waits for the reset instead of being refused (GitHub).
    if (remaining === '0' && resetAt !== undefined) this.#pausedUntil = Math.max(this.#pausedUntil, resetAt);
    if (response.ok || init.acceptStatuses?.includes(response.status)) return { status: response.status, headers: response.headers, text };
    const limited = isRateLimitAnswer(response.status, response.headers, text);
    const type = limited ? 'RATE_LIMITED' : statusToErrorType(response.status);
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after')) ?? (limited && resetAt !== undefined ? Math.max(0, resetAt - Date.now()) : undefined);
    throw connectorError(type, `${this.options.name}: HTTP ${response.status} from ${where}${describeBody(text)}`, {
      status: response.status,
      url: where,
      retryAfterMs,
      bodyExcerpt: text.slice(0, 500),
    });
  }

  async #waitForBudget(url: string): Promise<void> {
    const wait = this.#pausedUntil - Date.now();
    if (wait <= 0) return;
    if (this.options.deadline !== undefined && Date.now() + wait > this.options.deadline) {
      throw connectorError('RATE_LIMITED', `${this.options.name}: request budget spent until ${new Date(this.#pausedUntil).toISOString()}, after the sync deadline (${redactUrl(url)})`);
    }
    this.stats.rateLimitWaits++;
    await this.#sleep(wait);
  }

  #checkOrigin(url: string): void {
    let origin: string;
    try {
      origin = new URL(url).origin;
    } catch (cause) {
      throw new FatalConnectorError('CONFIG_ERROR', `${this.options.name}: not a URL: ${url}`, { cause });
    }
    if (!this.#origins.has(origin)) {
      throw new FatalConnectorError(
        'CONFIG_ERROR',
        `${this.options.name}: refusing to call ${origin}: not one of the configured base URLs (${[...this.#origins].join(', ')})`,
      );
    }
  }
}

/** `X-RateLimit-Reset` (epoch seconds) as epoch ms. */
function rateLimitResetMs(headers: Headers): number | undefined {
  const reset = Number(headers.get('x-ratelimit-reset'));
  return Number.isFinite(reset) && reset > 0 ? reset * 1000 : undefined;
}

/**
 * A 403 or 429 that is a rate limit, not a refusal: GitHub answers a spent primary limit with
 * `X-RateLimit-Remaining: 0`, and a secondary limit with Retry-After or its message.
 */
export function isRateLimitAnswer(status: number, headers: Headers, text: string): boolean {
  if (status === 429) return true;
  if (status !== 403) return false;
  return headers.get('x-ratelimit-remaining') === '0' || headers.has('retry-after') || /secondary rate limit|rate limit exceeded/i.test(text.slice(0, 500));
}

export function statusToErrorType(status: number): ConnectorErrorType {
  if (status === 401) return 'AUTH_FAILURE';
  if (status === 403) return 'PERMISSION_DENIED';
  if (status === 404 || status === 410) return 'ENTITY_NOT_FOUND';
  if (status === 408 || status === 504) return 'TIMEOUT';
  if (status === 429) return 'RATE_LIMITED';
  if (status >= 500) return 'SERVER_ERROR';
  // Other 4xx: the request we built is wrong for this source (bad filter, unknown table).
  return 'CONFIG_ERROR';
}

/** Query strings can carry filters with user names; messages keep path and parameter names only. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    const params = [...u.searchParams.keys()];
    return `${u.origin}${u.pathname}${params.length ? `?${params.join('&')}` : ''}`;
  } catch {
    return '(invalid url)';
  }
}

function describeBody(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown; code?: unknown } | string; message?: unknown };
    const message =
      typeof body.error === 'object' && body.error ? body.error.message : typeof body.error === 'string' ? body.error : body.message;
    return typeof message === 'string' ? `: ${message.slice(0, 200)}` : '';
  } catch {
    return '';
  }
}
