import { describe, expect, it } from 'vitest';
import { backoffDelay, parseRetryAfter } from '../../../src/connector/backoff.ts';
import { formatLinkHeader, parseLinkHeader } from '../../../src/connector/link-header.ts';
import { RateLimiter } from '../../../src/connector/rate-limiter.ts';
import { isRateLimitAnswer, redactUrl } from '../../../src/connector/http-client.ts';

describe('backoff', () => {
  const policy = { baseMs: 100, maxMs: 1000 };
  it('doubles per attempt up to the cap', () => {
    expect([0, 1, 2, 3, 4, 5].map((a) => backoffDelay(a, policy))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
  it('waits at least what Retry-After asks', () => {
    expect(backoffDelay(0, policy, 3000)).toBe(3000);
    expect(backoffDelay(3, policy, 10)).toBe(800);
  });
  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter('0.5')).toBe(500);
    const now = Date.parse('2026-11-26T12:00:00Z');
    expect(parseRetryAfter('Thu, 26 Nov 2026 12:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

describe('Link header', () => {
  it('round-trips ServiceNow-style links', () => {
    const links = { first: 'https://x/api/now/table/t?sysparm_offset=0', next: 'https://x/api/now/table/t?sysparm_limit=2&sysparm_offset=2' };
    expect(parseLinkHeader(formatLinkHeader(links))).toEqual(links);
  });
  it('accepts spaces, unquoted rels and several rels per link', () => {
    expect(parseLinkHeader('<https://a/1>; rel=next, <https://a/9>; rel="last prev"')).toEqual({ next: 'https://a/1', last: 'https://a/9', prev: 'https://a/9' });
    expect(parseLinkHeader(null)).toEqual({});
  });
});

describe('rate limiter', () => {
  it('spaces request starts 1/rps apart', async () => {
    const waits: number[] = [];
    const limiter = new RateLimiter(10, async (ms) => void waits.push(ms));
    await limiter.acquire();
    await limiter.acquire();
    await limiter.acquire();
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeGreaterThan(80);
    expect(waits[1]).toBeGreaterThan(180);
  });
});

describe('redactUrl', () => {
  it('keeps parameter names, drops values (filters can name people)', () => {
    expect(redactUrl('https://g/v1.0/users?$filter=mail%20eq%20%27a%40b%27&$top=5')).toBe('https://g/v1.0/users?$filter&$top');
  });
});

describe('isRateLimitAnswer', () => {
  const h = (headers: Record<string, string>) => new Headers(headers);
  it('a 403 is a rate limit only when GitHub says so: remaining 0, Retry-After, or its message', () => {
    expect(isRateLimitAnswer(403, h({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1700000000' }), '')).toBe(true);
    expect(isRateLimitAnswer(403, h({ 'retry-after': '60' }), '')).toBe(true);
    expect(isRateLimitAnswer(403, h({}), '{"message":"You have exceeded a secondary rate limit."}')).toBe(true);
    expect(isRateLimitAnswer(403, h({ 'x-ratelimit-remaining': '4999' }), '{"message":"Must be an organization owner."}')).toBe(false);
    expect(isRateLimitAnswer(429, h({}), '')).toBe(true);
    expect(isRateLimitAnswer(401, h({ 'x-ratelimit-remaining': '0' }), '')).toBe(false);
  });
});
