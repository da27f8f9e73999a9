import { describe, expect, it } from 'vitest';
import { Deadline } from '../../../src/api/deadline.ts';
import { HeavyWorkGate } from '../../../src/api/heavy-work.ts';
import { hostName, isAllowedHost } from '../../../src/api/host-check.ts';
import { RateLimiter } from '../../../src/api/rate-limit.ts';

describe('per-key token bucket', () => {
  it('allows a burst, then refuses with the seconds until a token is back, and refills with time', () => {
    let now = 0;
    const limiter = new RateLimiter({ perSecond: 2, burst: 3 }, () => now);
    expect([1, 2, 3].map(() => limiter.take('key:a').allowed)).toEqual([true, true, true]);
    expect(limiter.take('key:a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(limiter.take('key:b').allowed).toBe(true); // buckets are per caller
    now += 500; // half a second: one token at 2/s
    expect(limiter.take('key:a').allowed).toBe(true);
    expect(limiter.take('key:a').allowed).toBe(false);
  });

  it('is off at 0 per second', () => {
    const limiter = new RateLimiter({ perSecond: 0, burst: 1 });
    expect(Array.from({ length: 100 }, () => limiter.take('k').allowed).every(Boolean)).toBe(true);
  });
});

describe('concurrency cap for expensive fields', () => {
  it('refuses a key over its share at once and queues others until a slot frees', async () => {
    const gate = new HeavyWorkGate(2, 1);
    const deadline = new Deadline(5_000);
    let release!: () => void;
    const blocker = new Promise<void>((r) => (release = r));
    const first = gate.run('a', deadline, () => blocker);
    await expect(gate.run('a', deadline, async () => 1)).rejects.toMatchObject({ extensions: { code: 'RATE_LIMITED' } });
    const second = gate.run('b', deadline, () => blocker);
    let thirdDone = false;
    const third = gate.run('c', deadline, async () => (thirdDone = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(thirdDone).toBe(false); // both slots are held
    release();
    await Promise.all([first, second, third]);
    expect(thirdDone).toBe(true);
    deadline.dispose();
  });

  it('gives up waiting at the deadline with TIMEOUT', async () => {
    const gate = new HeavyWorkGate(1, 5);
    const long = new Deadline(5_000);
    const short = new Deadline(30);
    let release!: () => void;
    const held = gate.run('a', long, () => new Promise<void>((r) => (release = r)));
    await expect(gate.run('b', short, async () => 1)).rejects.toMatchObject({ extensions: { code: 'TIMEOUT' } });
    release();
    await held;
    expect(await gate.run('c', long, async () => 7)).toBe(7); // the timed-out waiter left no slot taken
    long.dispose();
  });
});

describe('Host header allow-list (DNS rebinding)', () => {
  it.each([
    ['localhost:4000', true],
    ['127.0.0.1:4000', true],
    ['[::1]:4000', true],
    ['app.localhost', true],
    ['authgraph.internal', true],
    ['evil.example', false],
    ['evil.example:4000', false],
    ['localhost.evil.example', false],
    ['', false],
  ])('%s → %s', (host, allowed) => {
    expect(isAllowedHost(host, ['authgraph.internal'])).toBe(allowed);
  });

  it('reads names without port and brackets', () => {
    expect(hostName('[::1]:80')).toBe('::1');
    expect(hostName('Example.COM.:443')).toBe('example.com');
  });
});
