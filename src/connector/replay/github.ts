import { createHash, createPublicKey, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { formatLinkHeader } from '../link-header.ts';
import type { PageResult } from './paging.ts';

// GitHub REST specifics for replay (API version 2022-11-28): `per_page` / `page` paging with an
// RFC 8288 Link header, the primary rate-limit headers on every answer, ETags with 304 for a
// matching If-None-Match (which GitHub does not count against the limit), and the App
// installation-token exchange signed with the App's RS256 key.

type Row = Record<string, unknown>;

/**
 * One page of a list. GitHub answers either a bare array (`/orgs/{org}/repos`) or an object with
 * `total_count` and one array (`/repos/{o}/{r}/actions/workflows` → `workflows`).
 */
export function gitHubPage(fixture: unknown, url: URL, publicBase: string): PageResult {
  const perPage = clamp(url.searchParams.get('per_page'), 30, 100);
  const page = Math.max(1, Number(url.searchParams.get('page') ?? '1') || 1);
  const wrapped = !Array.isArray(fixture) && fixture && typeof fixture === 'object' ? (fixture as Row) : undefined;
  const listKey = wrapped ? Object.keys(wrapped).find((k) => Array.isArray(wrapped[k])) : undefined;
  if (!Array.isArray(fixture) && !listKey) return { body: fixture, headers: {}, pageIndex: 0 };
  const all = (Array.isArray(fixture) ? fixture : (wrapped as Row)[listKey as string]) as unknown[];
  const slice = all.slice((page - 1) * perPage, page * perPage);
  const body = Array.isArray(fixture) ? slice : { ...(wrapped as Row), [listKey as string]: slice };
  const lastPage = Math.max(1, Math.ceil(all.length / perPage));
  const link = (p: number) => {
    const u = new URL(url.pathname + url.search, publicBase);
    u.searchParams.set('per_page', String(perPage));
    u.searchParams.set('page', String(p));
    return u.toString();
  };
  const links: Record<string, string> = {};
  if (page < lastPage) Object.assign(links, { next: link(page + 1), last: link(lastPage) });
  if (page > 1) Object.assign(links, { first: link(1), prev: link(page - 1) });
  return { body, headers: Object.keys(links).length ? { Link: formatLinkHeader(links) } : {}, pageIndex: page - 1 };
}

/** A weak ETag of a body, as GitHub sends for list and object answers. */
export function etagOf(body: string): string {
  return `W/"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"`;
}

export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => t.trim() === etag || t.trim() === '*');
}

/**
 * The primary rate limit of one scenario: a budget per window, spent by every counted request.
 * When it is spent, requests are refused (403, X-RateLimit-Remaining: 0) until the reset time,
 * then a new window starts, as GitHub does.
 */
export class RateBudget {
  used = 0;
  constructor(
    readonly limit = 5000,
    public resetAt = Math.floor(Date.now() / 1000) + 3600,
    readonly windowSeconds = 3600,
  ) {}

  /** False when the window's budget is spent (the request must be refused). */
  spend(nowSeconds = Date.now() / 1000): boolean {
    if (nowSeconds >= this.resetAt) {
      this.used = 0;
      this.resetAt = Math.floor(nowSeconds) + this.windowSeconds;
    }
    if (this.used >= this.limit) return false;
    this.used++;
    return true;
  }

  refund(): void {
    this.used = Math.max(0, this.used - 1);
  }

  headers(): Record<string, string> {
    return {
      'X-RateLimit-Limit': String(this.limit),
      'X-RateLimit-Remaining': String(Math.max(0, this.limit - this.used)),
      'X-RateLimit-Used': String(this.used),
      'X-RateLimit-Reset': String(this.resetAt),
      'X-RateLimit-Resource': 'core',
    };
  }
}

/** Checks an App JWT (RS256, iss = App id, not expired, at most 10 minutes long) against the App's public key. */
export function verifyAppJwt(jwt: string, appId: string, publicKey: KeyObject | string, nowSeconds = Math.floor(Date.now() / 1000)): string | undefined {
  const parts = jwt.split('.');
  if (parts.length !== 3) return 'A JSON web token could not be decoded';
  const [head = '', payload = '', signature = ''] = parts;
  let header: Row;
  let claims: Row;
  try {
    header = JSON.parse(Buffer.from(head, 'base64url').toString()) as Row;
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Row;
  } catch {
    return 'A JSON web token could not be decoded';
  }
  if (header.alg !== 'RS256') return "'alg' must be RS256";
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  const ok = verify('RSA-SHA256', Buffer.from(`${head}.${payload}`), key, Buffer.from(signature, 'base64url'));
  if (!ok) return 'A JSON web token could not be decoded';
  if (String(claims.iss) !== appId) return "'Issuer' claim ('iss') must be the App's id";
  const iat = Number(claims.iat);
  const exp = Number(claims.exp);
  if (!(exp > nowSeconds)) return "'Expiration time' claim ('exp') is too far in the past";
  if (!(iat <= nowSeconds + 60) || exp - iat > 600) return "'Expiration time' claim ('exp') is too far in the future";
  return undefined;
}

function clamp(asked: string | null, fallback: number, max: number): number {
  const n = Number(asked);
  return Number.isInteger(n) && n > 0 ? Math.min(n, max) : fallback;
}
