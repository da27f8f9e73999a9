import { describe, expect, it } from 'vitest';
import { DeadlineExceededError, checkpoint, runWithDeadline } from '../../../src/runtime/cooperative.ts';

/** Busy work for about `ms`, with a checkpoint every iteration, as a long analysis loop does. */
async function busyLoop(ms: number): Promise<number> {
  const end = performance.now() + ms;
  let rounds = 0;
  while (performance.now() < end) {
    for (let i = 0; i < 10_000; i++) rounds += i & 1;
    await checkpoint();
  }
  return rounds;
}

describe('cooperative work under a deadline', () => {
  it('stops a long loop at the deadline and lets timers run meanwhile', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const started = performance.now();
    await expect(runWithDeadline(150, () => busyLoop(5_000))).rejects.toBeInstanceOf(DeadlineExceededError);
    clearInterval(timer);
    expect(performance.now() - started).toBeLessThan(3_000); // far below the 5 s the loop would run
    expect(ticks).toBeGreaterThan(1); // the loop gave the event loop back (a loop that never yields lets no timer run)
  });

  it('costs nothing and never throws outside a deadline', async () => {
    expect(checkpoint()).toBeUndefined();
    expect(await busyLoop(30)).toBeGreaterThan(0);
  });
});
